/**
 * Python's `str.format(**fields)` with string fields only: what clearml-agent does to
 * `CLEARML_AGENT_CHILD_AGENTS_COUNT_CMD` (agent-exec §1 row 29). Returns the text or the error
 * Python would raise, in Python's words. `{{`/`}}` are literal braces; `{name}`, `{name!r}`,
 * `{name[0]}` and `{name:spec}` are fields; positional fields (`{}`, `{0}`) have no arguments.
 */
import { pyRepr } from "../settings/py_str.ts";

export type PyFormatResult = { ok: true; value: string } | { ok: false; error: string };

const fail = (error: string): PyFormatResult => ({ ok: false, error });

/** The field's value after `.attr` / `[key]` lookups, or the error. */
function lookup(value: string, accessors: string): PyFormatResult {
  let rest = accessors;
  while (rest !== "") {
    const attr = /^\.([^.[]*)/.exec(rest);
    if (attr) {
      if (attr[1] === "") return fail("ValueError: Empty attribute in format string");
      return fail(`AttributeError: 'str' object has no attribute ${pyRepr(attr[1]!)}`);
    }
    const index = /^\[([^\]]*)\]/.exec(rest);
    if (!index) return fail("ValueError: Only '.' or '[' may follow ']' in format field specifier");
    const key = index[1]!;
    if (key === "") return fail("ValueError: Empty attribute in format string");
    if (!/^\d+$/.test(key)) return fail("TypeError: string indices must be integers, not 'str'");
    const chars = Array.from(value);
    const ch = chars[Number(key)];
    if (ch === undefined) return fail("IndexError: string index out of range");
    value = ch;
    rest = rest.slice(index[0].length);
  }
  return { ok: true, value };
}

function field(
  text: string,
  fields: Readonly<Record<string, string>>,
): PyFormatResult {
  // The field name ends at the first `!` or `:` outside brackets.
  let end = 0;
  let inBracket = false;
  for (; end < text.length; end++) {
    const ch = text[end];
    if (ch === "[") inBracket = true;
    else if (ch === "]") inBracket = false;
    else if (!inBracket && (ch === "!" || ch === ":")) break;
  }
  const name = text.slice(0, end);
  let conversion: string | undefined;
  let rest = text.slice(end);
  if (rest.startsWith("!")) {
    conversion = rest[1];
    rest = rest.slice(2);
    if (conversion === undefined) return fail("ValueError: unmatched '{' in format spec");
    if (rest !== "" && !rest.startsWith(":")) {
      return fail("ValueError: expected ':' after conversion specifier");
    }
  }
  const spec = rest.startsWith(":") ? rest.slice(1) : "";
  const arg = /^[^.[]*/.exec(name)![0];
  if (arg === "" || /^\d+$/.test(arg)) {
    const n = arg === "" ? 0 : Number(arg);
    return fail(`IndexError: Replacement index ${n} out of range for positional args tuple`);
  }
  const base = fields[arg];
  if (base === undefined) return fail(`KeyError: ${pyRepr(arg)}`);
  const looked = lookup(base, name.slice(arg.length));
  if (!looked.ok) return looked;
  let value = looked.value;
  if (conversion === "r" || conversion === "a") value = pyRepr(value);
  else if (conversion !== undefined && conversion !== "s") {
    return fail(`ValueError: Unknown conversion specifier ${conversion}`);
  }
  return spec === "" ? { ok: true, value } : formatSpec(value, spec);
}

/** The string format-spec mini-language: `[[fill]align][0][width][.precision]` and `s`. */
function formatSpec(value: string, spec: string): PyFormatResult {
  const m = /^(?:(.)?([<>^]))?(0)?(\d+)?(?:\.(\d+))?(s)?$/su.exec(spec);
  if (!m) {
    const code = /[A-Za-z%]$/.exec(spec)?.[0];
    return fail(
      code && code !== "s"
        ? `ValueError: Unknown format code '${code}' for object of type 'str'`
        : `ValueError: Invalid format specifier '${spec}' for object of type 'str'`,
    );
  }
  const [, fillChar, align, zero, width, precision] = m;
  let out = Array.from(value);
  if (precision !== undefined) out = out.slice(0, Number(precision));
  const w = width === undefined ? 0 : Number(width);
  const fill = fillChar ?? (zero ? "0" : " ");
  const pad = Math.max(0, w - out.length);
  const text = out.join("");
  switch (align ?? "<") {
    case ">":
      return { ok: true, value: fill.repeat(pad) + text };
    case "^": {
      const left = Math.floor(pad / 2);
      return { ok: true, value: fill.repeat(left) + text + fill.repeat(pad - left) };
    }
    default:
      return { ok: true, value: text + fill.repeat(pad) };
  }
}

export function pyFormat(
  template: string,
  fields: Readonly<Record<string, string>>,
): PyFormatResult {
  let out = "";
  let i = 0;
  while (i < template.length) {
    const ch = template[i]!;
    if (ch === "}") {
      if (template[i + 1] !== "}") {
        return fail("ValueError: Single '}' encountered in format string");
      }
      out += "}";
      i += 2;
      continue;
    }
    if (ch !== "{") {
      out += ch;
      i++;
      continue;
    }
    if (template[i + 1] === "{") {
      out += "{";
      i += 2;
      continue;
    }
    if (i + 1 >= template.length) {
      return fail("ValueError: Single '{' encountered in format string");
    }
    // The field name may not hold `{`; after `:` the spec may nest `{…}`, which we refuse.
    let depth = 1;
    let j = i + 1;
    let inSpec = false;
    let inBracket = false;
    for (; j < template.length && depth > 0; j++) {
      const c = template[j];
      if (!inSpec) {
        if (c === "[") inBracket = true;
        else if (c === "]") inBracket = false;
        else if (c === ":" && !inBracket) inSpec = true;
        else if (c === "{") return fail("ValueError: unexpected '{' in field name");
      }
      if (c === "{") depth++;
      else if (c === "}") depth--;
    }
    if (depth > 0) return fail("ValueError: expected '}' before end of string");
    const inner = template.slice(i + 1, j - 1);
    if (inner.includes("{")) {
      // Python allows `{name:{width}}`; nobody needs it in a command line.
      return fail("ValueError: nested replacement fields are not supported");
    }
    const r = field(inner, fields);
    if (!r.ok) return r;
    out += r.value;
    i = j;
  }
  return { ok: true, value: out };
}
