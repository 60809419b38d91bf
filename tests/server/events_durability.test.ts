/**
 * `kill -9` of `clearml serve` while four clients send `events.add_batch` batches — two of log
 * lines, scalars and plots, two of log lines only (stored as sent, without a parse): after a
 * restart on the same data directory every event of every acknowledged batch is there, and every
 * batch is there whole or not at all.
 */
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { keyedArgs, RawApi, rawCall, startServe } from "./_serve_process.ts";

const KEY = "EVDURABLEKEY0123456789ABCDEFGH";
const SECRET = "evDurableSecret0123456789abcdefghijklmnopqrstuvwxy";
const PER = 50;

/** Clients 2 and 3 send log lines only. */
const logsOnly = (client: number) => client >= 2;

/** How many events a batch of the client holds. */
const size = (client: number) => logsOnly(client) ? PER : 2 * PER + 1;

function batch(task: string, client: number, i: number): string {
  const lines: unknown[] = [];
  for (let j = 0; j < PER; j++) {
    const n = i * PER + j;
    lines.push({
      type: "log",
      task,
      msg: `c${client}-b${i}-l${j}`,
      timestamp: 1_700_000_000_000 + client * 10_000_000 + n,
    });
    if (logsOnly(client)) continue;
    lines.push({
      type: "training_stats_scalar",
      task,
      metric: "durable",
      variant: `c${client}`,
      iter: n,
      value: n,
    });
  }
  if (!logsOnly(client)) {
    lines.push({ type: "plot", task, metric: `c${client}`, variant: "p", iter: i, plot_str: "{}" });
  }
  return lines.map((l) => JSON.stringify(l)).join("\n");
}

describe("events when clearml serve is killed with SIGKILL", () => {
  it("keeps every acknowledged batch, and no batch in part", { timeout: 180_000 }, async () => {
    const dir = mkdtempSync(join(tmpdir(), "clearml-events-kill-"));
    const args = keyedArgs(join(dir, "data"), KEY, SECRET);
    try {
      const first = await startServe(args);
      const api = new RawApi(first.url);
      await api.login(KEY, SECRET);
      const task = (await api.call("tasks.create", { name: "durable", type: "training" })).id;
      const acked: [number, number][] = [];
      const sent: [number, number][] = [];
      let running = true;
      const client = async (c: number) => {
        for (let i = 0; running; i++) {
          sent.push([c, i]);
          try {
            const r = await rawCall(`${first.url}/events.add_batch`, {
              method: "POST",
              body: batch(task, c, i),
              headers: {
                authorization: `Bearer ${api.token}`,
                "content-type": "application/json-lines",
              },
            });
            if (r.status !== 200) throw new Error(r.text);
            acked.push([c, i]);
          } catch {
            return; // the server is gone
          }
        }
      };
      const clients = [0, 1, 2, 3].map(client);
      while (acked.length < 60) await new Promise((r) => setTimeout(r, 10));
      process.kill(first.child.pid!, "SIGKILL");
      await first.exited;
      running = false;
      await Promise.all(clients);

      const second = await startServe(args);
      try {
        const again = new RawApi(second.url);
        await again.login(KEY, SECRET);
        const logs = new Set<string>();
        let from: number | undefined;
        for (;;) {
          const d = await again.call("events.get_task_log", {
            task,
            navigate_earlier: false,
            batch_size: 5000,
            from_timestamp: from,
          });
          if (!d.returned) break;
          for (const e of d.events) logs.add(e.msg);
          from = d.events.at(-1).timestamp;
        }
        const hist = await again.call("events.scalar_metrics_iter_histogram", {
          task,
          samples: 6000,
        });
        const iters = new Map<string, Set<number>>(
          Object.entries(hist.durable ?? {}).map((
            [v, s],
          ) => [v, new Set((s as { x: number[] }).x)]),
        );
        const plots = (await again.call("events.get_task_plots", { task, iters: 10_000 }))
          .plots as { metric: string; iter: number }[];
        const plotSet = new Set(plots.map((p) => `${p.metric}/${p.iter}`));

        const present = ([c, i]: [number, number]) => {
          let n = 0;
          for (let j = 0; j < PER; j++) {
            if (logs.has(`c${c}-b${i}-l${j}`)) n++;
            if (iters.get(`c${c}`)?.has(i * PER + j)) n++;
          }
          if (plotSet.has(`c${c}/${i}`)) n++;
          return n;
        };
        for (const b of acked) assert.equal(present(b), size(b[0]), `acknowledged batch ${b}`);
        for (const b of sent) {
          assert.ok([0, size(b[0])].includes(present(b)), `batch ${b} stored in part`);
        }
        assert.ok(acked.some(([c]) => logsOnly(c)), "log-only batches were acknowledged");
        const t = (await again.call("tasks.get_by_id", { task })).task;
        const maxAcked = Math.max(
          ...acked.filter(([c]) => !logsOnly(c)).map(([, i]) => i * PER + PER - 1),
        );
        assert.ok(t.last_iteration >= maxAcked, `last_iteration ${t.last_iteration}`);
      } finally {
        process.kill(second.child.pid!, "SIGTERM");
        await second.exited;
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
