/**
 * `doctor --timeout SECONDS`: the budget of the whole run, in milliseconds. Timers hold at most
 * 2^31-1 ms (about 24.8 days) in Node, Bun and Deno; a longer one fires at once (with Node's
 * TimeoutOverflowWarning), which would report every check as timed out. So the value is
 * checked, not clamped: a budget the user cannot have is a usage error that says the range.
 */
import { UsageError } from "../errors.ts";

export const MAX_TIMER_MS = 2 ** 31 - 1;

const MAX_SECONDS = Math.floor(MAX_TIMER_MS / 1000);

export function doctorTimeoutMs(text: string): number {
  const seconds = /^\s*[0-9]*\.?[0-9]+(?:[eE][+-]?[0-9]+)?\s*$/.test(text) ? Number(text) : NaN;
  const ms = Math.round(seconds * 1000);
  if (!Number.isFinite(seconds) || ms < 1 || ms > MAX_TIMER_MS) {
    throw new UsageError(
      `--timeout ${text}: expected a number of seconds from 0.001 to ${MAX_SECONDS} ` +
        "(about 24.8 days, the longest timer the runtimes can set)",
    );
  }
  return ms;
}
