/**
 * Python `str` behaviour the converters depend on: which characters `str.strip()` removes, and
 * how `repr()` quotes a string inside error messages such as `invalid truth value ' true'`.
 */

/** Python's `str.isspace()` for one code point (`Py_UNICODE_ISSPACE`). */
export function isPySpace(cp: number): boolean {
  return (cp >= 0x09 && cp <= 0x0d) || (cp >= 0x1c && cp <= 0x20) || cp === 0x85 ||
    cp === 0xa0 || cp === 0x1680 || (cp >= 0x2000 && cp <= 0x200a) || cp === 0x2028 ||
    cp === 0x2029 || cp === 0x202f || cp === 0x205f || cp === 0x3000;
}

/**
 * Python `s.strip()` with no argument. JS `trim()` differs (it strips U+FEFF, keeps U+001C-1F,
 * U+0085). Every Python space is in the BMP, so scanning UTF-16 code units from both ends is
 * exact (a surrogate is never a space), and no copy of the string is made.
 */
export function pyStrip(s: string): string {
  let start = 0;
  let end = s.length;
  while (start < end && isPySpace(s.charCodeAt(start))) start++;
  while (end > start && isPySpace(s.charCodeAt(end - 1))) end--;
  return start === 0 && end === s.length ? s : s.slice(start, end);
}

// Python's str.isprintable() is false for these categories (space U+0020 excepted).
const NON_PRINTABLE = /[\p{Cc}\p{Cf}\p{Cs}\p{Co}\p{Cn}\p{Zl}\p{Zp}\p{Zs}]/u;

function hex(cp: number, width: number): string {
  return cp.toString(16).padStart(width, "0");
}

/** Python `repr(s)` of a string, as `%r` puts it into error messages. */
export function pyRepr(s: string): string {
  const quote = s.includes("'") && !s.includes('"') ? '"' : "'";
  let out = quote;
  for (const ch of s) {
    const cp = ch.codePointAt(0)!;
    if (ch === quote || ch === "\\") out += "\\" + ch;
    else if (ch === "\t") out += "\\t";
    else if (ch === "\n") out += "\\n";
    else if (ch === "\r") out += "\\r";
    else if (cp === 0x20 || (cp > 0x20 && cp < 0x7f)) out += ch;
    else if (NON_PRINTABLE.test(ch)) {
      if (cp < 0x100) out += "\\x" + hex(cp, 2);
      else if (cp < 0x10000) out += "\\u" + hex(cp, 4);
      else out += "\\U" + hex(cp, 8);
    } else out += ch;
  }
  return out + quote;
}
