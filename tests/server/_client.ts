/** Calls into `createApp` as the `node:http` bridge does (no socket): POST + original method. */
import type { Hono } from "hono";
import { createApp } from "../../src/server/app.ts";
import { METHOD_HEADER } from "../../src/server/bridge.ts";
import { Store } from "../../src/server/store.ts";

export const KEY = "EGRTCO8JMSIGI6S39GTP43NFWXDQOW";
export const SECRET = "xJ2oVr7sNotARealSecretValue0123456789abcdefgh";

export interface Reply {
  status: number;
  headers: Headers;
  text: string;
  // deno-lint-ignore no-explicit-any
  json: any;
}

export interface CallInit {
  method?: string;
  /** A JSON value (serialized) or raw text. */
  body?: unknown;
  headers?: Record<string, string>;
  token?: string;
  basic?: string;
}

export async function call(app: Hono, path: string, init: CallInit = {}): Promise<Reply> {
  const headers: Record<string, string> = { ...init.headers };
  headers[METHOD_HEADER] = init.method ?? "GET";
  if (init.token) headers.authorization = `Bearer ${init.token}`;
  if (init.basic) headers.authorization = `Basic ${btoa(init.basic)}`;
  const body = init.body === undefined
    ? undefined
    : typeof init.body === "string"
    ? init.body
    : JSON.stringify(init.body);
  const r = await app.request(path, { method: "POST", headers, body });
  const text = await r.text();
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    json = undefined;
  }
  return { status: r.status, headers: r.headers, text, json };
}

export interface TestServer {
  store: Store;
  app: Hono;
  clock: { now: number };
  token: string;
}

/** A fresh in-memory store with known keys, an app on a settable clock, and a token. */
export async function testServer(): Promise<TestServer> {
  const store = Store.open(":memory:");
  store.setCredentials({ accessKey: KEY, secretKey: SECRET });
  const clock = { now: Date.parse("2025-01-15T10:00:00.123Z") };
  const app = createApp(store, { now: () => clock.now });
  const r = await call(app, "/auth.login", { basic: `${KEY}:${SECRET}` });
  return { store, app, clock, token: r.json.data.token };
}
