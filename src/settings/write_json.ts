/** JSON strings without `JSON.stringify`'s cost when they need no escape, for text writers. */

/** Receives the text in order. */
export type Write = (text: string) => void;

/** What JSON.stringify escapes in a string: control characters, `"`, `\\` and lone surrogates. */
// deno-lint-ignore no-control-regex
const NEEDS_ESCAPE = /[\u0000-\u001f"\\\ud800-\udfff]/;

/** Whether `JSON.stringify(s)` escapes anything in `s` (else it is `s` in quotes). */
export function needsEscape(s: string): boolean {
  return NEEDS_ESCAPE.test(s);
}

/** `JSON.stringify(s)`, without its cost for the common string that needs no escape. */
export function stringJson(s: string): string {
  return NEEDS_ESCAPE.test(s) ? JSON.stringify(s) : `"${s}"`;
}

/** A string at least this long is handed to `write` on its own, escaped block by block. */
export const LONG_STRING = 1 << 16;

/**
 * `stringJson(s)` in pieces of ~64K characters: each block escaped on its own (a block with
 * nothing to escape is its slice, not a copy), a surrogate pair never split. Both engines'
 * JSON.stringify of one 10 MB string took ~13× its time for 1 MB; block by block it is linear
 * and faster.
 */
function jsonBlocks(s: string): string[] {
  const out = ['"'];
  for (let at = 0; at < s.length;) {
    let end = Math.min(at + LONG_STRING, s.length);
    const last = s.charCodeAt(end - 1);
    if (last >= 0xd800 && last <= 0xdbff && end < s.length) end++;
    const block = s.slice(at, end);
    out.push(NEEDS_ESCAPE.test(block) ? JSON.stringify(block).slice(1, -1) : block);
    at = end;
  }
  out.push('"');
  return out;
}
/** Text between long strings is handed on once it is this long. */
const PIECE = 1 << 16;

/**
 * `JSON.stringify(value, null, 2) + "\n"`, handed to `write` in pieces: the text between long
 * strings in pieces of ~64K characters, each long string escaped on its own, so that a document
 * holding 10 MB values is never built as one string of all of them (a builder that grows by
 * copying, then a copy more for the newline). A long string met again (the same value shown for
 * a variable and for each of its readers) is escaped once. Plain data (strings, numbers, booleans,
 * null, arrays, plain objects) is walked here; any other object is written as `JSON.stringify`
 * writes it.
 */
export function writeJsonDocument(value: unknown, write: Write): void {
  const w = new JsonPieces(write, "  ");
  w.value(value, "");
  w.text += "\n";
  w.flush();
}

/**
 * `JSON.stringify(value)` (no indentation) for plain data, long strings escaped block by block as
 * in `writeJsonDocument`: one copy of a 10 MB value into the result, at a cost linear in it.
 */
export function jsonText(value: unknown): string | undefined {
  const parts: string[] = [];
  const w = new JsonPieces((text) => void parts.push(text), "");
  if (!w.value(value, "")) return undefined;
  w.flush();
  return parts.length === 1 ? parts[0] : parts.join("");
}

class JsonPieces {
  text = "";
  private lastLong: string | undefined;
  private lastLongJson: string[] = [];
  constructor(private readonly write: Write, private readonly step: string) {}

  flush(): void {
    if (this.text !== "") this.write(this.text);
    this.text = "";
  }

  /** `value` at `indent`; false (nothing written) where JSON.stringify leaves a value out. */
  value(value: unknown, indent: string): boolean {
    switch (typeof value) {
      case "string":
        this.string(value);
        return true;
      case "number":
      case "boolean":
        this.text += JSON.stringify(value);
        return true;
      case "undefined":
      case "function":
      case "symbol":
        return false;
      case "object":
        if (value === null) this.text += "null";
        else if (Array.isArray(value)) this.array(value, indent);
        else if (isPlainObject(value)) this.object(value as Record<string, unknown>, indent);
        else {
          // a Date, a Map, a boxed value…: JSON.stringify's own text, its lines indented here
          const json = JSON.stringify(value, null, this.step);
          if (json === undefined) return false;
          this.text += json.replaceAll("\n", `\n${indent}`);
        }
        return true;
      default:
        this.text += JSON.stringify(value); // a bigint throws, as in JSON.stringify
        return true;
    }
  }

  private string(s: string): void {
    if (s.length < LONG_STRING) {
      this.text += stringJson(s);
      return;
    }
    if (s !== this.lastLong) {
      this.lastLong = s;
      this.lastLongJson = jsonBlocks(s);
    }
    this.flush();
    for (const piece of this.lastLongJson) this.write(piece);
  }

  private array(items: readonly unknown[], indent: string): void {
    if (items.length === 0) {
      this.text += "[]";
      return;
    }
    const inner = indent + this.step;
    const open = this.step === "" ? "" : `\n${inner}`;
    this.text += "[";
    for (let i = 0; i < items.length; i++) {
      this.text += i === 0 ? open : `,${open}`;
      if (!this.value(items[i], inner)) this.text += "null";
      if (this.text.length >= PIECE) this.flush();
    }
    this.text += this.step === "" ? "]" : `\n${indent}]`;
  }

  private object(o: Record<string, unknown>, indent: string): void {
    const inner = indent + this.step;
    const open = this.step === "" ? "" : `\n${inner}`;
    const colon = this.step === "" ? ":" : ": ";
    let first = true;
    for (const key of Object.keys(o)) {
      const v = o[key];
      if (v === undefined || typeof v === "function" || typeof v === "symbol") continue;
      const mark = this.text.length;
      this.text += `${first ? "{" : ","}${open}${stringJson(key)}${colon}`;
      // an object whose toJSON gives undefined is left out with its key, as by JSON.stringify (a
      // value that writes nothing hands nothing on either: the text is still all here)
      if (!this.value(v, inner)) {
        this.text = this.text.slice(0, mark);
        continue;
      }
      first = false;
      if (this.text.length >= PIECE) this.flush();
    }
    this.text += first ? "{}" : this.step === "" ? "}" : `\n${indent}}`;
  }
}

function isPlainObject(value: object): boolean {
  const proto = Object.getPrototypeOf(value);
  return (proto === Object.prototype || proto === null) &&
    typeof (value as { toJSON?: unknown }).toJSON !== "function";
}
