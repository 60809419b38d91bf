/**
 * `scroll_id` scrolling of `*.get_all` (server-api.md §2.5, API 2.15): a request that carries the
 * `scroll_id` field (null or unknown starts a new scroll) gets the next `size` items and the id to
 * send next time; `refresh_scroll` returns everything read so far again, up to `size` at least.
 * The real server keeps scroll states in redis for a while; these live in this process, the
 * oldest dropped first beyond a bound.
 */
import { errors } from "./call_error.ts";
import type { Fields } from "./fields.ts";
import { newId } from "./ids.ts";

const MAX_STATES = 1000;
/** scroll id → items already returned. */
const states = new Map<string, number>();

export interface Scrolled<T> {
  items: T[];
  scrollId: string;
}

/** The scroll's next items when the call scrolls (it has `scroll_id`), else undefined. */
export function scroll<T>(items: readonly T[], f: Fields): Scrolled<T> | undefined {
  if (!("scroll_id" in f.data)) return undefined;
  const size = f.int("size");
  if (size === undefined || size < 1) {
    throw errors.validation("size is required when scroll_id is passed");
  }
  const given = f.str("scroll_id");
  const id = given && states.has(given) ? given : newId();
  let position = states.get(id) ?? 0;
  let out: T[];
  if (f.bool("refresh_scroll", false)) {
    out = items.slice(0, Math.max(position, size));
    position = out.length;
  } else {
    out = items.slice(position, position + size);
    position += out.length;
  }
  states.delete(id);
  states.set(id, position);
  if (states.size > MAX_STATES) states.delete(states.keys().next().value!);
  return { items: out, scrollId: id };
}
