/**
 * A task's console (its `log` events) for the page: the tail when the page opens, then the lines
 * after a cursor while it follows. The cursor is the events' insertion order, so lines that share a
 * timestamp are neither skipped nor repeated.
 */
import { type LogEvent, logSince, logTail } from "../events_store.ts";
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

/** Terminal control sequences (colours, cursor moves) that a page cannot show. */
// deno-lint-ignore no-control-regex
const ANSI = /\x1b(?:\[[0-9;?]*[ -\/]*[@-~]|\][^\x07\x1b]*(?:\x07|\x1b\\)|[@-Z\\-_])/g;

function line(e: LogEvent): ConsoleLine {
  const msg = e.event.msg;
  const level = e.event.level;
  return {
    seq: e.cursor,
    timestamp: e.timestamp,
    level: typeof level === "string" ? level : "",
    text: typeof msg === "string"
      ? msg.replace(ANSI, "")
      : msg === undefined
      ? ""
      : JSON.stringify(msg),
  };
}

/** The last `limit` lines, oldest first. */
export function consoleTail(store: Store, task: string, limit: number): ConsolePage {
  const events = logTail(store, task, limit + 1);
  const truncated = events.length > limit;
  const lines = events.slice(truncated ? 1 : 0).map(line);
  return { lines, after: lines.at(-1)?.seq ?? 0, truncated };
}

/** Up to `limit` lines after cursor `after`, oldest first. */
export function consoleSince(
  store: Store,
  task: string,
  after: number,
  limit: number,
): ConsolePage {
  const lines = logSince(store, task, after, limit).map(line);
  return { lines, after: lines.at(-1)?.seq ?? after, truncated: false };
}
