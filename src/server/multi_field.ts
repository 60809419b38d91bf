/**
 * `_any_` / `_all_` of the real server's `get_all` calls: `{pattern, fields}` matches when the
 * case-insensitive regular expression is found in any (all) of the fields, dotted paths allowed.
 * A value of another shape is 400/16 `failed parsing query field`.
 */
import type { Obj } from "./call_body.ts";
import { errors } from "./call_error.ts";
import { getPath, isObj } from "./doc_path.ts";

export type DocTest = (doc: Obj) => boolean;

function parse(field: "_any_" | "_all_", raw: unknown): { re: RegExp; fields: string[] } | null {
  const bad = () =>
    errors.fieldsValue("failed parsing query field", {
      error: `incorrect field format: field=${field}`,
      field,
    });
  if (!isObj(raw)) throw bad();
  const fields = raw.fields;
  if (
    fields !== undefined && (!Array.isArray(fields) || fields.some((f) => typeof f !== "string"))
  ) {
    throw bad();
  }
  // no fields, or a date condition (not supported here): the condition is dropped, as there
  if (!fields?.length || typeof raw.pattern !== "string") return null;
  try {
    return { re: new RegExp(raw.pattern, "i"), fields: fields as string[] };
  } catch {
    throw errors.fieldsValue("failed parsing query field", { field });
  }
}

/** The `_any_`/`_all_` conditions of a call's data as one test (always true when absent). */
export function multiFieldTest(data: Obj): DocTest {
  const tests: DocTest[] = [];
  for (const field of ["_any_", "_all_"] as const) {
    if (data[field] === undefined || data[field] === null) continue;
    const c = parse(field, data[field]);
    if (!c) continue;
    const hit = (doc: Obj, f: string) => {
      const v = getPath(doc, f);
      const values = Array.isArray(v) ? v : [v];
      return values.some((x) => x !== undefined && x !== null && c.re.test(String(x)));
    };
    tests.push(
      field === "_any_"
        ? (doc) => c.fields.some((f) => hit(doc, f))
        : (doc) => c.fields.every((f) => hit(doc, f)),
    );
  }
  return (doc) => tests.every((t) => t(doc));
}
