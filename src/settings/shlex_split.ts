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

const WHITESPACE = new Set([" ", "\t", "\r", "\n"]);

export function shlexSplit(s: string): string[] {
  const chars = Array.from(s);
  const tokens: string[] = [];
  let token = "";
  let inToken = false;
  let i = 0;
  while (i < chars.length) {
    const ch = chars[i++]!;
    if (WHITESPACE.has(ch)) {
      if (inToken) tokens.push(token);
      token = "";
      inToken = false;
    } else if (ch === "\\") {
      if (i >= chars.length) throw new Error("No escaped character");
      token += chars[i++]!;
      inToken = true;
    } else if (ch === "'") {
      inToken = true;
      for (;;) {
        if (i >= chars.length) throw new Error("No closing quotation");
        const c = chars[i++]!;
        if (c === "'") break;
        token += c;
      }
    } else if (ch === '"') {
      inToken = true;
      for (;;) {
        if (i >= chars.length) throw new Error("No closing quotation");
        const c = chars[i++]!;
        if (c === '"') break;
        if (c === "\\") {
          if (i >= chars.length) throw new Error("No escaped character");
          const next = chars[i++]!;
          // Inside double quotes a backslash escapes only `"` and itself.
          token += next === '"' || next === "\\" ? next : "\\" + next;
        } else token += c;
      }
    } else {
      token += ch;
      inToken = true;
    }
  }
  if (inToken) tokens.push(token);
  return tokens;
}
