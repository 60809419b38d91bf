/**
 * The response envelope of every ClearML API answer (server-api §1.7): `meta` with the result
 * code, subcode and message, and `data`. Pure.
 */
import { ApiError, ApiProtocolError } from "./errors.ts";

export interface Meta {
  id: string;
  trx: string;
  endpoint: { name: string; requested_version: string | number | null; actual_version: unknown };
  result_code: number;
  result_subcode: number;
  result_msg: string;
}

export interface Envelope {
  meta: Meta;
  data: Record<string, unknown>;
}

/** Parse an answer; throws ApiProtocolError when it is not the envelope. */
export function parseEnvelope(endpoint: string, status: number, body: string): Envelope {
  let json: unknown;
  try {
    json = JSON.parse(body);
  } catch {
    const snippet = body.replace(/\s+/g, " ").trim().slice(0, 80);
    throw new ApiProtocolError(endpoint, status, snippet === "" ? "empty body" : snippet);
  }
  const meta = (json as { meta?: unknown })?.meta as Record<string, unknown> | undefined;
  if (!meta || typeof meta !== "object" || typeof meta.result_code !== "number") {
    throw new ApiProtocolError(endpoint, status, "JSON without meta.result_code");
  }
  const data = (json as { data?: unknown }).data;
  return {
    meta: {
      id: String(meta.id ?? ""),
      trx: String(meta.trx ?? ""),
      endpoint: (meta.endpoint ?? { name: endpoint }) as Meta["endpoint"],
      result_code: meta.result_code,
      result_subcode: typeof meta.result_subcode === "number" ? meta.result_subcode : 0,
      result_msg: typeof meta.result_msg === "string" ? meta.result_msg : "",
    },
    data: data && typeof data === "object" && !Array.isArray(data)
      ? data as Record<string, unknown>
      : {},
  };
}

/** The data of a successful answer; ApiError for any other result code. */
export function dataOf(endpoint: string, env: Envelope): Record<string, unknown> {
  if (env.meta.result_code !== 200) {
    throw new ApiError(
      endpoint,
      env.meta.result_code,
      env.meta.result_subcode,
      env.meta.result_msg,
    );
  }
  return env.data;
}
