/** `auth.*` (server-api.md §2.1). */
import { errors } from "../call_error.ts";
import { endpoint, type Routes } from "../endpoint.ts";
import { DEFAULT_TOKEN_SECONDS, MAX_TOKEN_SECONDS, TOKEN_COOKIE } from "../authenticate.ts";

export const authRoutes: Routes = {
  "auth.login": endpoint("1.0", (call) => {
    const exp = call.data.expiration_sec;
    let seconds = DEFAULT_TOKEN_SECONDS;
    if (exp !== undefined && exp !== null) {
      if (typeof exp !== "number" || !Number.isInteger(exp)) {
        throw errors.wrongType("expiration_sec", "int", exp);
      }
      if (exp > MAX_TOKEN_SECONDS) {
        throw errors.validation(
          `error for field 'expiration_sec'. value ${exp} is bigger than ${MAX_TOKEN_SECONDS}`,
        );
      }
      seconds = exp;
    }
    const token = call.authenticator.issueToken(call.identity, seconds, call.now);
    call.cookie = `${TOKEN_COOKIE}=${token}; HttpOnly; Max-Age=${seconds}; Path=/; SameSite=Lax`;
    return { token };
  }),
  // revokes the presented token's session (a key pair has none) and clears the cookie
  "auth.logout": endpoint("2.2", (call) => {
    if (call.auth?.type === "Bearer" && call.auth.token) {
      call.authenticator.revoke(call.auth.token, call.now);
    }
    call.cookie = `${TOKEN_COOKIE}=; Expires=Thu, 01 Jan 1970 00:00:00 GMT; Max-Age=0; Path=/`;
    return {};
  }),
};
