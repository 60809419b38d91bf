/**
 * A task's console (its `log` events) for the page: the tail when the page opens, then the lines
 * after a cursor while it follows. The cursor is the events' insertion sequence, so lines that
 * share a timestamp are neither skipped nor repeated.
 */
import type { Store } from "../store.ts";

export interface ConsoleLine {
  seq: number;
  timestamp: number;
  level: string;
  text: string;
}

export interface ConsolePage {
  lines: ConsoleLine[];
  /** The cursor to ask from next time. */
  after: number;
  /** Whether older lines exist before the first one returned. */
  truncated: boolean;
}

function line(r: { seq: number; timestamp: number; doc: string }): ConsoleLine {
  let msg: unknown;
  let level: unknown;
  try {
    const d = JSON.parse(r.doc) as { msg?: unknown; level?: unknown };
    msg = d.msg;
    level = d.level;
  } catch {
    msg = "";
  }
  return {
    seq: Number(r.seq),
    timestamp: Number(r.timestamp),
    level: typeof level === "string" ? level : "",
    text: typeof msg === "string" ? msg : msg === undefined ? "" : JSON.stringify(msg),
  };
}

/** The last `limit` lines, oldest first. */
export function consoleTail(store: Store, task: string, limit: number): ConsolePage {
  const rows = store.stmt(
    "SELECT seq, timestamp, doc FROM events WHERE task = ? AND type = 'log' ORDER BY seq DESC LIMIT ?",
  ).all(task, limit + 1) as { seq: number; timestamp: number; doc: string }[];
  const truncated = rows.length > limit;
  const lines = rows.slice(0, limit).reverse().map(line);
  return { lines, after: lines.at(-1)?.seq ?? 0, truncated };
}

/** Up to `limit` lines after cursor `after`, oldest first. */
export function consoleSince(
  store: Store,
  task: string,
  after: number,
  limit: number,
): ConsolePage {
  const rows = store.stmt(
    "SELECT seq, timestamp, doc FROM events WHERE task = ? AND type = 'log' AND seq > ? ORDER BY seq LIMIT ?",
  ).all(task, after, limit) as { seq: number; timestamp: number; doc: string }[];
  const lines = rows.map(line);
  return { lines, after: lines.at(-1)?.seq ?? after, truncated: false };
}
