/**
 * Typed reads of a call's data with the real server's data-model errors (400/12): a missing
 * required field, or a value of the wrong JSON type. Unknown fields are ignored, as there.
 */
import type { Obj } from "./call_body.ts";
import { errors } from "./call_error.ts";

function isObj(v: unknown): v is Obj {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}

export class Fields {
  constructor(readonly data: Obj) {}

  has(name: string): boolean {
    return this.data[name] !== undefined && this.data[name] !== null;
  }

  str(name: string): string | undefined {
    const v = this.data[name];
    if (v === undefined || v === null) return undefined;
    if (typeof v !== "string") throw errors.wrongType(name, "basestring", v);
    return v;
  }

  reqStr(name: string): string {
    const v = this.str(name);
    if (v === undefined) throw errors.missingField(name);
    return v;
  }

  bool(name: string, dflt: boolean): boolean {
    const v = this.data[name];
    if (v === undefined || v === null) return dflt;
    if (typeof v !== "boolean") throw errors.wrongType(name, "bool", v);
    return v;
  }

  int(name: string): number | undefined {
    const v = this.data[name];
    if (v === undefined || v === null) return undefined;
    if (typeof v !== "number" || !Number.isInteger(v)) throw errors.wrongType(name, "int", v);
    return v;
  }

  num(name: string): number | undefined {
    const v = this.data[name];
    if (v === undefined || v === null) return undefined;
    if (typeof v !== "number") throw errors.wrongType(name, "float", v);
    return v;
  }

  /** A list of strings; a single string counts as a one-item list where the server allows it. */
  strList(name: string, scalarOk = false): string[] | undefined {
    const v = this.data[name];
    if (v === undefined || v === null) return undefined;
    if (scalarOk && typeof v === "string") return [v];
    if (!Array.isArray(v) || v.some((x) => typeof x !== "string")) {
      throw errors.wrongType(name, "list", v);
    }
    return v as string[];
  }

  obj(name: string): Obj | undefined {
    const v = this.data[name];
    if (v === undefined || v === null) return undefined;
    if (!isObj(v)) throw errors.wrongType(name, "dict", v);
    return v;
  }
}
