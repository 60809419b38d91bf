/**
 * Task start benchmark: from `clearml agent execute --task-file F` to the task's first line,
 * with the venv cache warm and no Docker (the task has requirements, so the cached venv is
 * restored; its code is the task's script). Target: median ≤ 150 ms. Baseline: the same
 * python started directly. Alternating runs in one process; the compiled binary
 * (dist/clearml, built if missing).
 *   bun scripts/bench/agent_start.ts [RUNS]
 */
import { spawn } from "node:child_process";
import { execFileSync } from "node:child_process";
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fmtMs, median } from "./_stats.ts";
import { benchBinaries } from "./_binaries.ts";

const runs = Number(process.argv[2] ?? 20);
const { bin } = benchBinaries();
const PY = "/usr/bin/python3";
const dir = mkdtempSync(join(tmpdir(), "bench-start-"));
const home = join(dir, "home");
const wheels = join(dir, "wheels");
mkdirSync(home);
mkdirSync(wheels);
// a tiny wheel, so the task has requirements and the venv cache is used
execFileSync(PY, [
  "-c",
  `
import base64, hashlib, zipfile
files = {"benchpkg/__init__.py": "V = 1\\n",
  "benchpkg-1.0.dist-info/METADATA": "Metadata-Version: 2.1\\nName: benchpkg\\nVersion: 1.0\\n",
  "benchpkg-1.0.dist-info/WHEEL": "Wheel-Version: 1.0\\nGenerator: bench\\nRoot-Is-Purelib: true\\nTag: py3-none-any\\n"}
d = lambda t: "sha256=" + base64.urlsafe_b64encode(hashlib.sha256(t.encode()).digest()).rstrip(b"=").decode()
files["benchpkg-1.0.dist-info/RECORD"] = "".join(f"{p},{d(t)},{len(t)}\\n" for p, t in files.items()) + "benchpkg-1.0.dist-info/RECORD,,\\n"
with zipfile.ZipFile("${wheels}/benchpkg-1.0-py3-none-any.whl", "w") as z:
    [z.writestr(p, t) for p, t in files.items()]
`,
]);
const task = join(dir, "task.json");
writeFileSync(
  task,
  JSON.stringify({
    id: "bench",
    script: {
      binary: "python3",
      entry_point: "start.py",
      diff: "import time, benchpkg\nprint('STARTED', time.time(), flush=True)\n",
      requirements: { pip: "benchpkg==1.0\n" },
    },
  }),
);
const env: Record<string, string> = {
  PATH: "/usr/bin:/bin",
  HOME: home,
  TMPDIR: dir,
  PIP_NO_INDEX: "1",
  PIP_FIND_LINKS: wheels,
  PIP_DISABLE_PIP_VERSION_CHECK: "1",
};

/** ms from spawn to the first `STARTED <epoch>` line the python prints. */
function timeToStart(argv: string[]): Promise<number> {
  return new Promise((resolve, reject) => {
    const t0 = Date.now() / 1000;
    const c = spawn(argv[0]!, argv.slice(1), { env, stdio: ["ignore", "pipe", "pipe"] });
    let out = "";
    let err = "";
    c.stdout.on("data", (d) => out += d);
    c.stderr.on("data", (d) => err += d);
    c.on("close", (code) => {
      const m = /STARTED (\d+\.\d+)/.exec(out);
      if (code !== 0 || !m) {
        reject(new Error(`exit ${code}: ${err.slice(-2000)}\n${out.slice(-2000)}`));
      } else resolve((Number(m[1]) - t0) * 1000);
    });
  });
}

const agent = [bin, "agent", "execute", "--task-file", task];
const direct = [PY, "-c", "import time\nprint('STARTED', time.time(), flush=True)"];
console.log("warming the venv cache (first run creates the venv)…");
await timeToStart(agent);
for (let i = 0; i < 3; i++) {
  await timeToStart(agent);
  await timeToStart(direct);
}
const a: number[] = [];
const b: number[] = [];
for (let i = 0; i < runs; i++) {
  a.push(await timeToStart(agent));
  b.push(await timeToStart(direct));
}
rmSync(dir, { recursive: true, force: true });
const ma = median(a);
const mb = median(b);
console.log(`task document → user's process running (cached venv, no docker), ${runs} runs:`);
console.log(`  clearml agent execute: median ${fmtMs(ma)}  (target ≤ 150 ms)`);
console.log(`  python started directly: median ${fmtMs(mb)}  (baseline)`);
console.log(`  overhead ${fmtMs(ma - mb)}, ratio ${(ma / mb).toFixed(1)}×`);
console.log(ma <= 150 ? "start: target met" : "start: TARGET MISSED");
