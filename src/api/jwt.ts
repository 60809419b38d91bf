/**
 * The claims of a ClearML token, read without verifying the signature, as the Python clients do
 * (server-api §1.5): `api_version` sets the client's API level, `exp` when to renew.
 */

export interface TokenClaims {
  /** `api_version`, e.g. "2.31". */
  apiVersion?: string;
  serverVersion?: string;
  featureSet?: string;
  env?: string;
  /** Expiry, epoch seconds; absent for tokens that do not expire. */
  exp?: number;
  identity: {
    user?: string;
    company?: string;
    role?: string;
    userName?: string;
    companyName?: string;
  };
}

/** The payload of a JWT as a plain object, or undefined when it is not one. */
export function decodeJwtPayload(token: string): Record<string, unknown> | undefined {
  const payload = token.split(".")[1];
  if (!payload) return undefined;
  try {
    const json: unknown = JSON.parse(Buffer.from(payload, "base64url").toString("utf8"));
    return json && typeof json === "object" && !Array.isArray(json)
      ? json as Record<string, unknown>
      : undefined;
  } catch {
    return undefined;
  }
}

export function tokenClaims(token: string): TokenClaims | undefined {
  const json = decodeJwtPayload(token);
  if (!json) return undefined;
  const str = (v: unknown) => (typeof v === "string" && v !== "" ? v : undefined);
  const id = (json.identity && typeof json.identity === "object" ? json.identity : {}) as Record<
    string,
    unknown
  >;
  const claims: TokenClaims = { identity: {} };
  const put = <K extends keyof TokenClaims>(k: K, v: TokenClaims[K] | undefined) => {
    if (v !== undefined) claims[k] = v;
  };
  put("apiVersion", str(json.api_version));
  put("serverVersion", str(json.server_version));
  put("featureSet", str(json.feature_set));
  put("env", str(json.env));
  if (typeof json.exp === "number") claims.exp = json.exp;
  const identity: TokenClaims["identity"] = {};
  const idPut = (k: keyof TokenClaims["identity"], v: unknown) => {
    const s = str(v);
    if (s !== undefined) identity[k] = s;
  };
  idPut("user", id.user);
  idPut("company", id.company);
  idPut("role", id.role);
  idPut("userName", id.user_name);
  idPut("companyName", id.company_name);
  claims.identity = identity;
  return claims;
}

/**
 * The API level a client uses with this token: its `api_version`, or, when absent, 2.2 on a
 * `prod` server and 2.1 otherwise (agent's fallback, server-api §1.5).
 */
export function apiVersionOf(claims: TokenClaims | undefined): string {
  if (claims?.apiVersion) return claims.apiVersion;
  return claims?.env === "prod" ? "2.2" : "2.1";
}

/** Compare dotted versions numerically: -1, 0, 1. */
export function compareVersions(a: string, b: string): number {
  const pa = a.split(".").map((x) => Number(x) || 0);
  const pb = b.split(".").map((x) => Number(x) || 0);
  for (let i = 0; i < Math.max(pa.length, pb.length); i++) {
    const d = (pa[i] ?? 0) - (pb[i] ?? 0);
    if (d !== 0) return d < 0 ? -1 : 1;
  }
  return 0;
}
