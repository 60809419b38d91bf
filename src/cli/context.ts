import type { Writable } from "node:stream";

/**
 * What a command may touch: a snapshot of the environment and two writers. `main.ts` builds the
 * real one; tests build their own and run commands in-process.
 */
export interface CliContext {
  /** The process environment, as given (before `--env-file` layering). */
  env: Readonly<Record<string, string>>;
  cwd: string;
  home: string;
  out: (text: string) => void;
  err: (text: string) => void;
  /** stdout is a terminal (colour and glyph decisions). */
  stdoutIsTTY: boolean;
  /** The process streams, for output that needs backpressure (a task's live echo). */
  streams?: { stdout: Writable; stderr: Writable };
}
