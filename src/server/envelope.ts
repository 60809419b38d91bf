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

const NON_ASCII = /[\u007f-\uffff]/g;
const q = JSON.stringify;

/**
 * Non-ASCII characters are `\u`-escaped, as the real server's JSON encoder does. The meta part is
 * written out (it has a fixed shape); only its strings and `data` go through `JSON.stringify`.
 */
export function envelopeJson(m: Meta, data: Obj): string {
  const text = `{"meta":{"id":${q(m.id)},"trx":${q(m.trx)},"endpoint":{"name":${q(m.name)},` +
    `"requested_version":${q(m.requested)},"actual_version":${q(m.actual)}},` +
    `"result_code":${m.code},"result_subcode":${m.subcode},"result_msg":${q(m.msg)},` +
    `"error_stack":${m.code === 200 ? '""' : "null"},"error_data":{}},"data":${q(data)}}`;
  return text.replace(
    NON_ASCII,
    (ch) => `\\u${ch.charCodeAt(0).toString(16).padStart(4, "0")}`,
  );
}
