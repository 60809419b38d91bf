/**
 * `createApp(store, opts)`: the local ClearML API server as a pure Hono app (no socket; the
 * `node:http` bridge in `src/runtime/serve.ts` serves it). One routes file per ClearML service;
 * this file parses path, version, credentials and body in the real server's order (server-api.md
 * §1.6) and turns every result or typed error into the envelope, in one place.
 */
import { Hono } from "hono";
import { type Obj, parseCallBody } from "./call_body.ts";
import { CallError, errors } from "./call_error.ts";
import { parseCallPath } from "./call_path.ts";
import { type Call, type Handler, resolveHandler, type Routes } from "./endpoint.ts";
import { envelopeJson, type Meta, metaTail, withTail } from "./envelope.ts";
import { compressed } from "./compress.ts";
import { Fields } from "./fields.ts";
import { newCallId } from "./ids.ts";
import { Authenticator, checkImpersonation } from "./authenticate.ts";
import { type BridgeReply, type DirectHandler, METHOD_HEADER, REMOTE_HEADER } from "./bridge.ts";
import type { Store } from "./store.ts";
import { parseVersion, type Version, versionValue } from "./version.ts";
import { authRoutes } from "./routes/auth.ts";
import { debugRoutes } from "./routes/debug.ts";
import { serverRoutes } from "./routes/server.ts";
import { queuesRoutes } from "./routes/queues.ts";
import { tasksRoutes } from "./routes/tasks.ts";
import { workersRoutes } from "./routes/workers.ts";
import { eventsRoutes } from "./routes/events.ts";
import { projectsRoutes } from "./routes/projects.ts";
import { modelsRoutes } from "./routes/models.ts";
import { localRoutes, type LocalSources } from "./local.ts";

export const ROUTES: Routes = {
  ...authRoutes,
  ...debugRoutes,
  ...serverRoutes,
  ...queuesRoutes,
  ...tasksRoutes,
  ...workersRoutes,
  ...eventsRoutes,
  ...projectsRoutes,
  ...modelsRoutes,
};

/** Default request body limit: above the 15 MiB batches the agent cuts its uploads into. */
export const DEFAULT_MAX_BODY_BYTES = 32 * 1024 * 1024;

export interface AppOptions {
  maxBodyBytes?: number;
  /** The clock (tests pin it). */
  now?: () => number;
  /** One line per notable event (unknown endpoints, internal errors), without secrets. */
  log?: (line: string) => void;
  /** Data behind the local `/v1/` endpoints that the app cannot compute itself. */
  local?: LocalSources;
}

const JSON_TYPE = "application/json";

/** A call as the app reads it, from a `Request` (Hono) or from the bridge's direct path. */
interface CallInput {
  method: string;
  /** Path and query: `/v2.14/queues.get_next_task?x=1`. */
  url: string;
  header(name: string): string | undefined;
  /** The body: text (from a `Request`) or the bytes the bridge read (UTF-8, not decoded yet). */
  body: string | Uint8Array;
  /** The peer address the bridge saw. */
  remote: string;
}

function reply(meta: Meta, data: Obj, cookie?: string): BridgeReply {
  const headers: Record<string, string> = { "content-type": JSON_TYPE, server: "clearml" };
  if (cookie) headers["set-cookie"] = cookie;
  return { status: meta.code, headers, body: envelopeJson(meta, data) };
}

function toResponse(r: BridgeReply): Response {
  return new Response(r.body === "" ? null : r.body, {
    status: r.status,
    headers: r.headers,
  });
}

function remoteIp(input: CallInput): string {
  const real = input.header("x-real-ip");
  if (real) return real;
  const fwd = input.header("x-forwarded-for");
  if (fwd) return fwd.split(",")[0]!.trim();
  return input.remote;
}

/** The envelope of an error raised outside the app (the bridge's body limit and timeout). */
export function callErrorResponse(path: string, e: CallError): Response {
  const parsed = parseCallPath(path);
  const id = newCallId();
  return toResponse(reply({
    id,
    trx: id,
    name: parsed?.name ?? "",
    requested: parsed ? versionValue(parsed.version) : 1.0,
    actual: null,
    code: e.code,
    subcode: e.subcode,
    msg: e.message,
  }, {}));
}

/** The API app, and its answer for the bridge's direct path (the same calls, no `Request`). */
export type ApiApp = Hono & { direct: DirectHandler };

/** A request path as the app resolved it, with the envelope of a success around its data. */
interface Route {
  name: string;
  version: Version;
  requested: string | number;
  actual: string | number;
  authorize: boolean;
  handler: Handler;
  /** `metaTail` of a success: everything of the envelope but the ids and the data. */
  okTail: string;
}

/** Resolved paths kept per app: far more than clients use, few enough for any flood of paths. */
const MAX_ROUTES = 1000;

/** The `/v1/` local endpoints are Hono routes (local.ts); the direct path leaves them to it. */
const LOCAL_PREFIX = "/v1/";

