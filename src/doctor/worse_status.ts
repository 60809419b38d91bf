import type { Status } from "./types.ts";

/**
 * The one ranking of check statuses: error > fail > warn > pass > skip. A check is as bad as its
 * worst part; a part that was skipped counts least, so one that passed beats it.
 */
const RANK: Record<Status, number> = { skip: 0, pass: 1, warn: 2, fail: 3, error: 4 };

/** The worse of two statuses (the same whichever comes first). */
export function worse(a: Status, b: Status): Status {
  return RANK[b] > RANK[a] ? b : a;
}

/** The worst of many; `skip` when there are none. */
export function worstStatus(statuses: readonly Status[]): Status {
  return statuses.reduce<Status>(worse, "skip");
}
