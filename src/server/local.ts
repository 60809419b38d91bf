/**
 * The local endpoints under `/v1/` (not ClearML API; no version in ClearML's path grammar can
 * reach them): health without credentials; resolved settings (secrets masked by the source),
 * the doctor report, registered workers and running tasks with the same credentials as the API.
 */
import type { Hono } from "hono";
import type { Obj } from "./call_body.ts";
import { CallError } from "./call_error.ts";
import type { Authenticator } from "./authenticate.ts";
import type { Store } from "./store.ts";
import { listWorkers } from "./workers_store.ts";
import { allTasks } from "./tasks_store.ts";
import { SERVER_VERSION } from "./version.ts";

export interface LocalSources {
  /** The resolved settings, secrets already masked. */
  settings?: () => unknown;
  /** A doctor report (schema clearml.doctor/v1). */
  doctor?: () => Promise<unknown>;
}

function json(body: unknown, status = 200): Response {
  return new Response(JSON.stringify(body), {
    status,
    headers: { "content-type": "application/json", server: "clearml" },
  });
}

export function localRoutes(
  app: Hono,
  store: Store,
  authenticator: Authenticator,
  sources: LocalSources,
  now: () => number,
): void {
  const guarded =
    (fn: () => unknown | Promise<unknown>) => async (c: { req: { raw: Request } }) => {
      const h = c.req.raw.headers;
      try {
        authenticator.authenticate(h.get("authorization"), h.get("cookie"), now());
      } catch (e) {
        if (e instanceof CallError) {
          return json({ error: e.message, result_code: e.code, result_subcode: e.subcode }, e.code);
        }
        throw e;
      }
      return json(await fn());
    };
  app.all("/v1/health", () => {
    store.stmt("SELECT 1").get();
    return json({
      schema: "clearml.serve-health/v1",
      status: "ok",
      server_version: SERVER_VERSION,
    });
  });
  app.all(
    "/v1/settings",
    guarded(() => ({
      schema: "clearml.serve-settings/v1",
      settings: sources.settings?.() ?? null,
    })),
  );
  app.all(
    "/v1/doctor",
    guarded(
      async () => (sources.doctor
        ? await sources.doctor()
        : { schema: "clearml.doctor/v1", checks: [] }),
    ),
  );
  app.all(
    "/v1/workers",
    guarded(() => ({ schema: "clearml.serve-workers/v1", workers: listWorkers(store, 0, now()) })),
  );
  app.all(
    "/v1/tasks",
    guarded(() => ({
      schema: "clearml.serve-tasks/v1",
      tasks: allTasks(store).filter((t) => t.status === "in_progress").map((t: Obj) => ({
        id: t.id,
        name: t.name,
        status: t.status,
        status_message: t.status_message,
        started: t.started,
        last_worker: t.last_worker,
        last_update: t.last_update,
      })),
    })),
  );
}
