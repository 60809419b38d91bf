/**
 * Character classes of the real reader's grammar (the pyhocon copy vendored in the ClearML SDK),
 * as flags in a table for codes below 256.
 */

/** Space or tab: the only whitespace skipped between tokens. */
export const WS = 1;
/** `\n` or `\r`: ends an entry. */
export const EOL = 2;
/** May appear in an unquoted string (the backslash escape is handled apart). */
export const UNQUOTED = 4;
/** May appear in an unquoted key: ASCII letters and digits, Latin-1 letters, `._- /`. */
export const KEY = 8;
/** Letters, digits, `_` and `$`: a keyword (`true`, `include`) must not be followed by one. */
export const IDENT = 16;

// Not allowed in an unquoted string by the real reader (`:` and `/` are allowed, unlike HOCON).
const FORBIDDEN_UNQUOTED = '^`+?!@*&"[{]}#,=$\\';

/** The flags of the character with code `c` (below 256): the rules the table is made of. */
export function charClassOf(c: number): number {
  const ch = String.fromCharCode(c);
  let flags = 0;
  if (c === 32 || c === 9) flags |= WS;
  if (c === 10 || c === 13) flags |= EOL;
  // Python's `\s` (str patterns) ends an unquoted string; so do control characters, which the
  // real reader would keep but which in a config file mean a binary or corrupted file.
  const pySpace = (c >= 9 && c <= 13) || c === 32 || (c >= 0x1c && c <= 0x1f) || c === 0x85 ||
    c === 0xa0;
  const control = c < 0x20 || (c >= 0x7f && c <= 0x9f);
  if (!pySpace && !control && !FORBIDDEN_UNQUOTED.includes(ch)) flags |= UNQUOTED;
  const asciiAlnum = (c >= 48 && c <= 57) || (c >= 65 && c <= 90) || (c >= 97 && c <= 122);
  const latin1Letter = c >= 0xc0 && c !== 0xd7 && c !== 0xf7;
  if (asciiAlnum || latin1Letter || "._- /".includes(ch)) flags |= KEY;
  if (asciiAlnum || c === 95 || c === 36) flags |= IDENT;
  return flags;
}

/**
 * `charClassOf(c)` for every code below 256, written out: computing it costs every command that
 * loads the parser a third of a millisecond at start, before the JIT (tests/settings/hocon
 * checks each entry against the rules).
 */
// deno-fmt-ignore
export const CHAR_CLASS: Uint8Array = new Uint8Array([
  0, 0, 0, 0, 0, 0, 0, 0, 0, 1, 2, 0, 0, 2, 0, 0,
  0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
  9, 0, 0, 0, 16, 4, 0, 4, 4, 4, 0, 0, 0, 12, 12, 12,
  28, 28, 28, 28, 28, 28, 28, 28, 28, 28, 4, 4, 4, 0, 4, 0,
  0, 28, 28, 28, 28, 28, 28, 28, 28, 28, 28, 28, 28, 28, 28, 28,
  28, 28, 28, 28, 28, 28, 28, 28, 28, 28, 28, 0, 0, 0, 0, 28,
  0, 28, 28, 28, 28, 28, 28, 28, 28, 28, 28, 28, 28, 28, 28, 28,
  28, 28, 28, 28, 28, 28, 28, 28, 28, 28, 28, 0, 4, 0, 4, 0,
  0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
  0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
  0, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4,
  4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4,
  12, 12, 12, 12, 12, 12, 12, 12, 12, 12, 12, 12, 12, 12, 12, 12,
  12, 12, 12, 12, 12, 12, 12, 4, 12, 12, 12, 12, 12, 12, 12, 12,
  12, 12, 12, 12, 12, 12, 12, 12, 12, 12, 12, 12, 12, 12, 12, 12,
  12, 12, 12, 12, 12, 12, 12, 4, 12, 12, 12, 12, 12, 12, 12, 12,
]);

/** Whitespace beyond Latin-1 that Python's `\s` matches: it ends an unquoted string. */
export function isWideSpace(c: number): boolean {
  return c === 0x1680 || (c >= 0x2000 && c <= 0x200a) || c === 0x2028 || c === 0x2029 ||
    c === 0x202f || c === 0x205f || c === 0x3000;
}

/** True when the character may appear in an unquoted string. */
export function isUnquotedChar(c: number): boolean {
  return c < 256 ? (CHAR_CLASS[c]! & UNQUOTED) !== 0 : !isWideSpace(c);
}

/** A readable name of the character at `offset`, for messages. */
export function describeChar(text: string, offset: number): string {
  if (offset >= text.length) return "end of input";
  const cp = text.codePointAt(offset)!;
  const hex = `U+${cp.toString(16).toUpperCase().padStart(4, "0")}`;
  if (cp < 0x20 || (cp >= 0x7f && cp <= 0x9f)) return `control character ${hex}`;
  if (cp === 0xfeff) return `byte order mark ${hex}`;
  if (cp === 0xa0 || isWideSpace(cp)) return `non-ASCII space ${hex}`;
  if (cp >= 0xd800 && cp <= 0xdfff) return `unpaired surrogate ${hex}`;
  return `'${String.fromCodePoint(cp)}'`;
}
