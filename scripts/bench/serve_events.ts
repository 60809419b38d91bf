/**
 * Events through `clearml serve` under the runtime that runs this script, each figure beside a
 * baseline measured in the same run:
 *   - log lines by `events.add_batch` (1,000 per json-lines request, `wrk`, 16 connections),
 *     counted in the database afterwards              target ≥ 100,000 lines/s stored
 *     baseline: node:sqlite on the same disk, one durable commit (WAL, synchronous=FULL) per
 *     1,000 rows, one writer
 *   - 100,000 scalars of one task (100 requests of 1,000, 4 at a time), acknowledged = durable
 *                                                      target ≥ 50,000/s
 *   - `events.scalar_metrics_iter_histogram` (what `get_reported_scalars()` calls) over those
 *     100,000 points, median of 10 calls              target ≤ 300 ms
 *     baseline: node:sqlite reading the same 100,000 rows in this process
 *   - with --sdk: the real ClearML SDK (../shared/peers) reporting 100,000 scalars and reading
 *     them back with get_reported_scalars(), with its defaults and with its reporter as a thread
 *     baseline: the same script in the SDK's offline mode (no server at all)
 *   bun scripts/bench/serve_events.ts [--duration SECONDS] [--sdk]
 *   deno run -A scripts/bench/serve_events.ts [--duration SECONDS] [--sdk]
 */
import { spawnSync } from "node:child_process";
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { DatabaseSync } from "node:sqlite";
import {
  clientConf,
  keyedArgs,
  peer,
  RawApi,
  rawCall,
  startServe,
} from "../../tests/server/_serve_process.ts";
import { median } from "./_stats.ts";

const argv = process.argv.slice(2);
const opt = (name: string, dflt: string) => {
  const i = argv.indexOf(name);
  return i >= 0 && argv[i + 1] ? argv[i + 1]! : dflt;
};
const duration = Number(opt("--duration", "8"));
const withSdk = argv.includes("--sdk");
const runtime = typeof (globalThis as { Deno?: unknown }).Deno !== "undefined" ? "deno" : "bun";
const KEY = "BENCHKEY0123456789ABCDEFGHIJKL";
const SECRET = "benchSecret0123456789abcdefghijklmnopqrstuvwxyz0123";
const LINES = 1000;
const SCALARS = 100_000;

if (spawnSync("wrk", ["--version"]).error) {
  throw new Error("wrk is not installed (apt-get install wrk)");
}

const rows: string[][] = [["runtime", "case", "figure", "baseline", "ratio", "target", "ok"]];
const fmt = (n: number, d = 0) => (Number.isFinite(n) ? n.toFixed(d) : "n/a");

function logLine(task: string, i: number, ts: number): string {
  return JSON.stringify({
    type: "log",
    task,
    level: "DEBUG",
    worker: "bench:1",
    msg: `line ${i} of a benchmark batch: some console output\n`,
    timestamp: ts,
  });
}

/** Rows/s of one writer committing `LINES` rows per transaction (WAL, FULL) for `seconds`. */
function commitFloor(dir: string, seconds: number): number {
  const db = new DatabaseSync(join(dir, "floor.db"));
  db.exec("PRAGMA journal_mode=WAL");
  db.exec("PRAGMA synchronous=FULL");
  db.exec("CREATE TABLE t(seq INTEGER PRIMARY KEY, task TEXT, ts INTEGER, doc TEXT)");
  const ins = db.prepare("INSERT INTO t(task, ts, doc) VALUES (?, ?, ?)");
  const docs = Array.from({ length: LINES }, (_, i) => logLine("f".repeat(32), i, i));
  let n = 0;
  const t0 = performance.now();
  while (performance.now() - t0 < seconds * 1000) {
    db.exec("BEGIN IMMEDIATE");
    for (const d of docs) ins.run("f".repeat(32), n++, d);
    db.exec("COMMIT");
  }
  const rate = n / ((performance.now() - t0) / 1000);
  db.close();
  return rate;
}

/** wrk posting one fixed 1,000-line body (read once by Lua, so the load generator stays light). */
function wrkLogLoad(url: string, token: string, task: string): string {
  const body = join(dir, "lines.jsonl");
  writeFileSync(
    body,
    Array.from({ length: LINES }, (_, i) => logLine(task, i, 1736935262000 + i)).join("\n") + "\n",
  );
  const lua = [
    `local f = io.open(${JSON.stringify(body)}, "r")`,
    `wrk.body = f:read("*a")`,
    `f:close()`,
    `wrk.method = "POST"`,
    `wrk.path = "/events.add_batch"`,
    `wrk.headers["authorization"] = ${JSON.stringify(`Bearer ${token}`)}`,
    `wrk.headers["content-type"] = "application/json-lines"`,
    ``,
  ].join("\n");
  const file = join(dir, "lines.lua");
  writeFileSync(file, lua);
  const r = spawnSync("wrk", ["-t1", "-c16", `-d${duration}s`, "-s", file, url], {
    encoding: "utf8",
  });
  return r.stdout;
}

