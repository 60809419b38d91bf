/**
 * The real SDK's `Task.init` → `close()` against `clearml serve` (issue 10: ≤ 1.5 s median, the
 * SDK's own overhead included). Each run is a fresh Python process configured with
 * `CLEARML_API_HOST` and the keys only; the script times `Task.init(project, name)` and `close()`
 * itself (the import is timed apart). Three SDK configurations:
 *   1. the SDK's defaults;
 *   2. `sdk.development.report_use_subprocess: false` (its reporter as a thread);
 *   3. the SDK's defaults with `CLEARML_OFFLINE_MODE=1`: no server, no HTTP at all.
 * On Linux the default reporter is a forked process whose loop waits 5 s on a `ForkEvent`, a
 * per-process `threading.Event` the parent's flush/stop cannot reach (SDK 1.17.0
 * `reporter.py:169`, `mp.py:145-166`; `set_subprocess_mode`, `reporter.py:63-71`, swaps the
 * other events for process-shared ones but not `_flush_event`), so `close()` waits for that timer
 * twice: `wait_for_events` (`reporter.py:126-130`) and `stop` → `wait` (`reporter.py:346-347`).
 * That wait is the SDK's, not the server's: the server's own share is printed (time spent in the
 * API calls, measured in the SDK process around each HTTP request), and run 3 shows the same
 * wait with no server.
 * Baselines in the same run: `python3 -c "import clearml"` (bare interpreter + SDK import) and the
 * SDK's defaults in offline mode.
 * Run: bun scripts/bench/sdk_roundtrip.ts [--runs N]
 */
import { spawnSync } from "node:child_process";
import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { parseArgs } from "node:util";
import { peer } from "../../tests/_helpers/peers.ts";
import { sdkEnv, startSdkServe } from "../../tests/integration/sdk_tasks_fixture.ts";
import { fmtMs, median } from "./_stats.ts";

const { values } = parseArgs({ options: { runs: { type: "string", default: "7" } } });
const RUNS = Math.max(1, Number(values.runs));
const TARGET_MS = 1500;

// Times the SDK's HTTP requests (requests.Session.send) to get the server's share of the run.
const SCRIPT = `
import time
t0 = time.perf_counter()
import requests
api_s = [0.0]
_send = requests.Session.send
def timed(self, request, **kw):
    a = time.perf_counter()
    try:
        return _send(self, request, **kw)
    finally:
        if ":8008/" in request.url:
            api_s[0] += time.perf_counter() - a
requests.Session.send = timed
from clearml import Task
t1 = time.perf_counter()
task = Task.init(project_name="bench/sdk-roundtrip", task_name="roundtrip")
t2 = time.perf_counter()
task.close()
t3 = time.perf_counter()
print("TIMES %.6f %.6f %.6f %.6f" % (t1 - t0, t2 - t1, t3 - t2, api_s[0]))
`;

interface Sample {
  importMs: number;
  initMs: number;
  closeMs: number;
  apiMs: number;
}

function runOnce(home: string, env: Record<string, string>, file: string): Sample {
  const r = spawnSync(peer("clearml-sdk-python.sh"), [file], {
    cwd: home,
    env,
    encoding: "utf8",
    timeout: 120_000,
  });
  const m = /^TIMES (\S+) (\S+) (\S+) (\S+)$/m.exec(r.stdout);
  if (r.status !== 0 || !m) {
    throw new Error(`SDK run failed (${r.status}):\n${r.stdout}\n${r.stderr}`);
  }
  const [importS, initS, closeS, apiS] = m.slice(1).map(Number) as [number, number, number, number];
  return {
    importMs: importS * 1000,
    initMs: initS * 1000,
    closeMs: closeS * 1000,
    apiMs: apiS * 1000,
  };
}

function wallMs(cmd: string, args: string[], env: Record<string, string>): number {
  const t = performance.now();
  const r = spawnSync(cmd, args, { env, encoding: "utf8" });
  if (r.status !== 0) throw new Error(`${cmd} ${args.join(" ")} failed: ${r.stderr}`);
  return performance.now() - t;
}

const s = await startSdkServe("clearml-bench-sdk-");
try {
  const modes: { label: string; conf: string; extra: Record<string, string> }[] = [
    { label: "SDK defaults", conf: "", extra: {} },
    {
      label: "report_use_subprocess: false",
      conf: "sdk { development { report_use_subprocess: false } }\n",
      extra: {},
    },
    // No server at all: what the SDK's defaults cost by themselves.
    {
      label: "SDK defaults, offline mode (no server)",
      conf: "",
      extra: { CLEARML_OFFLINE_MODE: "1" },
    },
  ];
  const baseline: number[] = [];
  const results: { label: string; samples: Sample[] }[] = [];
  for (const [i, mode] of modes.entries()) {
    const home = join(s.dir, `home-bench-${i}`);
    mkdirSync(home, { recursive: true });
    if (mode.conf) writeFileSync(join(home, "clearml.conf"), mode.conf);
    const file = join(home, "roundtrip.py");
    writeFileSync(file, SCRIPT);
    const env = sdkEnv(s, home, mode.extra);
    runOnce(home, env, file); // warm-up: project creation, file caches
    const samples: Sample[] = [];
    for (let n = 0; n < RUNS; n++) {
      samples.push(runOnce(home, env, file));
      baseline.push(wallMs(peer("clearml-sdk-python.sh"), ["-c", "import clearml"], env));
    }
    results.push({ label: mode.label, samples });
  }
  const base = median(baseline);
  console.log(`SDK Task.init -> close() against clearml serve, ${RUNS} runs each (median)`);
  console.log(`baseline: python3 -c "import clearml": ${fmtMs(base)} (whole process)`);
  const offline = median(results[2]!.samples.map((x) => x.initMs + x.closeMs));
  for (const { label, samples } of results) {
    const total = median(samples.map((x) => x.initMs + x.closeMs));
    const init = median(samples.map((x) => x.initMs));
    const close = median(samples.map((x) => x.closeMs));
    const api = median(samples.map((x) => x.apiMs));
    const imp = median(samples.map((x) => x.importMs));
    console.log(
      `${label}: init+close ${fmtMs(total)} (init ${fmtMs(init)}, close ${fmtMs(close)}; ` +
        `API calls ${fmtMs(api)} = ${(api / total * 100).toFixed(1)}%; import ${fmtMs(imp)}); ` +
        `${(total / base).toFixed(2)}x the import baseline, ${
          (total / offline).toFixed(2)
        }x offline; ` +
        `target ${fmtMs(TARGET_MS)}: ` +
        (total <= TARGET_MS ? "met" : "not met"),
    );
  }
} finally {
  await s.stop();
}
