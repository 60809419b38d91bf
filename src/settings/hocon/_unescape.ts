/**
 * The real reader's escapes, applied to quoted and unquoted strings alike: `\\ \n \r \t \" \= \#
 * \!`. Any other backslash pair is kept as written (`\u00e9`, `\b`, `\/` and `C:\Users` stay), which
 * is what the ClearML SDK does (not JSON's escapes).
 */
export function unescape(s: string): string {
  const n = s.length;
  let out = "";
  let last = 0;
  for (let i = s.indexOf("\\"); i >= 0 && i + 1 < n;) {
    const c = s.charCodeAt(i + 1);
    if (c === 10) {
      // The escape pattern's `.` does not match a newline: the backslash stays.
      i = s.indexOf("\\", i + 1);
      continue;
    }
    const rep = replacement(c);
    if (rep !== undefined) {
      out += s.slice(last, i);
      out += rep;
      last = i + 2;
    }
    i = s.indexOf("\\", i + 2);
  }
  return last === 0 ? s : out + s.slice(last);
}

function replacement(c: number): string | undefined {
  switch (c) {
    case 92:
      return "\\";
    case 110:
      return "\n";
    case 114:
      return "\r";
    case 116:
      return "\t";
    case 61:
      return "=";
    case 35:
      return "#";
    case 33:
      return "!";
    case 34:
      return '"';
    default:
      return undefined;
  }
}
