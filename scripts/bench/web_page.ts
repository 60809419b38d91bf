/**
 * The task page of `clearml serve`'s web page with 100,000 scalar points (issue 10: renders in
 * ≤ 200 ms), timed through `createWebApp` (no socket) on a store in a temp folder (WAL, FULL), with
 * two baselines from the same run:
 *   - the same page of a task with no scalars (what every task page costs),
 *   - `scalarSeries()` alone for the big task (the store read the page cannot avoid).
 * The points are 4 series × 25,000 iterations, reported through `addEvents` as `events.add_batch`
 * stores them; the task also has 1,000 console lines. Prints medians, the target and the ratios.
 * Run: bun scripts/bench/web_page.ts [--runs N]   (or deno run -A scripts/bench/web_page.ts)
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parseArgs } from "node:util";
import { addEvents } from "../../src/server/events_store.ts";
import { scalarSeries } from "../../src/server/scalars_store.ts";
import { Store } from "../../src/server/store.ts";
import { changeStatus, createTask } from "../../src/server/tasks_store.ts";
import { createWebApp } from "../../src/server/web/app.ts";
import { fmtMs, median } from "./_stats.ts";

const { values } = parseArgs({ options: { runs: { type: "string", default: "21" } } });
const runs = Number(values.runs);
const POINTS = 100_000;
const SERIES = 4;
const TARGET_MS = 200;
const KEY = "BENCHWEBKEY0123456789ABCDEFGHI";
const SECRET = "benchWebSecret0123456789abcdefghijklmnopqrstuvwxyz";

const dir = mkdtempSync(join(tmpdir(), "clearml-bench-web-"));
const store = Store.open(dir);
try {
  store.setCredentials({ accessKey: KEY, secretKey: SECRET });
  const ident = store.identity();
  const big = createTask(store, ident, { name: "big run", type: "training" });
  const small = createTask(store, ident, { name: "small run", type: "training" });
  for (const id of [big, small]) {
    changeStatus(store, ident, id, "in_progress", { reason: "", message: "", force: true });
  }
  const t0 = performance.now();
  const perSeries = POINTS / SERIES;
  const batch: Record<string, unknown>[] = [];
  for (let iter = 0; iter < perSeries; iter++) {
    for (let s = 0; s < SERIES; s++) {
      batch.push({
        type: "training_stats_scalar",
        task: big,
        metric: s < 2 ? "loss" : "accuracy",
        variant: `series ${s}`,
        iter,
        value: Math.sin(iter / 300 + s) + s,
      });
    }
    if (batch.length >= 10_000) addEvents(store, batch.splice(0), "bench");
  }
  if (batch.length) addEvents(store, batch.splice(0), "bench");
  for (const id of [big, small]) {
    addEvents(
      store,
      Array.from({ length: 1000 }, (_, i) => ({ type: "log", task: id, msg: `line ${i}` })),
      "bench",
    );
  }
  const loadMs = performance.now() - t0;
  const stored = scalarSeries(store, big).reduce((n, s) => n + s.points.length, 0);
  if (stored !== POINTS) throw new Error(`expected ${POINTS} stored points, found ${stored}`);

  const web = createWebApp(store);
  const login = await web.request("/login", {
    method: "POST",
    headers: { "content-type": "application/x-www-form-urlencoded" },
    body: new URLSearchParams({ access_key: KEY, secret_key: SECRET }),
  });
  const cookie = login.headers.getSetCookie().map((c) => c.split(";")[0]).join("; ");

  const timePage = async (id: string): Promise<{ ms: number; bytes: number }> => {
    const start = performance.now();
    const r = await web.request(`/tasks/${id}`, { headers: { cookie } });
    const text = await r.text();
    const ms = performance.now() - start;
    if (r.status !== 200) throw new Error(`/tasks/${id}: HTTP ${r.status}`);
    return { ms, bytes: Buffer.byteLength(text) };
  };
  // interleaved, so that the load of a shared machine weighs on the three alike
  const bigPage = { ms: [] as number[], bytes: 0 };
  const smallPage = { ms: [] as number[], bytes: 0 };
  const read: number[] = [];
  for (let i = 0; i < runs + 3; i++) {
    const p1 = await timePage(big);
    const start = performance.now();
    scalarSeries(store, big);
    const readMs = performance.now() - start;
    const p2 = await timePage(small);
    bigPage.bytes = p1.bytes;
    smallPage.bytes = p2.bytes;
    if (i < 3) continue; // the first three warm up the JIT and SQLite's cache
    bigPage.ms.push(p1.ms);
    read.push(readMs);
    smallPage.ms.push(p2.ms);
  }
  const b = median(bigPage.ms);
  const s = median(smallPage.ms);
  const r = median(read);
  const runtime = typeof (globalThis as { Deno?: unknown }).Deno !== "undefined" ? "deno" : "bun";
  console.log(
    `web task page, ${runtime}, ${runs} runs each (medians; store loaded in ${fmtMs(loadMs)})`,
  );
  console.log(
    `  task page, ${POINTS.toLocaleString("en")} scalar points in ${SERIES} series: ${fmtMs(b)}` +
      ` (max ${fmtMs(Math.max(...bigPage.ms))}, ${(bigPage.bytes / 1024).toFixed(0)} KiB)` +
      `  target ≤ ${TARGET_MS} ms: ${b <= TARGET_MS ? "met" : "NOT met"}`,
  );
  console.log(
    `  baseline, task page without scalars: ${fmtMs(s)} (${
      (smallPage.bytes / 1024).toFixed(0)
    } KiB)` +
      `  → the points add ${fmtMs(b - s)}, ${(b / s).toFixed(1)}× the baseline`,
  );
  console.log(
    `  baseline, scalarSeries() alone: ${fmtMs(r)}  → the page is ${
      (b / r).toFixed(2)
    }× the read;` +
      ` drawing and the rest ${fmtMs(b - r)}`,
  );
} finally {
  store.close();
  rmSync(dir, { recursive: true, force: true });
}
