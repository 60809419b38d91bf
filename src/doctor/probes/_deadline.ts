/**
 * One probe step's time limit: an AbortSignal that fires when the step's own timeout passes or
 * when the run's budget (the parent signal) is spent, whichever comes first. The caller must call
 * `clear()` so that no timer outlives the step.
 */

export class StepTimeout extends Error {
  override name = "StepTimeout";
  constructor(
    message: string,
    /** The run's budget ran out, not only this step's timeout. */
    readonly budget: boolean,
  ) {
    super(message);
  }
}

export interface Deadline {
  signal: AbortSignal;
  clear(): void;
}

export function deadline(parent: AbortSignal, ms: number): Deadline {
  const controller = new AbortController();
  const onParent = () =>
    controller.abort(new StepTimeout("the run's time budget (--timeout) ran out", true));
  if (parent.aborted) onParent();
  else parent.addEventListener("abort", onParent, { once: true });
  const timer = setTimeout(
    () => controller.abort(new StepTimeout(`no answer within ${ms} ms`, false)),
    ms,
  );
  return {
    signal: controller.signal,
    clear() {
      clearTimeout(timer);
      parent.removeEventListener("abort", onParent);
    },
  };
}

/** The reason an aborted signal carries, as an Error. */
export function abortReason(signal: AbortSignal): Error {
  const r: unknown = signal.reason;
  return r instanceof Error ? r : new StepTimeout("aborted", false);
}
