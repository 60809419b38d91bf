/**
 * The real reader's escapes, applied to quoted and unquoted strings alike: `\\ \n \r \t \" \= \#
 * \!`. Any other backslash pair is kept as written (`\u00e9`, `\b`, `\/` and `C:\Users` stay), which
 * is what the ClearML SDK does (not JSON's escapes).
 */
export function unescape(s: string): string {
  let i = s.indexOf("\\");
  if (i < 0) return s;
  const parts: string[] = [];
  let last = 0;
  while (i >= 0 && i + 1 < s.length) {
    const c = s.charCodeAt(i + 1);
    if (c === 10) {
      // The escape pattern's `.` does not match a newline: the backslash stays.
      i = s.indexOf("\\", i + 1);
      continue;
    }
    const rep = REPLACEMENTS[c];
    if (rep !== undefined) {
      parts.push(s.slice(last, i), rep);
      last = i + 2;
    }
    i = s.indexOf("\\", i + 2);
  }
  if (last === 0) return s;
  parts.push(s.slice(last));
  return parts.join("");
}

const REPLACEMENTS: Record<number, string> = {
  92: "\\",
  110: "\n",
  114: "\r",
  116: "\t",
  61: "=",
  35: "#",
  33: "!",
  34: '"',
};