function scalarBody(task: string, from: number, n: number, series: number): string {
  const lines: string[] = [];
  for (let i = from; i < from + n; i++) {
    lines.push(JSON.stringify({
      type: "training_stats_scalar",
      task,
      metric: "loss",
      variant: `s${i % series}`,
      iter: Math.floor(i / series),
      value: Math.sin(i / 1000),
      timestamp: 1736935262000 + i,
    }));
  }
  return lines.join("\n");
}

async function sendScalars(url: string, token: string, task: string): Promise<number> {
  const bodies = Array.from(
    { length: SCALARS / LINES },
    (_, k) => scalarBody(task, k * LINES, LINES, 4),
  );
  let next = 0;
  const t0 = performance.now();
  const worker = async () => {
    while (next < bodies.length) {
      const body = bodies[next++]!;
      const r = await rawCall(`${url}/events.add_batch`, {
        method: "POST",
        body,
        headers: { authorization: `Bearer ${token}`, "content-type": "application/json-lines" },
      });
      if (r.status !== 200 || r.json.data.added !== LINES) throw new Error(r.text.slice(0, 300));
    }
  };
  await Promise.all([worker(), worker(), worker(), worker()]);
  return performance.now() - t0;
}

const dir = mkdtempSync(join(tmpdir(), "clearml-bench-events-"));
const data = join(dir, "data");
try {
  const floor = commitFloor(dir, 3);
  const serve = await startServe(keyedArgs(data, KEY, SECRET));
  const api = new RawApi(serve.url);
  await api.login(KEY, SECRET);
  const logTask = (await api.call("tasks.create", { name: "bench-log", type: "training" })).id;
  const out = wrkLogLoad(serve.url, api.token, logTask);
  const errors = /Non-2xx or 3xx responses: \d+|Socket errors: [^\n]+/.exec(out)?.[0];

  const scalarTask = (await api.call("tasks.create", { name: "bench-scalars", type: "training" }))
    .id;
  const scalarMs = await sendScalars(serve.url, api.token, scalarTask);
  const scalarRate = SCALARS / (scalarMs / 1000);

  const times: number[] = [];
  let points = 0;
  for (let i = 0; i < 10; i++) {
    const t0 = performance.now();
    const h = await api.call("events.scalar_metrics_iter_histogram", {
      task: scalarTask,
      key: "iter",
    });
    times.push(performance.now() - t0);
    points = Object.values(h.loss as Record<string, { x: number[] }>).reduce(
      (a, s) => a + s.x.length,
      0,
    );
  }
  const histMs = median(times);

  let sdkLines: string[][] = [];
  if (withSdk) sdkLines = sdkRun(serve.url);

  serve.child.kill("SIGTERM");
  await serve.exited;
  const db = new DatabaseSync(join(data, "clearml-serve.db"));
  const stored = Number(
    (db.prepare("SELECT coalesce(sum(n), 0) AS n FROM log_chunks").get() as { n: number }).n,
  );
  const scalarRows = Number(
    (db.prepare(
      `SELECT count(*) AS n FROM scalar_points p JOIN scalar_series s ON p.series = s.id
       WHERE s.task = ?`,
    ).get(scalarTask) as {
      n: number;
    }).n,
  );
  const t0 = performance.now();
  const raw = db.prepare(
    `SELECT p.iter, p.value FROM scalar_series s JOIN scalar_points p ON p.series = s.id
     WHERE s.task = ? ORDER BY s.metric, s.variant, p.iter`,
  ).all(scalarTask);
  const rawMs = performance.now() - t0;
  db.close();

  const lines = stored / duration;
  rows.push([
    runtime,
    `events.add_batch logs (${LINES} lines/req, wrk -c16 ${duration}s)`,
    `${fmt(lines)} lines/s stored${errors ? ` (${errors})` : ""}`,
    `${fmt(floor)} rows/s`,
    fmt(lines / floor, 2),
    "≥100000 lines/s",
    lines >= 100_000 ? "yes" : "NO",
  ]);
  rows.push([
    runtime,
    `${SCALARS} scalars, one task (${LINES}/req, 4 at a time)`,
    `${fmt(scalarRate)} scalars/s (${scalarRows} rows)`,
    `${fmt(floor)} rows/s`,
    fmt(scalarRate / floor, 2),
    "≥50000/s",
    scalarRate >= 50_000 && scalarRows === SCALARS ? "yes" : "NO",
  ]);
  rows.push([
    runtime,
    `scalar_metrics_iter_histogram of ${SCALARS} points (median of 10)`,
    `${fmt(histMs, 1)} ms (${points} points returned)`,
    `${fmt(rawMs, 1)} ms raw SELECT of ${raw.length} rows`,
    fmt(histMs / rawMs, 2),
    "≤300 ms",
    histMs <= 300 ? "yes" : "NO",
  ]);
  rows.push(...sdkLines);
} finally {
  rmSync(dir, { recursive: true, force: true });
}

