/**
 * Output capture benchmark: a task writing GB of lines through `runTask` (temp stdout file,
 * then a counting sink; no echo). Targets: ≥ 100 MB/s, peak RSS of the runner ≤ 100 MB, the
 * file's line count equal to the count written. Baseline: the same writer straight into a file.
 *   bun scripts/bench/agent_capture.ts [MB]      (default 1000; deno run -A works too)
 */
import { spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { runTask } from "../../src/agent/run.ts";
import type { Plan, PlanSettings } from "../../src/agent/plan_types.ts";
import type { Resolution } from "../../src/settings/resolve.ts";
import { objectNode } from "../../src/settings/tree.ts";

const MB = Number(process.argv[2] ?? 1000);
const LINE = 100; // bytes per line, newline included
const lines = Math.round((MB * 1e6) / LINE);
const PY = "/usr/bin/python3";
// 10 000 lines per write; the last block is cut to the exact count
const WRITER = `
import sys
n = int(sys.argv[1])
block = ("x" * ${LINE - 1} + "\\n").encode() * 10000
w = sys.stdout.buffer
while n > 0:
    k = min(n, 10000)
    w.write(block if k == 10000 else block[:k * ${LINE}])
    n -= k
`;

const dir = mkdtempSync(join(tmpdir(), "bench-capture-"));

function vmHwmMb(): number {
  const m = readFileSync("/proc/self/status", "utf8").match(/VmHWM:\s+(\d+) kB/);
  return m ? Number(m[1]) / 1024 : NaN;
}

/** Lines of the file equal to the written line (the runner's own lines are not). */
function countWritten(path: string): number {
  const r = spawnSync("grep", ["-c", `^x\\{${LINE - 1}\\}$`, path], { encoding: "utf8" });
  return Number(r.stdout.trim());
}

// Baseline: the writer into a file with no runner in between.
const base = join(dir, "base.txt");
const t0 = performance.now();
spawnSync("sh", ["-c", `"${PY}" -c '${WRITER}' ${lines} > "${base}"`]);
const baseS = (performance.now() - t0) / 1000;
rmSync(base);

const WRITTEN = "x".repeat(LINE - 1);
let sinkLines = 0;
let sinkWritten = 0;
let sinkBytes = 0;
const sink = {
  line(text: string) {
    sinkLines++;
    if (text === WRITTEN) sinkWritten++;
    sinkBytes += text.length + 1;
  },
  flush: () => Promise.resolve(),
};
const stdoutPath = join(dir, ".clearml_agent_out.bench.txt");
const plan: Plan = {
  schema: "clearml.agent-plan/v1",
  task: { id: "bench", name: "bench" },
  mode: "local",
  workerId: "bench:0",
  steps: [
    { kind: "command", argv: [PY, "-c", WRITER, String(lines)], cwd: dir, why: "bench" },
    { kind: "stdout-file", dir, path: stdoutPath, why: "bench" },
  ],
  warnings: [],
  secretValues: [],
};
const settings: PlanSettings = {
  resolution: { tree: objectNode({ kind: "default", source: "bench" }) } as unknown as Resolution,
  env: { PATH: process.env.PATH ?? "/usr/bin:/bin" },
  options: {},
};
const hwmBefore = vmHwmMb();
const t1 = performance.now();
const o = await runTask({
  plan,
  settings,
  host: {
    hostname: "bench",
    platform: "linux",
    arch: "x86_64",
    home: dir,
    tmpdir: dir,
    cwd: dir,
    pid: process.pid,
    pythons: [],
    existing: [],
    random: { stdout: "bench", config: "c", ssh: "s" },
  },
  sink,
});
const runS = (performance.now() - t1) / 1000;
const size = statSync(o.stdoutFile).size;
const fileWritten = countWritten(o.stdoutFile);
rmSync(dir, { recursive: true, force: true });

const mbps = (lines * LINE) / 1e6 / runS;
console.log(`capture: ${(lines * LINE / 1e6).toFixed(0)} MB in ${lines} lines, status ${o.status}`);
console.log(`  runner:   ${runS.toFixed(2)} s  → ${mbps.toFixed(0)} MB/s   (target ≥ 100 MB/s)`);
console.log(
  `  baseline: ${baseS.toFixed(2)} s  → ${((lines * LINE) / 1e6 / baseS).toFixed(0)} MB/s ` +
    `(writer straight into a file); runner/baseline = ${(runS / baseS).toFixed(2)}×`,
);
console.log(
  `  peak RSS of the runner: ${vmHwmMb().toFixed(0)} MB (before the run ${
    hwmBefore.toFixed(0)
  } MB; target ≤ 100 MB)`,
);
console.log(
  `  lines: written ${lines}, in the file ${fileWritten}, to the sink ${sinkWritten} ` +
    `(+${sinkLines - sinkWritten} runner lines); file ${size} bytes, sink ${sinkBytes} bytes`,
);
const ok = o.status === "completed" && mbps >= 100 && vmHwmMb() <= 100 &&
  fileWritten === lines && sinkWritten === lines;
console.log(ok ? "capture: targets met" : "capture: TARGET MISSED");
