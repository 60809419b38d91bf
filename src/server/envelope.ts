/** The ClearML response envelope (server-api.md §1.7): `meta` + `data`, HTTP status = result code. */
import type { Obj } from "./call_body.ts";

export interface Meta {
  id: string;
  trx: string;
  name: string;
  requested: string | number;
  actual: string | number | null;
  code: number;
  subcode: number;
  msg: string;
}

/** Non-ASCII characters are `\u`-escaped, as the real server's JSON encoder does. */
export function envelopeJson(m: Meta, data: Obj): string {
  const ok = m.code === 200;
  return JSON.stringify({
    meta: {
      id: m.id,
      trx: m.trx,
      endpoint: { name: m.name, requested_version: m.requested, actual_version: m.actual },
      result_code: m.code,
      result_subcode: m.subcode,
      result_msg: m.msg,
      error_stack: ok ? "" : null,
      error_data: {},
    },
    data,
  }).replace(
    /[\u007f-\uffff]/g,
    (ch) => `\\u${ch.charCodeAt(0).toString(16).padStart(4, "0")}`,
  );
}
