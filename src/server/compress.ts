/**
 * Response compression as the real server's Flask-Compress does it (server-api.md §1.3, on by
 * default): a successful JSON answer of 500 bytes or more is gzipped (level 6) when the client
 * accepts gzip — Python `requests`, and so the agent and the SDK, always send
 * `Accept-Encoding: gzip, deflate`. Request bodies are never decompressed (415, in app.ts).
 */
import { gzipSync } from "node:zlib";
import type { BridgeReply } from "./bridge.ts";

export const COMPRESS_MIN_BYTES = 500;

/** `Accept-Encoding` names gzip (or `*`) with a non-zero quality. */
export function acceptsGzip(header: string | undefined): boolean {
  if (!header) return false;
  for (const part of header.split(",")) {
    const [name = "", ...params] = part.trim().toLowerCase().split(";");
    if (name !== "gzip" && name !== "*") continue;
    const q = params.map((p) => p.trim()).find((p) => p.startsWith("q="));
    return q === undefined || Number(q.slice(2)) > 0;
  }
  return false;
}

/** The reply gzipped when it qualifies; otherwise as it is. */
export function compressed(r: BridgeReply, acceptEncoding: string | undefined): BridgeReply {
  if (r.status < 200 || r.status >= 300 || r.body.length < COMPRESS_MIN_BYTES) return r;
  if (!acceptsGzip(acceptEncoding)) return r;
  return {
    status: r.status,
    headers: { ...r.headers, "content-encoding": "gzip", vary: "Accept-Encoding" },
    body: gzipSync(r.body, { level: 6 }),
  };
}
