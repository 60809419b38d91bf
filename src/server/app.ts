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
import { type Call, resolveHandler, type Routes } from "./endpoint.ts";
import { envelopeJson, type Meta } from "./envelope.ts";
import { Fields } from "./fields.ts";
import { newCallId } from "./ids.ts";
import { Authenticator } from "./authenticate.ts";
import { METHOD_HEADER, REMOTE_HEADER } from "./bridge.ts";
import type { Store } from "./store.ts";
import { parseVersion, versionValue } from "./version.ts";
import { authRoutes } from "./routes/auth.ts";
import { debugRoutes } from "./routes/debug.ts";
import { serverRoutes } from "./routes/server.ts";
import { queuesRoutes } from "./routes/queues.ts";
import { tasksRoutes } from "./routes/tasks.ts";
import { workersRoutes } from "./routes/workers.ts";
import { eventsRoutes } from "./routes/events.ts";
import { projectsRoutes } from "./routes/projects.ts";
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

const JSON_HEADERS = { "content-type": "application/json", server: "clearml" };

function respond(meta: Meta, data: Obj, cookie?: string): Response {
  const headers: Record<string, string> = { ...JSON_HEADERS };
  if (cookie) headers["set-cookie"] = cookie;
  return new Response(envelopeJson(meta, data), { status: meta.code, headers });
}

function remoteIp(h: Headers): string {
  const real = h.get("x-real-ip");
  if (real) return real;
  const fwd = h.get("x-forwarded-for");
  if (fwd) return fwd.split(",")[0]!.trim();
  return h.get(REMOTE_HEADER) ?? "";
}

/** The envelope of an error raised outside the app (the bridge's body limit and timeout). */
export function callErrorResponse(path: string, e: CallError): Response {
  const parsed = parseCallPath(path);
  const id = newCallId();
  return respond({
    id,
    trx: id,
    name: parsed?.name ?? "",
    requested: parsed ? versionValue(parsed.version) : 1.0,
    actual: null,
    code: e.code,
    subcode: e.subcode,
    msg: e.message,
  }, {});
}

export function createApp(store: Store, opts: AppOptions = {}): Hono {
  const now = opts.now ?? Date.now;
  const maxBody = opts.maxBodyBytes ?? DEFAULT_MAX_BODY_BYTES;
  const log = opts.log ?? (() => {});
  const authenticator = new Authenticator(store);

  async function handle(req: Request): Promise<Response> {
    const h = req.headers;
    const method = h.get(METHOD_HEADER) ?? req.method;
    if (method === "OPTIONS") {
      return new Response(null, { status: 200, headers: { server: "clearml" } });
    }
    const encoding = h.get("content-encoding");
    if (encoding) {
      return new Response(`Content encoding is not supported (${encoding})`, {
        status: 415,
        headers: { "content-type": "text/plain", server: "clearml" },
      });
    }
    const id = newCallId();
    const trx = h.get("x-clearml-trx") ?? h.get("x-trains-trx") ?? id;
    // the path without a URL parse per call: `scheme://host/path?query`
    const full = req.url;
    const start = full.indexOf("/", full.indexOf("//") + 2);
    const q = full.indexOf("?", start);
    const pathname = start < 0 ? "/" : full.slice(start, q < 0 ? undefined : q);
    const query = new URLSearchParams(q < 0 ? "" : full.slice(q + 1));
    const path = parseCallPath(pathname);
    const meta: Meta = {
      id,
      trx,
      name: "",
      requested: 1.0,
      actual: null,
      code: 200,
      subcode: 0,
      msg: "OK",
    };
    const fail = (e: CallError): Response =>
      respond({ ...meta, code: e.code, subcode: e.subcode, msg: e.message }, {});
    if (!path) return fail(errors.badRequest(`Invalid request path ${pathname}`));
    meta.name = path.name;
    meta.requested = versionValue(path.version);
    const version = parseVersion(path.version);
    const ep = ROUTES[path.name];
    const impl = ep && resolveHandler(ep, version);
    if (!ep || !impl) {
      log(`unknown endpoint ${path.name} (version ${path.version})`);
      return fail(
        new CallError(
          404,
          0,
          `Unable to find endpoint for name ${path.name} and version ${path.version}`,
        ),
      );
    }
    // Both versions print as numbers when the requested one is below 2.1 (server-api.md §1.7).
    meta.actual = typeof meta.requested === "number" ? Number(impl[0]) : impl[0];
    try {
      const t = now();
      const auth = ep.authorize
        ? authenticator.authenticate(h.get("authorization"), h.get("cookie"), t)
        : undefined;
      const declared = Number(h.get("content-length") ?? "0");
      if (declared > maxBody) throw errors.tooLarge(maxBody);
      const text = await req.text();
      // characters ≤ bytes: only a long text needs its byte length counted
      if (text.length * 3 > maxBody && Buffer.byteLength(text) > maxBody) {
        throw errors.tooLarge(maxBody);
      }
      const body = parseCallBody(h.get("content-type"), text, query);
      const call: Call = {
        name: path.name,
        version,
        data: body.data,
        batch: body.batch,
        fields: new Fields(body.data),
        identity: auth?.identity ?? store.identity(),
        auth: auth && { type: auth.type, token: auth.token },
        store,
        authenticator,
        worker: h.get("x-clearml-worker") ?? h.get("x-trains-worker") ?? "<unknown>",
        ip: remoteIp(h),
        now: t,
      };
      const out = impl[1](call);
      const data = (out instanceof Promise ? await out : out) ?? {};
      return respond(meta, data, call.cookie);
    } catch (e) {
      if (e instanceof CallError) return fail(e);
      // Unexpected: a 500 envelope with the message only (no stack trace leaves the server).
      const msg = e instanceof Error ? e.message : String(e);
      log(`internal error in ${path.name}: ${msg}`);
      return fail(new CallError(500, 0, msg));
    }
  }

  const app = new Hono();
  localRoutes(app, store, authenticator, opts.local ?? {}, now);
  app.all("*", (c) => handle(c.req.raw));
  app.onError((err) => {
    log(`internal error: ${err.message}`);
    return new Response(
      JSON.stringify({ error: "internal server error" }),
      { status: 500, headers: JSON_HEADERS },
    );
  });
  return app;
}
