/**
 * What the runner hands back and where it sends task output. Shared with the daemon, which
 * ships each line to the server, and with `agent execute`, which only echoes.
 */

/** Where each line of task output goes, after it is in the stdout file. */
export interface LogSink {
  /** One line of output, without its trailing newline. */
  line(text: string, stream: "stdout" | "stderr"): void;
  /** Resolves when every line handed so far has been delivered. */
  flush(): Promise<void>;
}

/**
 * How a task ended, as clearml-agent maps it (agent-exec §5.10): exit 0 → completed; −2 or 254,
 * or ended by our signal → stopped; anything else → failed.
 */
export interface TaskOutcome {
  status: "completed" | "failed" | "stopped";
  /** The user's process exit code; null when it never started or was killed by a signal. */
  exitCode: number | null;
  /** The temp stdout file holding the whole output (stdout and stderr interleaved). */
  stdoutFile: string;
  /** Why, when not completed: the failing step and the setting or input that caused it. */
  reason?: string;
}

/** A sink that drops everything: for callers that only want the file and the echo. */
export const NULL_SINK: LogSink = {
  line() {},
  flush: () => Promise.resolve(),
};
