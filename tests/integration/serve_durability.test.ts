/**
 * `kill -9` of `clearml serve` while clients create and enqueue tasks: after a restart on the same
 * data directory, every task whose creation or enqueueing was acknowledged is there, and every
 * acknowledged enqueue is still in its queue (one SQLite transaction per change, WAL, FULL sync).
 */
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { keyedArgs, RawApi, startServe } from "../server/_serve_process.ts";

const KEY = "DURABILITYKEY0123456789ABCDEFG";
const SECRET = "durabilitySecret0123456789abcdefghijklmnopqrstuvwx";

describe("clearml serve killed with SIGKILL", () => {
  it("keeps every acknowledged task and queue entry", { timeout: 180_000 }, async () => {
    const dir = mkdtempSync(join(tmpdir(), "clearml-serve-kill-"));
    const args = keyedArgs(join(dir, "data"), KEY, SECRET);
    try {
      const first = await startServe(args);
      const api = new RawApi(first.url);
      await api.login(KEY, SECRET);
      const queue = (await api.call("queues.get_default")).id as string;
      const created: string[] = [];
      const enqueued: string[] = [];
      let running = true;
      const client = async (n: number) => {
        for (let i = 0; running; i++) {
          try {
            const id =
              (await api.call("tasks.create", { name: `kill-${n}-${i}`, type: "training" })).id;
            created.push(id);
            await api.call("tasks.enqueue", { task: id, queue });
            enqueued.push(id);
          } catch {
            return; // the server is gone
          }
        }
      };
      const clients = Array.from({ length: 4 }, (_, n) => client(n));
      // kill once enough changes were acknowledged, in the middle of the stream
      while (enqueued.length < 150) await new Promise((r) => setTimeout(r, 20));
      process.kill(first.child.pid!, "SIGKILL");
      await first.exited;
      running = false;
      await Promise.all(clients);
      assert.ok(created.length >= 150 && created.length < 500, `${created.length} created`);

      const second = await startServe(args);
      try {
        const again = new RawApi(second.url);
        await again.login(KEY, SECRET);
        const tasks = (await again.call("tasks.get_all", {
          id: created,
          only_fields: ["id", "status"],
          page_size: 500,
        })).tasks as { id: string; status: string }[];
        const found = new Map(tasks.map((t) => [t.id, t.status]));
        const lost = created.filter((id) => !found.has(id));
        assert.deepEqual(lost, [], "acknowledged creations lost");
        for (const id of enqueued) assert.equal(found.get(id), "queued", `task ${id}`);
        const entries = (await again.call("queues.get_by_id", { queue })).queue.entries as {
          task: string;
        }[];
        const inQueue = new Set(entries.map((e) => e.task));
        const missing = enqueued.filter((id) => !inQueue.has(id));
        assert.deepEqual(missing, [], "acknowledged enqueues missing from the queue");
      } finally {
        process.kill(second.child.pid!, "SIGTERM");
        await second.exited;
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
