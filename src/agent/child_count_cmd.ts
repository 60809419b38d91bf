/**
 * `childCountArgv()`: the command a services-mode daemon with a limit runs to count its running
 * child containers (agent-exec §1 row 29, §5.11, T57): `CLEARML_AGENT_CHILD_AGENTS_COUNT_CMD`
 * (or the default) formatted with Python's `str.format(parent_worker_label=…)`, then shell-split.
 */
import { pyFormat } from "./py_format.ts";
import { shlexSplit } from "../settings/shlex_split.ts";

/** The agent's default template; after formatting its `{{{{.ID}}}}` becomes `{{.ID}}`. */
export const DEFAULT_CHILD_COUNT_CMD =
  "docker ps --filter label={parent_worker_label} --format {{{{.ID}}}}";

export type ChildCountArgv =
  | { ok: true; argv: string[]; formatted: string; usesLabel: boolean }
  | { ok: false; stage: "format" | "split"; error: string };

/** The docker label that marks a daemon's child containers. */
export function parentWorkerLabel(daemonWorkerId: string): string {
  return `clearml-parent-worker-id=${daemonWorkerId}`;
}

export function childCountArgv(
  template: string | undefined,
  daemonWorkerId: string,
): ChildCountArgv {
  const text = template === undefined || template === "" ? DEFAULT_CHILD_COUNT_CMD : template;
  const label = parentWorkerLabel(daemonWorkerId);
  const formatted = pyFormat(text, { parent_worker_label: label });
  if (!formatted.ok) return { ok: false, stage: "format", error: formatted.error };
  try {
    const argv = shlexSplit(formatted.value);
    return {
      ok: true,
      argv,
      formatted: formatted.value,
      usesLabel: formatted.value.includes(label),
    };
  } catch (e: unknown) {
    return { ok: false, stage: "split", error: `ValueError: ${(e as Error).message}` };
  }
}
