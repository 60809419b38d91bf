/** Facts about a login token for the report: levels, identity, days left. Never the token. */
import { tokenClaims } from "../../api/jwt.ts";
import type { TokenFacts } from "./server_snapshot.ts";

export function tokenFacts(token: string, now = Date.now()): TokenFacts | undefined {
  const c = tokenClaims(token);
  if (!c) return undefined;
  const out: TokenFacts = {};
  if (c.apiVersion) out.apiVersion = c.apiVersion;
  if (c.serverVersion) out.serverVersion = c.serverVersion;
  if (c.identity.userName) out.user = c.identity.userName;
  if (c.identity.companyName) out.company = c.identity.companyName;
  if (c.identity.role) out.role = c.identity.role;
  if (c.exp !== undefined) out.expiresInDays = Math.floor((c.exp * 1000 - now) / 86_400_000);
  return out;
}
