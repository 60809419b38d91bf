/**
 * `createWebApp(store, opts)`: the web page of `clearml serve` as a pure Hono app, rendered on the
 * server with Hono's JSX (no client build, nothing fetched from elsewhere). Pages need a login with
 * the server's key pair (a random session id in an HttpOnly, SameSite=Strict cookie; sessions live
 * on the server), unless `open` is set, which only a loopback bind may do. Every response carries a
 * Content-Security-Policy that allows the one inline script by nonce.
 */
import { Hono } from "hono";
import type { Context } from "hono";
import type { Obj } from "../call_body.ts";
import { Authenticator, cookieToken, TOKEN_COOKIE } from "../authenticate.ts";
import { METHOD_HEADER, REMOTE_HEADER } from "../bridge.ts";
import { plotEvents, scalarSeries, singleValues } from "../scalars_store.ts";
import { allQueues, queueEntries } from "../queues_store.ts";
import type { Store } from "../store.ts";
import { allTasks, loadTask, loadTasks } from "../tasks_store.ts";
import { listWorkers } from "../workers_store.ts";
import type { ScalarSeries } from "./chart_geometry.ts";
import { consoleSince } from "./console_log.ts";
import { DoctorPage } from "./doctor_page.tsx";
import { LoginPage } from "./login_page.tsx";
import { projectList, projectName, subprojects } from "./project_list.ts";
import { ProjectsPage } from "./projects_page.tsx";
import { QueuesPage } from "./queues_page.tsx";
import { cookieValue, SESSION_COOKIE, SESSION_SECONDS, WebSessions } from "./sessions.ts";
import { TaskPage } from "./task_page.tsx";
import { LIVE_STATUSES, taskPageData, type TaskSources } from "./task_page_data.ts";
import { taskRow } from "./task_row.ts";
import { TasksPage } from "./tasks_page.tsx";
import { WorkersPage } from "./workers_page.tsx";
import { NotFoundPage } from "./not_found_page.tsx";

export interface WebAppOptions {
  /** The address the page is bound to; `open` is refused unless it is a loopback address. */
  host?: string;
  /** No login (`--open-web`): only on a loopback bind, and only for loopback peers. */
  open?: boolean;
  now?: () => number;
  /** The doctor report of this machine (schema clearml.doctor/v1). */
  doctor?: () => Promise<unknown>;
  /** A task's scalars (default: the store's `scalarSeries`). */
  scalarSeries?: (store: Store, taskId: string) => ScalarSeries[];
  /** A task's latest plots (default: the store's `plotEvents`). */
  plotEvents?: (store: Store, taskId: string) => readonly Obj[];
  /** This server's files server URL: its artifact links ask for an attachment. */
  filesUrl?: () => string;
  /** How often a following console asks for new lines. */
  pollMs?: number;
  log?: (line: string) => void;
}

/** Tasks listed per page (the newest). */
export const MAX_TASK_ROWS = 500;
/** Lines per console poll. */
const CONSOLE_BATCH = 1000;

/** An address that only this machine can reach: what `open` may be bound to. */
export function isLoopbackAddress(host: string): boolean {
  const h = host.toLowerCase().replace(/^\[|\]$/g, "");
  return h === "localhost" || h === "::1" || /^(::ffff:)?127\.\d+\.\d+\.\d+$/.test(h);
}

/** The host of an `Origin` header; an unreadable one matches no host. */
function originHost(origin: string): string | undefined {
  try {
    return new URL(origin).host;
  } catch {
    return undefined;
  }
}

/** Only same-site relative paths: `next=//evil.example` must not leave the site. */
function safeNext(v: unknown): string {
  return typeof v === "string" && /^\/(?![/\\])[^\s]*$/.test(v) ? v : "/projects";
}

function nonce(): string {
  return Buffer.from(crypto.getRandomValues(new Uint8Array(16))).toString("base64");
}

function securityHeaders(res: Response, scriptNonce: string): void {
  const h = res.headers;
  h.set(
    "content-security-policy",
    `default-src 'none'; script-src 'nonce-${scriptNonce}'; style-src 'unsafe-inline'; ` +
      "img-src 'self' data:; connect-src 'self'; form-action 'self'; frame-ancestors 'none'; " +
      "base-uri 'none'",
  );
  h.set("x-content-type-options", "nosniff");
  h.set("referrer-policy", "no-referrer");
  h.set("x-frame-options", "DENY");
  h.set("cache-control", "no-store");
}

/** The `node:http` bridge sends every request as POST with the real method in a header. */
async function restoreMethod(req: Request): Promise<Request> {
  const method = req.headers.get(METHOD_HEADER);
  if (!method || method === req.method) return req;
  const body = method === "GET" || method === "HEAD" ? undefined : await req.arrayBuffer();
  return new Request(req.url, { method, headers: req.headers, body });
}

