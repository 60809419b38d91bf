/**
 * A failed ClearML call: HTTP status = `code`, plus the sub-code and message of the real server's
 * error catalogue (server-api.md §1.9). `app.ts` turns it into the envelope in one place.
 */
export class CallError extends Error {
  readonly code: number;
  readonly subcode: number;
  constructor(code: number, subcode: number, message: string) {
    super(message);
    this.name = "CallError";
    this.code = code;
    this.subcode = subcode;
  }
}

/** `k1=v1, k2=v2`; list values print as `(a, b)`, as the real server's error formatter does. */
function params(p: Record<string, unknown>): string {
  return Object.entries(p).map(([k, v]) =>
    `${k}=${Array.isArray(v) ? `(${v.join(", ")})` : String(v)}`
  ).join(", ");
}

/** `<text>[ (<extra>)][: <params>]` (server-api.md §1.9). */
export function callError(
  code: number,
  subcode: number,
  text: string,
  extra?: string,
  p?: Record<string, unknown>,
): CallError {
  let msg = text;
  if (extra) msg += ` (${extra})`;
  if (p && Object.keys(p).length) msg += `: ${params(p)}`;
  return new CallError(code, subcode, msg);
}

type Params = Record<string, unknown>;

/** The errors of the real server's catalogue that this server raises, by name. */
export const errors = {
  badRequest: (msg: string) => new CallError(400, 0, msg),
  missingCredentials: () => callError(401, 20, "unauthorized", "missing credentials"),
  badAuthType: () => callError(401, 10, "unauthorized", "bad authentication header type"),
  malformedCredentials: (e: string) =>
    callError(401, 21, "unauthorized", `malformed credentials) (${e}`),
  invalidCredentials: () =>
    callError(
      401,
      22,
      "unauthorized",
      "invalid credentials) (failed to locate provided credentials",
    ),
  invalidToken: (reason: string) =>
    callError(401, 30, "invalid token", "invalid jwt token", { reason }),
  revokedToken: () => callError(401, 30, "invalid token", "revoked token"),
  invalidHeaders: (extra: string, p: Params) => callError(400, 5, "invalid headers", extra, p),
  impersonation: (extra: string, p: Params) => callError(400, 6, "impersonation error", extra, p),
  missingField: (field: string) =>
    callError(400, 12, "validation error", `error for field '${field}'. field is required!`),
  wrongType: (field: string, expected: string, value: unknown) =>
    callError(
      400,
      12,
      "validation error",
      `error for field '${field}'. ('value is wrong, expected type "${expected}"', ${
        JSON.stringify(value)
      })`,
    ),
  validation: (extra: string) => callError(400, 12, "validation error", extra),
  fieldsValue: (extra: string, p?: Params) =>
    callError(400, 16, "invalid value for fields", extra, p),
  batchEmpty: () => callError(400, 17, "batch request contains no items"),
  invalidTaskId: (p: Params, extra?: string) => callError(400, 101, "invalid task id", extra, p),
  invalidTaskStatus: (p: Params, extra?: string) =>
    callError(400, 110, "invalid task status", extra, p),
  statusRace: (p: Params) =>
    callError(
      400,
      121,
      "failed changing task status. probably someone changed it before you",
      undefined,
      p,
    ),
  missingTaskFields: (p: Params) =>
    callError(400, 122, "task is missing expected fields", undefined, p),
  eventsNotAdded: (p: Params) => callError(400, 131, "events not added", undefined, p),
  invalidProjectId: (p: Params) => callError(400, 401, "invalid project id", undefined, p),
  invalidQueueId: (p: Params) => callError(400, 701, "invalid queue id", undefined, p),
  queueNotEmpty: (extra: string, p: Params) => callError(400, 702, "queue is not empty", extra, p),
  notInQueue: (p: Params) =>
    callError(400, 703, "invalid queue id or task not in queue", undefined, p),
  alreadyQueued: (p: Params) =>
    callError(400, 706, "failed adding task to queue since task is already queued", undefined, p),
  noDefaultQueue: () =>
    callError(400, 707, "no queue is tagged as the default queue for this company"),
  multipleDefaultQueues: (p: Params) =>
    callError(
      400,
      708,
      "more than one queue is tagged as the default queue for this company",
      undefined,
      p,
    ),
  dataValidation: (p: Params) => callError(400, 800, "data validation error", undefined, p),
  notUnique: (p: Params) =>
    callError(
      400,
      801,
      "value combination already exists (unique field already contains this value)",
      undefined,
      p,
    ),
  workerRegistration: (extra: string, p: Params) =>
    callError(400, 1002, "worker registration failed", extra, p),
  internal: (extra: string) => callError(500, 1, "internal server error", extra),
  timedOut: (ms: number) => callError(504, 0, "request timed out", undefined, { limit_ms: ms }),
  tooLarge: (limit: number) =>
    callError(413, 0, "request body too large", undefined, { limit_bytes: limit }),
};
