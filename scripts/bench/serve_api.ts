/**
 * `clearml serve` under load from `wrk` (Debian), on each runtime, against a bare `node:http`
 * floor served by the same runtime:
 *   - `debug.ping` (no token)                                  target ≥ 20,000 req/s, p99 ≤ 5 ms
 *   - `queues.get_next_task` on an empty queue, with a token, as POST and as GET with a JSON
 *     body (what clearml-agent sends)                          target ≥ 5,000 req/s, p99 ≤ 10 ms
 *   - `events.add_batch`, 1,000 log lines per json-lines request, each response sent after the
 *     commit (WAL, synchronous=FULL); lines counted in the database afterwards
 *                                                              target ≥ 100,000 lines/s
 *   bun scripts/bench/serve_api.ts [--runtime bun|deno|both] [--duration SECONDS] [--connections N]
 *     [--cases ping,next-post,next-get,events]   (default: all four)
 * Every figure is printed with its ratio to the floor measured right before it (the floor row
 * above it; for get_next_task the floor reads the same request, body and token included): on a
 * shared machine the absolute figures move with the load, the ratio much less.
 * The load average is printed with each floor row.
 */
import { spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { loadavg, tmpdir } from "node:os";
import { join } from "node:path";
import { DatabaseSync } from "node:sqlite";
import { ROOT } from "./_binaries.ts";
import { startServer, stopServer } from "./_server_process.ts";

const argv = process.argv.slice(2);
const opt = (name: string, dflt: string) => {
  const i = argv.indexOf(name);
  return i >= 0 && argv[i + 1] ? argv[i + 1]! : dflt;
};
const runtimes = opt("--runtime", "both") === "both" ? ["bun", "deno"] : [opt("--runtime", "bun")];
const duration = Number(opt("--duration", "8"));
const connections = Number(opt("--connections", "16"));
const KEY = "BENCHKEY0123456789ABCDEFGHIJKL";
const SECRET = "benchSecret0123456789abcdefghijklmnopqrstuvwxyz0123";
const LINES_PER_BATCH = 1000;
const CASES = new Set(opt("--cases", "ping,next-post,next-get,events").split(","));
for (const c of CASES) {
  if (!["ping", "next-post", "next-get", "events"].includes(c)) {
    throw new Error(`--cases ${c}: expected ping, next-post, next-get or events`);
  }
}

if (spawnSync("wrk", ["--version"]).error) {
  throw new Error("wrk is not installed (apt-get install wrk)");
}

interface WrkResult {
  rps: number;
  p50: number;
  p99: number;
  errors: string;
  /** The server's CPU time (user + system) per request, in µs: what the load on a shared
   * machine changes least. */
  cpuUs: number;
}

/** CPU time of a process so far, in clock ticks (Linux /proc; NaN elsewhere). */
function cpuTicks(pid: number | undefined): number {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
    const f = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
    return Number(f[11]) + Number(f[12]);
  } catch {
    return NaN;
  }
}

/** wrk's "--latency" figures; `lua` sets method, body and headers; `pid` is the server's. */
function wrk(url: string, pid: number | undefined, lua?: string, warm = true): WrkResult {
  const args = ["-t1", `-c${connections}`, `-d${duration}s`, "--latency"];
  let file: string | undefined;
  if (lua) {
    file = join(
      tmpdir(),
      `clearml-bench-${process.pid}-${Math.random().toString(36).slice(2)}.lua`,
    );
    writeFileSync(file, lua);
    args.push("-s", file);
  }
  // three seconds of the same load first: the figures are of a warm server, as a long-running
  // one is (`perf stat --per-thread` showed JSC's compiler threads busy for about the first three
  // seconds of load, taking CPU from the load generator and the server)
  if (warm) spawnSync("wrk", ["-t1", `-c${connections}`, "-d3s", ...args.slice(3), url]);
  const before = cpuTicks(pid);
  const r = spawnSync("wrk", [...args, url], { encoding: "utf8" });
  const ticks = cpuTicks(pid) - before;
  if (file) rmSync(file, { force: true });
  const out = r.stdout;
  const ms = (label: string) => {
    const m = new RegExp(`${label}\\s+([\\d.]+)(us|ms|s)`).exec(out);
    if (!m) return NaN;
    const v = Number(m[1]);
    return m[2] === "us" ? v / 1000 : m[2] === "s" ? v * 1000 : v;
  };
  const rps = Number(/Requests\/sec:\s+([\d.]+)/.exec(out)?.[1] ?? NaN);
  const errs = [/Non-2xx or 3xx responses: \d+/, /Socket errors: [^\n]+/].map((re) =>
    re.exec(out)?.[0]
  )
    .filter(Boolean).join("; ");
  const requests = Number(/(\d+) requests in/.exec(out)?.[1] ?? NaN);
  // clock ticks are 10 ms on Linux
  const cpuUs = (ticks * 10_000) / requests;
  return { rps, p50: ms("50%"), p99: ms("99%"), errors: errs, cpuUs };
}

