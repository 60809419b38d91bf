/**
 * One error class per failure kind, each carrying the exit code of DESIGN.md.
 * `main.ts` maps them to exit codes in one place; nothing else calls `process.exit`.
 */
export class ClearmlError extends Error {
  readonly exitCode: number;
  constructor(message: string, exitCode: number, options?: { cause?: unknown }) {
    super(message, options);
    this.name = new.target.name;
    this.exitCode = exitCode;
  }
}

/** A check or a task failed (exit 1). */
export class FailureError extends ClearmlError {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, 1, options);
  }
}

/** Bad flags or arguments (exit 2). */
export class UsageError extends ClearmlError {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, 2, options);
  }
}

/** An unparsable file or an invalid value that stops the command (exit 3). */
export class ConfigError extends ClearmlError {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, 3, options);
  }
}

/** End the command with `exitCode` after it has printed its own output (e.g. doctor found a failure). */
export class ExitStatus extends ClearmlError {
  constructor(exitCode: number) {
    super("", exitCode);
  }
}
