/** Filters shared by the `*.get_all` endpoints: tag lists, name regexes, paging. */
import { errors } from "./call_error.ts";
import type { Fields } from "./fields.ts";

/** OR-match of the wanted tags; `-x` excludes x (server-api.md §2.5). */
export function matchTags(have: readonly string[], want: readonly string[] | undefined): boolean {
  if (!want?.length) return true;
  const include = want.filter((t) => !t.startsWith("-") && !t.startsWith("__$"));
  const exclude = want.filter((t) => t.startsWith("-")).map((t) => t.slice(1));
  if (exclude.some((t) => have.includes(t))) return false;
  return include.length === 0 || include.some((t) => have.includes(t));
}

/** An unanchored, case-sensitive regular expression (Python `re.search` semantics). */
export function nameRegex(pattern: string | undefined): RegExp | undefined {
  if (pattern === undefined) return undefined;
  try {
    return new RegExp(pattern);
  } catch {
    throw errors.fieldsValue("invalid regular expression", { name: pattern });
  }
}

export const MAX_PAGE_SIZE = 500;

/** One page of `items` per `page`/`page_size` (page size capped at 500). */
export function page<T>(items: readonly T[], f: Fields): T[] {
  const pageNo = f.int("page") ?? 0;
  const size = f.int("page_size") ?? MAX_PAGE_SIZE;
  if (pageNo < 0) throw errors.validation("page must be >= 0");
  if (size < 1) throw errors.validation("page_size must be >= 1");
  const n = Math.min(size, MAX_PAGE_SIZE);
  return items.slice(pageNo * n, pageNo * n + n);
}

/** `order_by`: field names, `-` for descending. */
export function orderBy<T extends Record<string, unknown>>(
  items: T[],
  fields?: readonly string[],
): T[] {
  if (!fields?.length) return items;
  const keys = fields.map((f) => f.startsWith("-") ? { k: f.slice(1), d: -1 } : { k: f, d: 1 });
  return [...items].sort((a, b) => {
    for (const { k, d } of keys) {
      const x = a[k] as string | number | undefined;
      const y = b[k] as string | number | undefined;
      if (x === y) continue;
      if (x === undefined) return -d;
      if (y === undefined) return d;
      return (x < y ? -1 : 1) * d;
    }
    return 0;
  });
}