export function createApp(store: Store, opts: AppOptions = {}): ApiApp {
  const now = opts.now ?? Date.now;
  const maxBody = opts.maxBodyBytes ?? DEFAULT_MAX_BODY_BYTES;
  const log = opts.log ?? (() => {});
  const authenticator = new Authenticator(store);

  // request paths as resolved once (a client uses a handful); only known endpoints are kept
  const routes = new Map<string, Route>();
  const routeOf = (pathname: string): Route | CallError => {
    const known = routes.get(pathname);
    if (known) return known;
    const path = parseCallPath(pathname);
    if (!path) return errors.badRequest(`Invalid request path ${pathname}`);
    const ep = ROUTES[path.name];
    const version = parseVersion(path.version);
    const impl = ep && resolveHandler(ep, version);
    if (!ep || !impl) {
      log(`unknown endpoint ${path.name} (version ${path.version})`);
      return new CallError(
        404,
        0,
        `Unable to find endpoint for name ${path.name} and version ${path.version}`,
      );
    }
    const requested = versionValue(path.version);
    // Both versions print as numbers when the requested one is below 2.1 (server-api.md §1.7).
    const actual = typeof requested === "number" ? Number(impl[0]) : impl[0];
    const route: Route = {
      name: path.name,
      version,
      requested,
      actual,
      authorize: ep.authorize,
      handler: impl[1],
      okTail: metaTail({ name: path.name, requested, actual, code: 200, subcode: 0, msg: "OK" }),
    };
    if (routes.size < MAX_ROUTES) routes.set(pathname, route);
    return route;
  };

  function answer(input: CallInput): BridgeReply | Promise<BridgeReply> {
    if (input.method === "OPTIONS") {
      return { status: 200, headers: { server: "clearml" }, body: "" };
    }
    const encoding = input.header("content-encoding");
    if (encoding) {
      return {
        status: 415,
        headers: { "content-type": "text/plain", server: "clearml" },
        body: `Content encoding is not supported (${encoding})`,
      };
    }
    const id = newCallId();
    const trx = input.header("x-clearml-trx") ?? input.header("x-trains-trx") ?? id;
    const full = input.url;
    const q = full.indexOf("?");
    const pathname = q < 0 ? full : full.slice(0, q);
    const route = routeOf(pathname);
    /** The envelope of an error; the endpoint's versions once the path named one. */
    const fail = (e: CallError): BridgeReply => {
      const known = route instanceof CallError ? undefined : route;
      const path = known ? undefined : parseCallPath(pathname);
      return reply({
        id,
        trx,
        name: known?.name ?? path?.name ?? "",
        requested: known?.requested ?? (path ? versionValue(path.version) : 1.0),
        actual: known?.actual ?? null,
        code: e.code,
        subcode: e.subcode,
        msg: e.message,
      }, {});
    };
    if (route instanceof CallError) return fail(route);
    const caught = (e: unknown): BridgeReply => {
      if (e instanceof CallError) return fail(e);
      // Unexpected: a 500 envelope with the message only (no stack trace leaves the server).
      const msg = e instanceof Error ? e.message : String(e);
      log(`internal error in ${route.name}: ${msg}`);
      return fail(new CallError(500, 0, msg));
    };
    try {
      const t = now();
      const auth = route.authorize
        ? authenticator.authenticate(
          input.header("authorization") ?? null,
          input.header("cookie") ?? null,
          t,
        )
        : undefined;
      if (auth) checkImpersonation(input.header, auth.identity);
      const declared = Number(input.header("content-length") ?? "0");
      if (declared > maxBody) throw errors.tooLarge(maxBody);
      const raw = input.body;
      // characters ≤ bytes: only a long text needs its byte length counted
      const size = typeof raw !== "string"
        ? raw.byteLength
        : raw.length * 3 > maxBody
        ? Buffer.byteLength(raw)
        : 0;
      if (size > maxBody) throw errors.tooLarge(maxBody);
      const query = q < 0 || q === full.length - 1
        ? undefined
        : new URLSearchParams(full.slice(q + 1));
      const body = parseCallBody(input.header("content-type") ?? null, raw, query);
      const call: Call = {
        name: route.name,
        version: route.version,
        data: body.data,
        batch: body.batch,
        lines: body.lines,
        fields: new Fields(body.data),
        identity: auth?.identity ?? store.identity(),
        auth: auth && { type: auth.type, token: auth.token },
        store,
        authenticator,
        worker: input.header("x-clearml-worker") ?? input.header("x-trains-worker") ??
          "<unknown>",
        ip: remoteIp(input),
        now: t,
      };
      const out = route.handler(call);
      const accept = input.header("accept-encoding");
      const ok = (data: Obj | void): BridgeReply =>
        compressed({
          status: 200,
          headers: call.cookie
            ? { "content-type": JSON_TYPE, server: "clearml", "set-cookie": call.cookie }
            : { "content-type": JSON_TYPE, server: "clearml" },
          body: withTail(id, trx, route.okTail, data ?? {}),
        }, accept);
      // most handlers answer at once; add_batch waits for its group commit
      if (out instanceof Promise) return out.then(ok, caught);
      return ok(out);
    } catch (e) {
      return caught(e);
    }
  }

  async function handle(req: Request): Promise<Response> {
    const h = req.headers;
    // the path and query without a URL parse per call: `scheme://host/path?query`
    const full = req.url;
    const start = full.indexOf("/", full.indexOf("//") + 2);
    return toResponse(
      await answer({
        method: h.get(METHOD_HEADER) ?? req.method,
        url: start < 0 ? "/" : full.slice(start),
        header: (name) => h.get(name) ?? undefined,
        body: await req.text(),
        remote: h.get(REMOTE_HEADER) ?? "",
      }),
    );
  }

  const direct: DirectHandler = (req) => {
    if (req.url.startsWith(LOCAL_PREFIX)) return undefined;
    const headers = req.headers;
    return answer({
      method: req.method,
      url: req.url,
      header: (name) => {
        const v = headers[name];
        return Array.isArray(v) ? v.join(", ") : v;
      },
      body: req.body ?? "",
      remote: req.remote,
    });
  };

  const app = new Hono();
  localRoutes(app, store, authenticator, opts.local ?? {}, now);
  app.all("*", (c) => handle(c.req.raw));
  app.onError((err) => {
    log(`internal error: ${err.message}`);
    return new Response(
      JSON.stringify({ error: "internal server error" }),
      { status: 500, headers: { "content-type": JSON_TYPE, server: "clearml" } },
    );
  });
  return Object.assign(app, { direct });
}
