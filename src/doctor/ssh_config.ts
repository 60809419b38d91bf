/**
 * `sshOption()`: the value an `~/.ssh/config` text gives one option for one host, the way `ssh`
 * reads it: the first value obtained wins, lines before any `Host` apply to every host, `Host`
 * patterns use `*`, `?` and `!negation`. `Match` blocks are not evaluated (treated as not
 * matching), `Include` is not followed. Pure.
 */
import { globMatch } from "./glob_match.ts";

function hostLineMatches(patterns: string[], host: string): boolean {
  let matched = false;
  for (const p of patterns) {
    if (p.startsWith("!")) {
      if (globMatch(p.slice(1), host)) return false;
    } else if (globMatch(p, host)) matched = true;
  }
  return matched;
}

export function sshOption(text: string, host: string, option: string): string | undefined {
  const wanted = option.toLowerCase();
  let active = true;
  for (const raw of text.split(/\r?\n/)) {
    const line = raw.trim();
    if (line === "" || line.startsWith("#")) continue;
    const m = /^(\S+?)(?:\s*=\s*|\s+)(.*)$/.exec(line);
    if (!m) continue;
    const key = m[1]!.toLowerCase();
    const value = m[2]!.trim().replace(/^"(.*)"$/, "$1");
    if (key === "host") {
      active = hostLineMatches(value.split(/\s+/), host);
      continue;
    }
    if (key === "match") {
      active = false;
      continue;
    }
    if (active && key === wanted) return value;
  }
  return undefined;
}
