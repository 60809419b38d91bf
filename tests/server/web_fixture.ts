/**
 * A store with tasks made through the API app (`createApp`), the web app on the same store, and a
 * logged-in web session: what the web page tests share.
 */
import type { Hono } from "hono";
import { call, KEY, SECRET, type TestServer, testServer } from "./_client.ts";
import { createWebApp, type WebAppOptions } from "../../src/server/web/app.ts";

export { KEY, SECRET };

export interface WebFixture extends TestServer {
  web: Hono;
  /** One API call with the fixture's token; returns `data` (throws on a non-200 envelope). */
  // deno-lint-ignore no-explicit-any
  api(endpoint: string, body?: unknown): Promise<any>;
  /** `events.add_batch` as json-lines, as the SDK sends it. */
  events(events: Record<string, unknown>[]): Promise<void>;
}

export async function webFixture(opts: WebAppOptions = {}): Promise<WebFixture> {
  const s = await testServer();
  const web = createWebApp(s.store, { now: () => s.clock.now, ...opts });
  return {
    ...s,
    web,
    async api(endpoint, body = {}) {
      const r = await call(s.app, `/${endpoint}`, { token: s.token, body });
      if (r.status !== 200) throw new Error(`${endpoint}: ${r.status} ${r.text}`);
      return r.json.data;
    },
    async events(events) {
      const r = await call(s.app, "/events.add_batch", {
        token: s.token,
        body: events.map((e) => JSON.stringify(e)).join("\n"),
        headers: { "content-type": "application/json-lines" },
      });
      if (r.status !== 200) throw new Error(`events.add_batch: ${r.status} ${r.text}`);
    },
  };
}

/** Log in through the form; returns the `Cookie` header value of the session. */
export async function login(web: Hono, key = KEY, secret = SECRET): Promise<string> {
  const r = await web.request("/login", {
    method: "POST",
    headers: { "content-type": "application/x-www-form-urlencoded" },
    body: new URLSearchParams({ access_key: key, secret_key: secret, next: "/projects" }),
  });
  const set = r.headers.get("set-cookie") ?? "";
  if (r.status !== 303 || !set) throw new Error(`login failed: ${r.status}`);
  return set.split(";")[0]!;
}

export async function page(
  web: Hono,
  path: string,
  cookie?: string,
): Promise<{ status: number; text: string; headers: Headers }> {
  const r = await web.request(path, { headers: cookie ? { cookie } : {} });
  return { status: r.status, text: await r.text(), headers: r.headers };
}

/** A task through the API: created in project `projectName`, optionally started. */
export async function apiTask(
  f: WebFixture,
  name: string,
  o: { project?: string; start?: boolean; type?: string } = {},
): Promise<string> {
  let project: string | undefined;
  if (o.project) {
    const found = await f.api("projects.get_all", { name: `^${o.project}$` });
    project = found.projects[0]?.id ?? (await f.api("projects.create", { name: o.project })).id;
  }
  const { id } = await f.api("tasks.create", {
    name,
    type: o.type ?? "training",
    ...(project ? { project } : {}),
  });
  if (o.start) await f.api("tasks.started", { task: id });
  return id;
}

export async function logLines(f: WebFixture, task: string, lines: string[]): Promise<void> {
  await f.events(
    lines.map((msg, i) => ({ type: "log", task, msg, level: "info", timestamp: f.clock.now + i })),
  );
}
