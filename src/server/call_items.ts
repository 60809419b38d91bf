/**
 * Lists of objects in a call's data (hyper-parameter items, artifacts, metadata items, ids) read
 * with the real server's data-model errors: 400/12 for a missing list, an empty one, an item of
 * the wrong type or a missing or mistyped member.
 */
import type { Obj } from "./call_body.ts";
import { errors } from "./call_error.ts";
import { isObj } from "./doc_path.ts";

export function tooShort(field: string) {
  return errors.validation(
    `error for field '${field}'. value length is lower than allowed minimum '1'.`,
  );
}

/** A required non-empty list of objects, each checked by `item`. */
export function itemList<T>(data: Obj, field: string, item: (o: Obj) => T): T[] {
  const v = data[field];
  if (v === undefined || v === null) throw errors.missingField(field);
  if (!Array.isArray(v)) throw errors.wrongType(field, "list", v);
  if (!v.length) throw tooShort(field);
  return v.map((o) => {
    if (!isObj(o)) throw errors.wrongType(field, "dict", o);
    return item(o);
  });
}

/** A string member of a list item (400/12 when missing, of another type or too short). */
export function itemStr(o: Obj, k: string, required: boolean, minLength = 0): string | undefined {
  const v = o[k];
  if (v === undefined || v === null) {
    if (required) throw errors.missingField(k);
    return undefined;
  }
  if (typeof v !== "string") throw errors.wrongType(k, "basestring", v);
  if (v.length < minLength) throw tooShort(k);
  return v;
}

export function optionalStrs(o: Obj, keys: readonly string[]): Obj {
  const out: Obj = {};
  for (const k of keys) {
    const v = itemStr(o, k, false);
    if (v !== undefined) out[k] = v;
  }
  return out;
}
