/**
 * The agent's rules for the docker arguments of a task run (agent-exec §2.5, §2.6): the task's
 * args filtered by the whitelist, `$VAR` expansion of `-e` values from the agent's environment,
 * and the merge of the agent's extra args with the task's, protected switches deduplicated.
 * Pure.
 */
import { expandVars } from "./settings_view.ts";

export const DEFAULT_PROTECTED_SWITCHES = ["privileged", "security-opt", "network", "ipc"];

/** The switch names of an argv: tokens starting with `-`, cut at `=`, leading dashes removed. */
export function switchesOf(args: readonly string[]): string[] {
  const out: string[] = [];
  for (const token of args) {
    const t = token.trim();
    if (t.startsWith("-")) out.push(t.split("=")[0]!.replace(/^-+/, ""));
  }
  return out;
}

/**
 * Drop the excluded switches and their values (T45): a `--x=v` token ends argument mode, so the
 * plain tokens after it are dropped until the next switch; a `--x` token keeps or drops the plain
 * tokens after it together with itself.
 */
export function filterSwitches(args: readonly string[], exclude: readonly string[]): string[] {
  const joined = args.join(" ");
  if (exclude.length === 0 || !exclude.some((s) => joined.includes(`-${s}`))) return [...args];
  const out: string[] = [];
  let keepValues = true;
  for (const token of args) {
    if (token.trim().startsWith("-")) {
      let name: string;
      if (token.includes("=")) {
        name = token.trim().split("=")[0]!;
        keepValues = false;
      } else {
        name = token;
        keepValues = true;
      }
      if (exclude.includes(name.replace(/^-+/, ""))) keepValues = false;
      else out.push(token);
    } else if (keepValues) out.push(token);
  }
  return out;
}

/**
 * Extra args and task args in order (T43, T44, T46): the side that comes first wins the protected
 * switches it names; empty tokens are dropped.
 */
export function mergeDockerArgs(
  taskArgs: readonly string[] | null,
  extraArgs: readonly string[] | null,
  protectedSwitches: readonly string[] = DEFAULT_PROTECTED_SWITCHES,
  extraPrecedes = true,
): string[] {
  const [first, second] = extraPrecedes ? [extraArgs, taskArgs] : [taskArgs, extraArgs];
  const out: string[] = [];
  let switches: string[] = [];
  if (first && first.length) {
    const names = new Set(switchesOf(first));
    switches = [...new Set(protectedSwitches)].filter((s) => names.has(s));
    out.push(...first.filter((a) => a));
  }
  if (second && second.length) out.push(...filterSwitches(second, switches).filter((a) => a));
  return out;
}

/**
 * The task-args whitelist (§2.6): tokens stripped; a token matching a regex (anchored at the
 * start) is kept, and without `=` so is the next token unless it starts with `-`.
 */
export function filterTaskArgs(args: readonly string[], filters: readonly RegExp[]): string[] {
  if (args.length === 0 || filters.length === 0) return [...args];
  const rest = [...args];
  const out: string[] = [];
  while (rest.length) {
    const token = rest.shift()!.trim();
    if (!filters.some((f) => f.test(token))) continue;
    out.push(token);
    if (!token.includes("=") && rest.length && !rest[0]!.startsWith("-")) {
      out.push(rest.shift()!.trim());
    }
  }
  return out;
}

/** A whitelist regex, anchored at the start like Python's `re.match`. */
export function anchored(pattern: string): RegExp {
  return new RegExp(`^(?:${pattern})`);
}

const FLAG_LONG = new Set([
  "rm",
  "read-only",
  "sig-proxy",
  "tty",
  "privileged",
  "publish-all",
  "interactive",
  "init",
  "help",
  "detach",
]);
const FLAG_SHORT = new Set(["t", "P", "i", "d"]);

/**
 * `$VAR`/`${VAR}` in the values after `-e`/`--env` (every following `K=V` token up to the next
 * switch; only the part after the first `=`), from the agent's environment (§2.6, E16).
 */
export function expandEnvArgs(
  args: readonly string[],
  env: Readonly<Record<string, string>>,
): string[] {
  const out = [...args];
  let skip = false;
  for (let i = 0; i < args.length; i++) {
    const token = args[i]!;
    if (skip && !token.startsWith("-")) continue;
    skip = false;
    if (token.startsWith("--") && FLAG_LONG.has(token.slice(2))) continue;
    if (!token.startsWith("--") && token.startsWith("-") && FLAG_SHORT.has(token.slice(1))) {
      continue;
    }
    if (token === "-e" || token === "--env") {
      skip = true;
      for (let j = i + 1; j < out.length; j++) {
        if (out[j]!.startsWith("-")) break;
        const eq = out[j]!.indexOf("=");
        if (eq < 0) continue;
        out[j] = `${out[j]!.slice(0, eq)}=${expandVars(out[j]!.slice(eq + 1), env)}`;
      }
    } else if (token.startsWith("-")) skip = true;
  }
  return out;
}