function luaRequest(
  method: string,
  path: string,
  body: string,
  headers: Record<string, string>,
): string {
  const h = Object.entries(headers).map(([k, v]) =>
    `wrk.headers[${JSON.stringify(k)}] = ${JSON.stringify(v)}`
  );
  return [
    `wrk.method = ${JSON.stringify(method)}`,
    `wrk.path = ${JSON.stringify(path)}`,
    `wrk.body = ${JSON.stringify(body)}`,
    ...h,
    "",
  ].join("\n");
}

async function login(url: string): Promise<string> {
  const r = await fetch(`${url}/auth.login`, {
    method: "POST",
    headers: { authorization: `Basic ${btoa(`${KEY}:${SECRET}`)}` },
  });
  return ((await r.json()) as { data: { token: string } }).data.token;
}

async function api(url: string, token: string, ep: string, body: unknown) {
  const r = await fetch(`${url}/${ep}`, {
    method: "POST",
    headers: { authorization: `Bearer ${token}`, "content-type": "application/json" },
    body: JSON.stringify(body),
  });
  return ((await r.json()) as { data: Record<string, unknown> }).data;
}

const rows: string[][] = [[
  "runtime",
  "case",
  "req/s",
  "p50 ms",
  "p99 ms",
  "vs floor",
  "CPU µs/req",
  "target",
  "ok",
  "errors",
]];
const fmt = (n: number, d = 0) => (Number.isFinite(n) ? n.toFixed(d) : "n/a");

