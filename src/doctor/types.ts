/**
 * The doctor's model: categories gather a probe snapshot (effects, with timeouts), then their
 * checks turn the snapshot into results (pure functions, tested with snapshots from real
 * outputs kept under tests/fixtures/).
 */
import type { Resolution } from "../settings/resolve.ts";
import type { ExecResult } from "../platform/exec.ts";

export type Status = "pass" | "warn" | "fail" | "skip" | "error";

export type CategoryName =
  | "env"
  | "config"
  | "server"
  | "docker"
  | "gpu"
  | "git"
  | "python"
  | "fs"
  | "agent";

export interface Fix {
  /** One line of advice. */
  text?: string;
  /** Commands to run (secrets masked). */
  commands?: string[];
  /** Documentation links. */
  docs?: string[];
}

export interface CheckResult {
  status: Status;
  /** One line, shown next to the check id. */
  summary: string;
  /** More lines, shown for non-passing checks (all with -v). */
  details?: string[];
  /** Raw facts behind the verdict (already masked: never a secret). */
  evidence?: Record<string, unknown>;
  fix?: Fix;
}

export interface DoctorOptions {
  offline: boolean;
  /** Whole-run budget. */
  timeoutMs: number;
  /** `--repo URL`: show the exact URL the agent would clone. */
  repo?: string;
  /** `--probe-git`: run `git ls-remote` against --repo. */
  probeGit: boolean;
  /** Queues given with `--queue` (agent checks). */
  queues: string[];
  verbose: boolean;
}

/** Everything a probe or check may read: the settings snapshot and the options. */
export interface DoctorInput {
  /** The effective environment (real environment over `--env-file` layers). */
  env: Readonly<Record<string, string>>;
  envFromFile: ReadonlyMap<string, string>;
  home: string;
  cwd: string;
  sdk: Resolution;
  agent: Resolution;
  options: DoctorOptions;
}

/** The effects a probe may use; tests replace them. */
export interface ProbeTools {
  /** Run a program with a timeout; never throws (see ExecResult). */
  exec(
    cmd: string,
    args: readonly string[],
    opts?: { timeoutMs?: number; env?: Record<string, string>; cwd?: string },
  ): Promise<ExecResult>;
  /** Aborted when the run's budget is spent. */
  signal: AbortSignal;
  /** Budget for one probe step (ms). */
  stepTimeoutMs: number;
}

export interface Check<S> {
  /** Stable dotted id, e.g. `docker.daemon`. */
  id: string;
  title: string;
  run(snapshot: S, input: DoctorInput): CheckResult;
}

export interface Category<S> {
  name: CategoryName;
  title: string;
  /** Gather the snapshot. Must finish (or give up) within the budget. */
  probe(input: DoctorInput, tools: ProbeTools): Promise<S>;
  /**
   * The probe waits on other programs or the network (an interpreter, docker, git, the server):
   * it starts before the probes that work in-process, so that those programs run meanwhile.
   */
  external?: true;
  checks: ReadonlyArray<Check<S>>;
}

/** What one check produced, with its id, category and timing. */
export interface CheckReport extends CheckResult {
  id: string;
  category: CategoryName;
  title: string;
  durationMs: number;
}
