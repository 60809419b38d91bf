/** What an HTTP answer is: the ClearML API envelope, a web page, other JSON, text. Pure. */
import type { HttpResponse } from "../../runtime/http.ts";
import { maskUrlPassword } from "../../settings/mask.ts";
import type { HttpFacts } from "./server_snapshot.ts";

/** What an answer is: the ClearML API envelope, a web page, other JSON, text. */
export function describeResponse(r: HttpResponse): HttpFacts {
  const facts: HttpFacts = {
    status: r.status,
    statusText: r.statusText,
    kind: "empty",
    ...(r.headers["content-type"] ? { contentType: r.headers["content-type"] } : {}),
    ...(r.headers["server"] ? { server: r.headers["server"] } : {}),
  };
  const body = r.body.trim();
  if (body === "") return facts;
  const type = (r.headers["content-type"] ?? "").toLowerCase();
  if (type.includes("json") || body.startsWith("{") || body.startsWith("[")) {
    try {
      const json: unknown = JSON.parse(body);
      facts.kind = "json";
      if (json && typeof json === "object" && !Array.isArray(json)) {
        const meta = (json as { meta?: unknown }).meta;
        if (meta && typeof meta === "object" && "result_code" in meta) {
          facts.kind = "clearml-api";
          const m = meta as Record<string, unknown>;
          const endpoint = (m.endpoint ?? {}) as Record<string, unknown>;
          const str = (v: unknown) => (v === null || v === undefined ? undefined : String(v));
          facts.envelope = {
            ...(typeof m.result_code === "number" ? { resultCode: m.result_code } : {}),
            ...(typeof m.result_subcode === "number" ? { resultSubcode: m.result_subcode } : {}),
            ...(typeof m.result_msg === "string" ? { resultMsg: m.result_msg } : {}),
            ...(str(endpoint.name) !== undefined ? { endpoint: str(endpoint.name) } : {}),
            ...(str(endpoint.requested_version) !== undefined
              ? { requestedVersion: str(endpoint.requested_version) }
              : {}),
            ...(str(endpoint.actual_version) !== undefined
              ? { actualVersion: str(endpoint.actual_version) }
              : {}),
          };
          const data = (json as { data?: unknown }).data;
          if (data && typeof data === "object") {
            const d = data as Record<string, unknown>;
            if (typeof d.msg === "string") facts.msg = d.msg;
            if (typeof d.version === "string") facts.version = d.version;
            if (typeof d.api_version === "string") facts.apiVersion = d.api_version;
            if (typeof d.build === "string") facts.build = d.build;
          }
        }
      }
      return facts;
    } catch {
      // not JSON after all: fall through
    }
  }
  if (type.includes("html") || /^<(!doctype|html)/i.test(body)) {
    facts.kind = "html";
    const title = /<title[^>]*>([\s\S]*?)<\/title>/i.exec(body)?.[1]?.trim();
    if (title) facts.title = title.replace(/\s+/g, " ").slice(0, 80);
  } else facts.kind = "text";
  facts.snippet = maskUrlPassword(body.replace(/\s+/g, " ").slice(0, 120));
  return facts;
}
