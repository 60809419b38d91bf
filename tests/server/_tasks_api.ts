/** A fresh in-process server with short-hands for the task-side tests: call, call-or-fail, new task. */
import assert from "node:assert/strict";
import { call, testServer } from "./_client.ts";

export async function tasksApi() {
  const s = await testServer();
  const c = (endpoint: string, body: unknown = {}, version = "2.23") =>
    call(s.app, `/v${version}/${endpoint}`, { token: s.token, body });
  const ok = async (endpoint: string, body: unknown = {}) => {
    const r = await c(endpoint, body);
    assert.equal(r.status, 200, r.text);
    // deno-lint-ignore no-explicit-any
    return r.json.data as any;
  };
  /** A new task (extra fields for tasks.create), started when `status` says so. */
  const task = async (extra: object = {}, status?: "in_progress") => {
    const { id } = await ok("tasks.create", { name: "a task", type: "training", ...extra });
    if (status) await ok("tasks.started", { task: id });
    return id as string;
  };
  const get = async (id: string) => (await ok("tasks.get_by_id", { task: id })).task;
  return { s, c, ok, task, get };
}
