/**
 * Who is calling (server-api.md §1.5): `Authorization: Basic key:secret` (accepted on every
 * endpoint, like the real server), `Authorization: Bearer <jwt>`, or the `clearml_token_basic`
 * cookie when no header is sent. Verified tokens are cached until they expire, so a call does
 * not check a signature again. `auth.logout` revokes a token's session: the revoked sessions are
 * kept in the store (meta `revoked_sessions`, until the tokens would have expired) and shared by
 * every authenticator of that store (API, web page, files server). Impersonation headers (§1.4)
 * are checked as the real server checks them.
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

const REVOKED_KEY = "revoked_sessions";

/** Revoked session id → the expiry of its token (epoch s), one map per store. */
const revokedByStore = new WeakMap<Store, Map<string, number>>();

function revokedOf(store: Store): Map<string, number> {
  let m = revokedByStore.get(store);
  if (!m) {
    m = new Map();
    try {
      const saved = JSON.parse(store.meta(REVOKED_KEY) ?? "{}") as Record<string, number>;
      for (const [sid, exp] of Object.entries(saved)) m.set(sid, exp);
    } catch {
      // an unreadable list revokes nothing
    }
    revokedByStore.set(store, m);
  }
  return m;
}

/** The headers that ask to act as another user (server-api.md §1.4), ClearML form first. */
const IMPERSONATE = ["x-clearml-impersonate-as", "x-trains-impersonate-as"] as const;
const ACT_AS = ["x-clearml-act-as", "x-trains-act-as"] as const;
/** Roles the real server lets impersonate (system roles and admin). */
const IMPERSONATING_ROLES = ["system", "root", "admin"];

/**
 * Impersonation headers against the caller's identity: both kinds → 400/5; a role that may not
 * impersonate → 400/6; another user than the server's one → 400/6 unknown user. The local server
 * has one user, so a permitted impersonation leaves the identity as it is.
 */
export function checkImpersonation(
  header: (name: string) => string | undefined,
  identity: Identity,
): void {
  const as = IMPERSONATE.map(header).find((v) => v);
  const actAs = ACT_AS.map(header).find((v) => v);
  if (!as && !actAs) return;
  if (as && actAs) {
    throw errors.invalidHeaders("only one allowed", {
      headers: ["X-ClearML-Impersonate-As", "X-ClearML-Act-As"],
    });
  }
  if (!IMPERSONATING_ROLES.includes(identity.role)) {
    throw errors.impersonation("impersonation not allowed", { role: identity.role });
  }
  const user = (as ?? actAs)!.trim();
  if (user !== identity.user) {
    throw errors.impersonation("unknown user", { id: user, company: identity.company });
  }
}

export class Authenticator {
  readonly #store: Store;
  /** token → [expiry (epoch s, Infinity without `exp`), session id] of verified tokens. */
  readonly #verified = new Map<string, readonly [number, string]>();
  readonly #revoked: Map<string, number>;

  constructor(store: Store) {
    this.#store = store;
    this.#revoked = revokedOf(store);
  }

  /** `auth.logout`: the token's session is revoked for good (every token of that login). */
  revoke(token: string, nowMs: number): void {
    const r = verifyJwt(token, this.#store.jwtSecret(), Math.floor(nowMs / 1000));
    if (!r.ok) return;
    const sid = r.claims.session_id;
    if (typeof sid !== "string" || sid === "") return;
    const exp = typeof r.claims.exp === "number" ? r.claims.exp : Number.MAX_SAFE_INTEGER;
    const nowSec = Math.floor(nowMs / 1000);
    for (const [k, e] of this.#revoked) if (e <= nowSec) this.#revoked.delete(k);
    this.#revoked.set(sid, exp);
    this.#store.setMeta(REVOKED_KEY, JSON.stringify(Object.fromEntries(this.#revoked)));
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
    const known = this.#verified.get(token);
    if (known !== undefined && known[0] > nowSec) {
      if (this.#revoked.size && this.#revoked.has(known[1])) throw errors.revokedToken();
      return { identity: this.#store.identity(), type: "Bearer", token };
    }
    const r = verifyJwt(token, this.#store.jwtSecret(), nowSec);
    if (!r.ok) throw errors.invalidToken(r.reason);
    const sid = typeof r.claims.session_id === "string" ? r.claims.session_id : "";
    if (this.#revoked.has(sid)) throw errors.revokedToken();
    if (this.#verified.size > 10000) this.#verified.clear();
    const claimExp = r.claims.exp;
    this.#verified.set(token, [typeof claimExp === "number" ? claimExp : Infinity, sid]);
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
