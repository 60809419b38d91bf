import { ConfigError } from "../../errors.ts";

/** Where a HOCON problem is: the file as named by the caller, 1-based line and column. */
export interface HoconPosition {
  file: string;
  line: number;
  col: number;
}

/**
 * A `clearml.conf` that cannot be read: a syntax error, an unresolvable substitution or a bad
 * include. Exit code 3 like every configuration error. The message reads
 * `<file>:<line>:<col>: <what is wrong>; expected <what>`.
 */
export class HoconError extends ConfigError {
  readonly file: string;
  readonly line: number;
  readonly col: number;
  /** What is wrong, in sentence case. */
  readonly problem: string;
  /** What the reader expected instead. */
  readonly expected: string;

  constructor(
    at: HoconPosition,
    problem: string,
    expected: string,
    options?: { cause?: unknown },
  ) {
    super(`${at.file}:${at.line}:${at.col}: ${problem}; expected ${expected}`, options);
    this.file = at.file;
    this.line = at.line;
    this.col = at.col;
    this.problem = problem;
    this.expected = expected;
  }
}
