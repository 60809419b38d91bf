/** The doctor's time budget: its default, and what one program a probe starts may take of it. */

/** `--timeout` when it is not given, in seconds. */
export const DEFAULT_DOCTOR_TIMEOUT_S = 10;

/** How long one program a probe starts may take, for a run's budget. */
export function stepTimeoutFor(budgetMs: number): number {
  return Math.max(200, Math.min(5000, Math.floor(budgetMs / 2)));
}
