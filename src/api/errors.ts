/**
 * What a ClearML server call can end in, besides data: the server's own error (the envelope's
 * result code, subcode and message), an answer that is not the API, or no answer at all.
 */
import { ClearmlError } from "../errors.ts";

/** The server answered with `meta.result_code` ≠ 200 (server-api §1.7, §1.9). */
export class ApiError extends ClearmlError {
  constructor(
    /** `<service>.<action>`. */
    readonly endpoint: string,
    /** `meta.result_code` (equals the HTTP status). */
    readonly resultCode: number,
    /** `meta.result_subcode`. */
    readonly subcode: number,
    /** `meta.result_msg`. */
    readonly resultMsg: string,
    exitCode = 1,
  ) {
    super(`${endpoint}: ${resultMsg} (error ${resultCode}/${subcode})`, exitCode);
  }
}

/** auth.login refused: the agent's `LoginError` (exit 3, the credentials are configuration). */
export class LoginError extends ApiError {
  constructor(host: string, resultCode: number, subcode: number, resultMsg: string) {
    super("auth.login", resultCode, subcode, resultMsg, 3);
    this.message = `Failed getting token (error ${resultCode} from ${host}): ${resultMsg}`;
  }
}

/** The answer is not a ClearML envelope (a proxy page, a web app, plain text). */
export class ApiProtocolError extends ClearmlError {
  constructor(readonly endpoint: string, readonly status: number, detail: string) {
    super(`${endpoint}: the server's answer is not the ClearML API (HTTP ${status}: ${detail})`, 1);
  }
}

/** No answer after the retries: connection refused, reset, timed out, TLS refused. */
export class ApiConnectionError extends ClearmlError {
  constructor(readonly endpoint: string, readonly host: string, override readonly cause: unknown) {
    const why = cause instanceof Error ? cause.message : String(cause);
    const code = (cause as { code?: unknown })?.code;
    super(
      `${endpoint}: cannot reach the ClearML API at ${host}: ${why}${
        typeof code === "string" && !why.includes(code) ? ` (${code})` : ""
      }`,
      1,
    );
  }
}