type Env = { Variables: { nonce: string } };

export function createWebApp(store: Store, opts: WebAppOptions = {}): Hono {
  if (opts.open && !isLoopbackAddress(opts.host ?? "")) {
    throw new Error(
      `an open web page (no login) needs a loopback address, not ${opts.host ?? "(none)"}`,
    );
  }
  const now = opts.now ?? Date.now;
  const log = opts.log ?? (() => {});
  const pollMs = opts.pollMs ?? 1000;
  const sessions = new WebSessions(now);
  const authenticator = new Authenticator(store);
  const sources: TaskSources = {
    scalarSeries: opts.scalarSeries ?? scalarSeries,
    plotEvents: opts.plotEvents ?? plotEvents,
    singleValues,
  };
  // The files server (another port of the same host, so the same site for cookies) takes the
  // API's token from the `clearml_token_basic` cookie, as the real web app's file links do.
  const tokenCookie = () =>
    `${TOKEN_COOKIE}=${
      authenticator.issueToken(store.identity(), SESSION_SECONDS, now())
    }; Path=/; HttpOnly; SameSite=Strict; Max-Age=${SESSION_SECONDS}`;
  const clearTokenCookie = `${TOKEN_COOKIE}=; Path=/; HttpOnly; SameSite=Strict; Max-Age=0`;
  const queueNames = () => new Map(allQueues(store).map((q) => [q.id, q.name]));

  const web = new Hono<Env>();

  web.use("*", async (c, next) => {
    const n = nonce();
    c.set("nonce", n);
    await next();
    securityHeaders(c.res, n);
  });

  const wantsJson = (c: Context<Env>) => new URL(c.req.url).pathname.endsWith("/console");

  // the gate: everything but the login form needs a session (or an open, loopback-only page)
  web.use("*", async (c, next) => {
    const path = new URL(c.req.url).pathname;
    if (path === "/login") return await next();
    if (opts.open) {
      const peer = c.req.header(REMOTE_HEADER);
      if (peer !== undefined && peer !== "" && !isLoopbackAddress(peer)) {
        return c.text("This page is open to this machine only.", 403);
      }
      await next();
      if (!cookieToken(c.req.header("cookie") ?? null)) {
        c.res.headers.append("set-cookie", tokenCookie());
      }
      return;
    }
    const id = cookieValue(c.req.header("cookie") ?? null, SESSION_COOKIE);
    if (sessions.find(id)) return await next();
    if (wantsJson(c)) return c.json({ error: "not logged in" }, 401);
    if (id === undefined) {
      return c.redirect(`/login?next=${encodeURIComponent(path)}`, 302);
    }
    // a cookie we did not issue (or one that expired): say so, and drop it
    c.header("set-cookie", WebSessions.clearCookie());
    return c.html(
      LoginPage({
        message: "Your session is not valid (expired or unknown). Log in again.",
        next: safeNext(path),
      }),
      401,
    );
  });

  web.get("/login", (c) => {
    if (opts.open) return c.redirect("/projects", 302);
    return c.html(LoginPage({ next: safeNext(c.req.query("next")) }));
  });

  web.post("/login", async (c) => {
    if (opts.open) return c.redirect("/projects", 303);
    // a login posted from another site is refused (login CSRF)
    const origin = c.req.header("origin");
    if (origin && origin !== "null" && originHost(origin) !== new URL(c.req.url).host) {
      return c.text("Cross-site login refused.", 403);
    }
    let form: Record<string, unknown>;
    try {
      form = await c.req.parseBody();
    } catch {
      return c.html(
        LoginPage({
          message: "The login form could not be read; send it again.",
          next: "/projects",
        }),
        400,
      );
    }
    const key = typeof form.access_key === "string" ? form.access_key.trim() : "";
    const secret = typeof form.secret_key === "string" ? form.secret_key.trim() : "";
    const next = safeNext(form.next);
    if (!key || !secret || !store.checkCredentials(key, secret)) {
      log("web: a login with a wrong key pair was refused");
      return c.html(
        LoginPage({ message: "The access key or the secret key is wrong.", next }),
        401,
      );
    }
    c.header("set-cookie", WebSessions.cookie(sessions.open(key)));
    c.header("set-cookie", tokenCookie(), { append: true });
    return c.redirect(next, 303);
  });

  web.post("/logout", (c) => {
    sessions.close(cookieValue(c.req.header("cookie") ?? null, SESSION_COOKIE));
    c.header("set-cookie", WebSessions.clearCookie());
    c.header("set-cookie", clearTokenCookie, { append: true });
    return c.redirect(opts.open ? "/projects" : "/login", 303);
  });

  web.get("/", (c) => c.redirect("/projects", 302));

  web.get("/projects", (c) => {
    const tasks = allTasks(store);
    const projects = projectList(store, tasks);
    const known = new Set(projects.map((p) => p.id));
    const unassigned = tasks.filter((t) => typeof t.project !== "string" || !known.has(t.project))
      .length;
    return c.html(ProjectsPage({ projects, unassigned }));
  });

  web.get("/projects/:id", (c) => {
    const id = c.req.param("id");
    const name = projectName(store, id);
    if (name === undefined) return notFound(c, `No project with id ${id}.`);
    const q = queueNames();
    const t = now();
    const tasks = allTasks(store);
    const docs = tasks.filter((d) => d.project === id).reverse();
    const rows = docs.slice(0, MAX_TASK_ROWS).map((d) => taskRow(d, q, t));
    const subs = subprojects(projectList(store, tasks), name);
    return c.html(TasksPage({ title: name, rows, total: docs.length, subprojects: subs }));
  });

  web.get("/tasks", (c) => {
    const q = queueNames();
    const t = now();
    const docs = allTasks(store).reverse();
    const rows = docs.slice(0, MAX_TASK_ROWS).map((d) => taskRow(d, q, t));
    const projects = new Map(projectList(store, []).map((p) => [p.id, p.name]));
    return c.html(TasksPage({ title: "All tasks", rows, projects, total: docs.length }));
  });

  web.get("/tasks/:id", (c) => {
    const id = c.req.param("id");
    const data = taskPageData(store, id, sources, queueNames(), {
      now: now(),
      nonce: c.get("nonce"),
      pollMs,
      filesUrl: opts.filesUrl?.() ?? "",
    });
    if (!data) return notFound(c, `No task with id ${id}.`);
    return c.html(TaskPage(data));
  });

  // the real web app's task URLs, which the SDK prints ("ClearML results page: …")
  const experiment = (c: Context<Env>) =>
    c.redirect(`/tasks/${encodeURIComponent(c.req.param("task") ?? "")}`, 302);
  web.get("/projects/:project/experiments/:task", experiment);
  web.get("/projects/:project/experiments/:task/*", experiment);

  web.get("/tasks/:id/console", (c) => {
    const id = c.req.param("id");
    const doc = loadTask(store, id);
    if (!doc) return c.json({ error: `no task with id ${id}` }, 404);
    const afterText = c.req.query("after") ?? "0";
    if (!/^\d{1,15}$/.test(afterText)) {
      return c.json({ error: "after: expected a non-negative integer" }, 400);
    }
    const page = consoleSince(store, id, Number(afterText), CONSOLE_BATCH);
    const status = String(doc.status ?? "");
    return c.json({
      lines: page.lines,
      after: page.after,
      more: page.lines.length === CONSOLE_BATCH,
      status,
      follow: LIVE_STATUSES.has(status) || page.lines.length === CONSOLE_BATCH,
    });
  });

  web.get("/queues", (c) => {
    const queues = allQueues(store).map((q) => {
      const entries = queueEntries(store, q.id);
      const docs = new Map(loadTasks(store, entries.map((e) => e.task)).map((t) => [t.id, t]));
      return {
        id: q.id,
        name: q.name,
        entries: entries.map((e) => {
          const t = docs.get(e.task);
          return {
            task: e.task,
            name: String(t?.name ?? ""),
            status: String(t?.status ?? ""),
            added: e.added,
          };
        }),
      };
    });
    return c.html(QueuesPage({ queues }));
  });

  web.get("/workers", (c) => {
    const workers = listWorkers(store, 0, now()).map((w) => {
      const task = w.task as { id: string; name: string; running_time?: number } | undefined;
      const queues = (w.queues as { id: string; name?: string }[] | undefined) ?? [];
      return {
        id: String(w.id),
        ip: String(w.ip ?? ""),
        queues: queues.map((q) => q.name ?? q.id),
        task: task && { id: task.id, name: String(task.name), runningMs: task.running_time },
        lastActivity: String(w.last_activity_time ?? ""),
      };
    });
    return c.html(WorkersPage({ workers }));
  });

  web.get("/doctor", async (c) => {
    if (!opts.doctor) return c.html(DoctorPage({ error: "No doctor report on this server." }));
    try {
      return c.html(DoctorPage({ report: await opts.doctor() }));
    } catch (e) {
      log(`web: doctor failed: ${e instanceof Error ? e.message : String(e)}`);
      return c.html(DoctorPage({ error: "The doctor report could not be made." }), 500);
    }
  });

  function notFound(c: Context<Env>, message: string) {
    return c.html(NotFoundPage({ message }), 404);
  }

  web.notFound((c) => notFound(c, `Nothing at ${new URL(c.req.url).pathname}.`));
  web.onError((err, c) => {
    log(`web: internal error: ${err.message}`);
    return c.text("Internal error.", 500);
  });

  const app = new Hono();
  app.all("*", async (c) => web.fetch(await restoreMethod(c.req.raw)));
  return app;
}
