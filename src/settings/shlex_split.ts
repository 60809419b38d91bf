/**
 * Python `shlex.split(s)` (POSIX mode, no comments), the splitter of the agent's list variables
 * (`CLEARML_AGENT_EXTRA_DOCKER_ARGS`, `CLEARML_EXTRA_PIP_INSTALL_FLAGS`, …).
 *
 * - Tokens are separated by space, tab, CR and LF only (shlex's whitespace set).
 * - `'…'` keeps everything literally; `"…"` honours `\"` and `\\` only; outside quotes `\x` is `x`.
 * - Quoted parts join adjacent text (`a"b c"d` is `ab cd`); `''` is an empty token.
 * - An unbalanced quote throws `No closing quotation`; a trailing lone `\` throws
 *   `No escaped character`, like Python's `ValueError`.
 */

const SPACE = 32, TAB = 9, CR = 13, LF = 10, BACKSLASH = 92, SQUOTE = 39, DQUOTE = 34;
const isSeparator = (c: number) => c === SPACE || c === TAB || c === CR || c === LF;

/**
 * Scans UTF-16 code units and copies runs with `slice`: every special character is ASCII, so a
 * surrogate pair is never split, and a long value costs one pass.
 */
export function shlexSplit(s: string): string[] {
  const n = s.length;
  const tokens: string[] = [];
  let parts: string[] = [];
  let inToken = false;
  let i = 0;
  while (i < n) {
    const c = s.charCodeAt(i);
    if (isSeparator(c)) {
      if (inToken) tokens.push(parts.join(""));
      parts = [];
      inToken = false;
      i++;
    } else if (c === BACKSLASH) {
      if (i + 1 >= n) throw new Error("No escaped character");
      // the escaped character whole, a surrogate pair included
      const cp = s.codePointAt(i + 1)!;
      const len = cp > 0xffff ? 2 : 1;
      parts.push(s.slice(i + 1, i + 1 + len));
      i += 1 + len;
      inToken = true;
    } else if (c === SQUOTE) {
      const close = s.indexOf("'", i + 1);
      if (close < 0) throw new Error("No closing quotation");
      parts.push(s.slice(i + 1, close));
      i = close + 1;
      inToken = true;
    } else if (c === DQUOTE) {
      inToken = true;
      let j = i + 1;
      let from = j;
      for (;;) {
        if (j >= n) throw new Error("No closing quotation");
        const d = s.charCodeAt(j);
        if (d === DQUOTE) break;
        if (d === BACKSLASH) {
          if (j + 1 >= n) throw new Error("No escaped character");
          const next = s.charCodeAt(j + 1);
          // Inside double quotes a backslash escapes only `"` and itself; before anything
          // else it stays, with what follows.
          if (next === DQUOTE || next === BACKSLASH) {
            parts.push(s.slice(from, j));
            from = j + 1;
          }
          j += 2;
          continue;
        }
        j++;
      }
      parts.push(s.slice(from, j));
      i = j + 1;
    } else {
      let j = i + 1;
      while (j < n) {
        const d = s.charCodeAt(j);
        if (isSeparator(d) || d === BACKSLASH || d === SQUOTE || d === DQUOTE) break;
        j++;
      }
      parts.push(s.slice(i, j));
      i = j;
      inToken = true;
    }
  }
  if (inToken) tokens.push(parts.join(""));
  return tokens;
}
