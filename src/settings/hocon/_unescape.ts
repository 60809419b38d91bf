/** Replacements in one rope; characters in one joined chunk, which stays a small object. */
const ROPE_PIECES = 256;
const CHUNK = 1 << 14;

/**
 * The real reader's escapes, applied to quoted and unquoted strings alike: `\\ \n \r \t \" \= \#
 * \!`. Any other backslash pair is kept as written (`\u00e9`, `\b`, `\/` and `C:\Users` stay), which
 * is what the ClearML SDK does (not JSON's escapes).
 */
export function unescape(s: string): string {
  const n = s.length;
  let i = s.indexOf("\\");
  if (i < 0) return s;
  // Built as short ropes joined into chunks of ~16K characters, then joined once. One rope of a
  // 10 MB string's escapes holds millions of small strings alive until it is read (under Deno,
  // copying them through the young generation made 10× the input cost 20× the time); chunks
  // of megabytes each take fresh pages from the system, which Deno's 1 MB ones do not.
  const chunks: string[] = [];
  let ropes: string[] = [];
  let rope = "";
  let pieces = 0;
  let chunkStart = 0;
  let last = 0;
  while (i >= 0 && i + 1 < n) {
    const c = s.charCodeAt(i + 1);
    if (c === 10) {
      // The escape pattern's `.` does not match a newline: the backslash stays.
      i = s.indexOf("\\", i + 1);
      continue;
    }
    const rep = replacement(c);
    if (rep !== undefined) {
      rope += s.slice(last, i);
      rope += rep;
      last = i + 2;
      const full = last - chunkStart >= CHUNK;
      if (++pieces === ROPE_PIECES || full) {
        ropes.push(rope);
        rope = "";
        pieces = 0;
        if (full) {
          chunks.push(ropes.join(""));
          ropes = [];
          chunkStart = last;
        }
      }
    }
    i = s.indexOf("\\", i + 2);
  }
  if (last === 0) return s;
  ropes.push(rope + s.slice(last));
  chunks.push(ropes.join(""));
  return chunks.length === 1 ? chunks[0]! : chunks.join("");
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