for (const runtime of runtimes) {
  const floorProc = await startServer(
    runtime,
    join(ROOT, "scripts", "bench", "_serve_floor.ts"),
    [],
  );
  // the floor is measured again right before each case: on a shared machine the load moves
  let floor: WrkResult;
  /** The floor with the same request as the case (`lua`), or a bodiless ping. */
  const measureFloor = (lua?: string) => {
    const load = loadavg().map((n) => n.toFixed(2)).join(" ");
    floor = lua
      ? wrk(floorProc.url, floorProc.child.pid, lua)
      : wrk(`${floorProc.url}/debug.ping`, floorProc.child.pid);
    rows.push([
      runtime,
      lua ? "floor, same request" : "floor: bare node:http",
      fmt(floor.rps),
      fmt(floor.p50, 2),
      fmt(floor.p99, 2),
      "1.00",
      fmt(floor.cpuUs),
      "",
      "",
      [`load ${load}`, floor.errors].filter(Boolean).join("; "),
    ]);
  };

  const dir = mkdtempSync(join(tmpdir(), "clearml-bench-serve-"));
  const data = join(dir, "data");
  const serve = await startServer(runtime, join(ROOT, "src", "main.ts"), [
    "serve",
    "--port",
    "0",
    "--data",
    data,
    "--access-key",
    KEY,
    "--secret-key",
    SECRET,
  ]);
  try {
    const token = await login(serve.url);
    const queue = (await api(serve.url, token, "queues.create", { name: "bench-empty" }))
      .id as string;
    const task =
      (await api(serve.url, token, "tasks.create", { name: "bench-log", type: "training" }))
        .id as string;
    const auth = { authorization: `Bearer ${token}`, "content-type": "application/json" };
    const add = (name: string, r: WrkResult, target: string, ok: boolean) =>
      rows.push([
        runtime,
        name,
        fmt(r.rps),
        fmt(r.p50, 2),
        fmt(r.p99, 2),
        fmt(r.rps / floor.rps, 2),
        `${fmt(r.cpuUs)} (${fmt(r.cpuUs / floor.cpuUs, 1)}×)`,
        target,
        ok ? "yes" : "NO",
        r.errors,
      ]);

    if (CASES.has("ping")) {
      measureFloor();
      const ping = wrk(`${serve.url}/debug.ping`, serve.child.pid);
      add("debug.ping", ping, "≥20000/s p99≤5ms", ping.rps >= 20_000 && ping.p99 <= 5);
    }
    const nextBody = JSON.stringify({ queue });
    for (const method of ["POST", "GET"]) {
      if (!CASES.has(method === "POST" ? "next-post" : "next-get")) continue;
      const lua = luaRequest(method, "/v2.14/queues.get_next_task", nextBody, auth);
      // the floor reads the same request (body and token header included)
      measureFloor(lua);
      const r = wrk(serve.url, serve.child.pid, lua);
      add(
        method === "POST" ? "get_next_task POST" : "get_next_task GET+body",
        r,
        "≥5000/s p99≤10ms",
        r.rps >= 5000 && r.p99 <= 10,
      );
    }
    if (!CASES.has("events")) continue;

    // Lua builds each request: 1000 log lines with rising timestamps, as an agent sends them
    const events = wrk(
      serve.url,
      serve.child.pid,
      [
        `local headers = { ["authorization"] = ${JSON.stringify(`Bearer ${token}`)},`,
        `  ["content-type"] = "application/json-lines" }`,
        `local ts = 1736935262000`,
        `request = function()`,
        `  local parts = {}`,
        `  for i = 1, ${LINES_PER_BATCH} do`,
        `    ts = ts + 1`,
        `    parts[i] = string.format('{"type":"log","task":"${task}","level":"DEBUG",' ..`,
        `      '"worker":"bench:1","msg":"line %d of a benchmark batch: some console output\\\\n",' ..`,
        `      '"timestamp":%d}', i, ts)`,
        `  end`,
        `  return wrk.format("POST", "/events.add_batch", headers, table.concat(parts, "\\n") .. "\\n")`,
        `end`,
        ``,
      ].join("\n"),
      false, // every stored line counts: no warm-up lines
    );
    await stopServer(serve.child);
    const db = new DatabaseSync(join(data, "clearml-serve.db"));
    const stored = Number(
      // log lines are stored one row per batch (`n` lines each)
      (db.prepare("SELECT coalesce(sum(n), 0) AS n FROM log_chunks").get() as { n: number }).n,
    );
    db.close();
    const linesPerSec = stored / duration;
    rows.push([
      runtime,
      `events.add_batch (${LINES_PER_BATCH} lines/req)`,
      fmt(events.rps),
      fmt(events.p50, 2),
      fmt(events.p99, 2),
      "",
      fmt(events.cpuUs),
      "≥100000 lines/s",
      linesPerSec >= 100_000 ? "yes" : "NO",
      `${fmt(linesPerSec)} lines/s stored (${stored} rows)${
        events.errors ? `; ${events.errors}` : ""
      }`,
    ]);
  } finally {
    if (serve.child.exitCode === null) await stopServer(serve.child);
    await stopServer(floorProc.child);
    rmSync(dir, { recursive: true, force: true });
  }
}

const widths = rows[0]!.map((_, i) => Math.max(...rows.map((r) => (r[i] ?? "").length)));
for (const r of rows) console.log(r.map((c, i) => c.padEnd(widths[i]!)).join("  ").trimEnd());
console.log(
  `(wrk -t1 -c${connections} -d${duration}s on this machine: ${process.platform}, load generator on the same cores)`,
);
