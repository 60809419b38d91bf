/**
 * Who is calling (server-api.md §1.5): `Authorization: Basic key:secret` (accepted on every
 * endpoint, like the real server), `Authorization: Bearer <jwt>`, or the `clearml_token_basic`
 * cookie when no header is sent. Verified tokens are cached until they expire.
 */
import { errors } from "./call_error.ts";
import { signJwt, verifyJwt } from "./jwt.ts";
import type { Identity, Store } from "./store.ts";
import { MAX_API_VERSION, SERVER_VERSION } from "./version.ts";

export const TOKEN_COOKIE = "clearml_token_basic";
/** 30 days, the real server's default; clients renew 12 h before expiry. */
export const DEFAULT_TOKEN_SECONDS = 2592000;
export const MAX_TOKEN_SECONDS = 31536000;

export interface Authenticated {
  identity: Identity;
  type: "Basic" | "Bearer";
  token?: string;
}

export function cookieToken(cookie: string | null): string | undefined {
  if (!cookie) return undefined;
  for (const part of cookie.split(";")) {
    const [k, ...v] = part.trim().split("=");
    if (k === TOKEN_COOKIE) return v.join("=");
  }
  return undefined;
}

export class Authenticator {
  readonly #store: Store;
  /** token → expiry (epoch s, Infinity without `exp`) of tokens whose signature checked out. */
  readonly #verified = new Map<string, number>();

  constructor(store: Store) {
    this.#store = store;
  }

  authenticate(authorization: string | null, cookie: string | null, nowMs: number): Authenticated {
    let header = authorization;
    if (!header) {
      const t = cookieToken(cookie);
      if (!t) throw errors.missingCredentials();
      header = `Bearer ${t}`;
    }
    const sp = header.indexOf(" ");
    const scheme = sp < 0 ? header : header.slice(0, sp);
    const value = sp < 0 ? "" : header.slice(sp + 1).trim();
    if (scheme === "Basic") return this.#basic(value);
    if (scheme === "Bearer") return this.#bearer(value, nowMs);
    throw errors.badAuthType();
  }

  #basic(value: string): Authenticated {
    let text: string;
    try {
      if (!/^[A-Za-z0-9+/]*={0,2}$/.test(value)) throw new Error("Incorrect padding");
      text = Buffer.from(value, "base64").toString("latin1");
    } catch (e) {
      throw errors.malformedCredentials(e instanceof Error ? e.message : String(e));
    }
    const i = text.indexOf(":");
    if (i < 0) throw errors.malformedCredentials("not enough values to unpack (expected 2, got 1)");
    const identity = this.#store.checkCredentials(text.slice(0, i), text.slice(i + 1));
    if (!identity) throw errors.invalidCredentials();
    return { identity, type: "Basic" };
  }

  #bearer(token: string, nowMs: number): Authenticated {
    const nowSec = Math.floor(nowMs / 1000);
    const exp = this.#verified.get(token);
    if (exp !== undefined && exp > nowSec) {
      return { identity: this.#store.identity(), type: "Bearer", token };
    }
    const r = verifyJwt(token, this.#store.jwtSecret(), nowSec);
    if (!r.ok) throw errors.invalidToken(r.reason);
    if (this.#verified.size > 10000) this.#verified.clear();
    const claimExp = r.claims.exp;
    this.#verified.set(token, typeof claimExp === "number" ? claimExp : Infinity);
    return { identity: this.#store.identity(), type: "Bearer", token };
  }

  /** A token with the claims clients read (api_version, feature_set basic, …). */
  issueToken(identity: Identity, expirationSec: number, nowMs: number): string {
    const iat = Math.floor(nowMs / 1000);
    return signJwt({
      identity: {
        user: identity.user,
        company: identity.company,
        role: identity.role,
        user_name: identity.userName,
        company_name: identity.companyName,
      },
      session_id: crypto.randomUUID().replaceAll("-", ""),
      env: "<unknown>",
      auth_type: "Bearer",
      iat,
      exp: iat + expirationSec,
      api_version: MAX_API_VERSION,
      server_version: SERVER_VERSION,
      server_build: "",
      feature_set: "basic",
    }, this.#store.jwtSecret());
  }
}
