/**
 * Date and range conditions of the real server's `get_all` (its `datetime_fields` and
 * `range_fields`): a date field takes `">2025-01-01"`-style conditions (`>`, `>=`, `<`, `<=`; a
 * value without one is equality), or two plain values as an inclusive range; a range field takes
 * `[min, max]`, either one null (a null minimum also matches documents without the field).
 */
import type { Obj } from "./call_body.ts";
import { errors } from "./call_error.ts";
import { getPath } from "./doc_path.ts";
import type { DocTest } from "./multi_field.ts";

const CONDITION = /^(>=|>|<=|<)?(.*)$/s;

/** A date and time without an offset is UTC, as the real server reads it (not local time). */
const NO_OFFSET = /[T ]\d\d:\d\d(:\d\d(\.\d+)?)?$/;

/** Dates compare as epoch milliseconds, numbers as themselves. */
function asNumber(v: unknown): number | undefined {
  if (typeof v === "number") return v;
  if (typeof v !== "string") return undefined;
  const ms = Date.parse(NO_OFFSET.test(v) ? `${v.replace(" ", "T")}Z` : v);
  return Number.isNaN(ms) ? undefined : ms;
}

function rangeTest(field: string, data: unknown): DocTest {
  if (!Array.isArray(data) || data.length !== 2) {
    throw errors.validation(`Min and max values should be specified for range field ${field}`);
  }
  const [lo, hi] = data.map((x) => (x === null || x === undefined ? undefined : asNumber(x)));
  if (lo === undefined && hi === undefined) {
    throw errors.validation(
      `At least one of min or max values should be provided for field ${field}`,
    );
  }
  return (doc) => {
    const v = asNumber(getPath(doc, field));
    if (v === undefined) return lo === undefined;
    return (lo === undefined || v >= lo) && (hi === undefined || v <= hi);
  };
}

function dateTest(field: string, data: unknown): DocTest {
  const list = Array.isArray(data) ? data : [data];
  const plain = list.every((d) => typeof d !== "string" || !/^[<>]/.test(d));
  if (list.length === 2 && plain) return rangeTest(field, list);
  const checks: ((v: number) => boolean)[] = [];
  for (const d of list) {
    if (typeof d !== "string") continue;
    const m = CONDITION.exec(d)!;
    const at = asNumber(m[2]);
    // an unparsable date is skipped, as the real server does
    if (at === undefined) continue;
    const op = m[1];
    checks.push(
      op === ">"
        ? (v) => v > at
        : op === ">="
        ? (v) => v >= at
        : op === "<"
        ? (v) => v < at
        : op === "<="
        ? (v) => v <= at
        : (v) => v === at,
    );
  }
  return (doc) => {
    if (!checks.length) return true;
    const v = asNumber(getPath(doc, field));
    return v !== undefined && checks.every((c) => c(v));
  };
}

/** One test for the date and range conditions a call's data carries for these fields. */
export function rangeFiltersTest(
  data: Obj,
  fields: { dates: readonly string[]; ranges: readonly string[] },
): DocTest {
  const tests: DocTest[] = [];
  for (const f of fields.dates) {
    if (data[f] !== undefined && data[f] !== null) tests.push(dateTest(f, data[f]));
  }
  for (const f of fields.ranges) {
    if (data[f] !== undefined && data[f] !== null) tests.push(rangeTest(f, data[f]));
  }
  return (doc) => tests.every((t) => t(doc));
}