/**
 * The real SDK: 100,000 `report_scalar` calls and a flush, then `get_reported_scalars()`; the
 * baseline is the same script in the SDK's offline mode (no server: what the SDK itself costs).
 * Once with the SDK's defaults (a forked reporter that flushes every 100 events), once with its
 * reporter as a thread (`sdk.development.report_use_subprocess: false`).
 */
function sdkRun(url: string): string[][] {
  const script = join(dir, "sdk_scalars.py");
  writeFileSync(
    script,
    [
      "import os, time",
      "from clearml import Task",
      'task = Task.init(project_name="bench", task_name="sdk-scalars",',
      "                 auto_connect_frameworks=False, auto_resource_monitoring=False)",
      "lg = task.get_logger()",
      "t0 = time.time()",
      `for i in range(${SCALARS}):`,
      '    lg.report_scalar("loss", "s%d" % (i % 4), value=i * 0.001, iteration=i // 4)',
      "lg.flush(wait=True)",
      "online = not os.environ.get('CLEARML_OFFLINE_MODE')",
      "# stored = counted by the server in the task's last_metrics",
      "while online:",
      "    task.reload()",
      `    if sum(v["count"] for m in task.data.last_metrics.values() for v in m.values()) >= ${SCALARS}:`,
      "        break",
      "    time.sleep(0.05)",
      "t1 = time.time()",
      "read, points = 0, 0",
      "if online:",
      "    t2 = time.time()",
      "    s = Task.get_task(task_id=task.id).get_reported_scalars()",
      "    read = time.time() - t2",
      '    points = sum(len(v["x"]) for v in s["loss"].values())',
      'print("SDK-FIGURES", t1 - t0, read, points)',
      "task.close()",
    ].join("\n"),
  );
  const run = (name: string, conf: string, offline: boolean) => {
    const home = join(dir, `home-${name}`);
    mkdirSync(home, { recursive: true });
    writeFileSync(join(home, "clearml.conf"), clientConf(url, KEY, SECRET, conf));
    const r = spawnSync(peer("clearml-sdk-python.sh"), [script], {
      cwd: dir,
      env: {
        PATH: process.env.PATH ?? "/usr/bin:/bin",
        HOME: home,
        TMPDIR: dir,
        ...(offline ? { CLEARML_OFFLINE_MODE: "1" } : {}),
      },
      encoding: "utf8",
      timeout: 900_000,
    });
    const m = /SDK-FIGURES (\S+) (\S+) (\d+)/.exec(r.stdout);
    if (!m) throw new Error(`the SDK script failed: ${(r.stderr || r.stdout).slice(-500)}`);
    return { rate: SCALARS / Number(m[1]), readMs: Number(m[2]) * 1000, points: Number(m[3]) };
  };
  const thread = "sdk { development { report_use_subprocess: false } }\n";
  return [["defaults", ""], ["reporter thread", thread]].map(([name, conf]) => {
    const online = run(`${name}-online`.replace(" ", "-"), conf!, false);
    const offline = run(`${name}-offline`.replace(" ", "-"), conf!, true);
    return [
      runtime,
      `SDK (${name}): ${SCALARS} report_scalar + flush; get_reported_scalars`,
      `${fmt(online.rate)} scalars/s; read ${fmt(online.readMs)} ms (${online.points} points)`,
      `${fmt(offline.rate)} scalars/s offline (no server)`,
      fmt(online.rate / offline.rate, 2),
      "≥50000/s",
      online.rate >= 50_000 ? "yes" : "NO",
    ];
  });
}

const widths = rows[0]!.map((_, i) => Math.max(...rows.map((r) => (r[i] ?? "").length)));
for (const r of rows) console.log(r.map((c, i) => c.padEnd(widths[i]!)).join("  ").trimEnd());
