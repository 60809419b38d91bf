/**
 * The result list of a `*.get_all`: from API 2.15 a call with `scroll_id` scrolls (see
 * `scroll.ts`) and gets the id back; otherwise `page`/`page_size` pick a page (at most 500).
 */
import type { Obj } from "./call_body.ts";
import type { Call } from "./endpoint.ts";
import { page } from "./list_filters.ts";
import { scroll } from "./scroll.ts";
import { atLeast } from "./version.ts";

export function pageOrScroll<T>(
  call: Call,
  key: string,
  items: readonly T[],
  view: (item: T) => Obj,
): Obj {
  const scrolled = atLeast(call.version, "2.15") ? scroll(items, call.fields) : undefined;
  if (scrolled) return { [key]: scrolled.items.map(view), scroll_id: scrolled.scrollId };
  return { [key]: page(items, call.fields).map(view) };
}
