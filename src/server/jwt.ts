/**
 * HS256 JSON web tokens, as the real server issues them (clients read the claims without checking
 * the signature; we check it). Verification errors carry PyJWT's messages.
 */
import { createHmac, timingSafeEqual } from "node:crypto";

const HEADER = Buffer.from(JSON.stringify({ alg: "HS256", typ: "JWT" })).toString("base64url");

function sign(input: string, secret: string): string {
  return createHmac("sha256", secret).update(input).digest("base64url");
}

export function signJwt(claims: Record<string, unknown>, secret: string): string {
  const payload = Buffer.from(JSON.stringify(claims)).toString("base64url");
  const input = `${HEADER}.${payload}`;
  return `${input}.${sign(input, secret)}`;
}

export type JwtResult =
  | { ok: true; claims: Record<string, unknown> }
  | { ok: false; reason: string };

export function verifyJwt(token: string, secret: string, nowSec: number): JwtResult {
  const parts = token.split(".");
  if (parts.length !== 3) return { ok: false, reason: "Not enough segments" };
  const [h, p, s] = parts as [string, string, string];
  let claims: unknown;
  try {
    const header = JSON.parse(Buffer.from(h, "base64url").toString("utf8"));
    if (header?.alg !== "HS256") {
      return { ok: false, reason: "The specified alg value is not allowed" };
    }
    claims = JSON.parse(Buffer.from(p, "base64url").toString("utf8"));
  } catch {
    return { ok: false, reason: "Invalid header padding" };
  }
  const want = Buffer.from(sign(`${h}.${p}`, secret));
  const got = Buffer.from(s);
  if (want.length !== got.length || !timingSafeEqual(want, got)) {
    return { ok: false, reason: "Signature verification failed" };
  }
  if (typeof claims !== "object" || claims === null) {
    return { ok: false, reason: "Invalid payload" };
  }
  const exp = (claims as Record<string, unknown>).exp;
  if (typeof exp === "number" && exp <= nowSec) {
    return { ok: false, reason: "Signature has expired" };
  }
  return { ok: true, claims: claims as Record<string, unknown> };
}
