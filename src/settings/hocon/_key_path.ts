// Characters that make a quoted key segment keep its quotes (the real reader's `parse_key`).
const SPECIAL_CHARS = "$}[]:=+#`^?!@*&.";
const SPECIAL = new Uint8Array(128);
for (let i = 0; i < SPECIAL_CHARS.length; i++) SPECIAL[SPECIAL_CHARS.charCodeAt(i)] = 1;
const QUOTE = 34;

function isSpecial(c: number): boolean {
  return c < 128 && SPECIAL[c] === 1;
}

/**
 * Split a key or a substitution path into segments the way the real reader does: dots separate
 * segments and empty segments vanish (`a..b` is `a.b`). A segment in double quotes loses its
 * quotes, unless it holds a dot or another special character: then the quotes stay part of the
 * key (`"a.b"` is the one key `"a.b"`, quotes included).
 */
export function parseKeyPath(key: string): string[] {
  const n = key.length;
  let plain = n > 0;
  for (let i = 0; i < n && plain; i++) {
    const c = key.charCodeAt(i);
    if (c === QUOTE || isSpecial(c)) plain = false;
  }
  if (plain) return [key];
  const out: string[] = [];
  let i = 0;
  while (i < n) {
    const c = key.charCodeAt(i);
    if (c === QUOTE) {
      const close = key.indexOf('"', i + 1);
      if (close > i + 1) {
        out.push(keep(key.slice(i, close + 1)));
        i = close + 1;
        continue;
      }
    }
    if (isSpecial(c)) {
      i++;
      continue;
    }
    let j = i + 1;
    while (j < n && !isSpecial(key.charCodeAt(j))) j++;
    out.push(keep(key.slice(i, j)));
    i = j;
  }
  return out;
}

function keep(segment: string): string {
  for (let i = 0; i < segment.length; i++) if (isSpecial(segment.charCodeAt(i))) return segment;
  let a = 0;
  let b = segment.length;
  while (a < b && segment.charCodeAt(a) === QUOTE) a++;
  while (b > a && segment.charCodeAt(b - 1) === QUOTE) b--;
  return a === 0 && b === segment.length ? segment : segment.slice(a, b);
}
