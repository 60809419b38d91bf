/** What a routes file declares: endpoint names mapped to handlers by minimum API version. */
import type { Obj } from "./call_body.ts";
import type { Fields } from "./fields.ts";
import type { LogLines } from "./scan_log_lines.ts";
import type { Identity, Store } from "./store.ts";
import type { Authenticator } from "./authenticate.ts";
import { compareVersion, parseVersion, type Version } from "./version.ts";

export interface Call {
  /** `<service>.<action>` */
  name: string;
  /** The requested version (the path's, or the max version). */
  version: Version;
  data: Obj;
  /** Objects of an `application/json-lines` body. */
  batch?: Obj[];
  /** Instead of `batch`: a json-lines body of plain log events, kept as sent. */
  lines?: LogLines;
  fields: Fields;
  identity: Identity;
  /** The raw `Authorization` credentials that authenticated the call, when any. */
  auth?: { type: "Basic" | "Bearer"; token?: string };
  store: Store;
  authenticator: Authenticator;
  /** `X-ClearML-Worker` (or its legacy alias), `"<unknown>"` when absent. */
  worker: string;
  ip: string;
  now: number;
  /** A `Set-Cookie` value for the response (auth.login). */
  cookie?: string;
}

/** A handler may answer later (a write that waits for the next group commit). */
export type Handler = (call: Call) => Obj | void | Promise<Obj | void>;

export interface Endpoint {
  /** false for the few endpoints that need no token (debug.ping, server.info). */
  authorize: boolean;
  /** [min version, handler], highest first. */
  versions: readonly (readonly [string, Handler])[];
}

export type Routes = Record<string, Endpoint>;

/** An endpoint with one implementation from `min` on (most endpoints). */
export function endpoint(min: string, handler: Handler, authorize = true): Endpoint {
  return { authorize, versions: [[min, handler]] };
}

/** An endpoint whose implementation changed with the version. */
export function versioned(
  versions: readonly (readonly [string, Handler])[],
  authorize = true,
): Endpoint {
  const sorted = [...versions].sort((a, b) =>
    compareVersion(parseVersion(b[0]), parseVersion(a[0]))
  );
  return { authorize, versions: sorted };
}

/** The implementation with the greatest minimum version not above `v` (server-api.md §1.8). */
export function resolveHandler(
  ep: Endpoint,
  v: Version,
): readonly [string, Handler] | undefined {
  return ep.versions.find(([min]) => compareVersion(parseVersion(min), v) <= 0);
}
