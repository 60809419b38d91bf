/**
 * Startup benchmark: the compiled `clearml env --json` against the bare runtime floor (a
 * compiled hello world built with the same flags), alternating runs in one process.
 * Targets: median ≤ 1.5× the floor; peak RSS ≤ 60 MB.
 *   bun scripts/bench/startup.ts [RUNS]    (builds dist/clearml first if it is missing)
 */
import { spawnSync } from "node:child_process";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fmtMs, median } from "./_stats.ts";
import { benchBinaries } from "./_binaries.ts";

const runs = Number(process.argv[2] ?? 40);
const { bin, floor } = benchBinaries();

const home = mkdtempSync(join(tmpdir(), "clearml-bench-"));
const env = { PATH: process.env.PATH ?? "", HOME: home };
const time = (cmd: string, args: string[]): number => {
  const t0 = performance.now();
  const r = spawnSync(cmd, args, { env, stdio: ["ignore", "pipe", "pipe"] });
  const dt = performance.now() - t0;
  if (r.status !== 0) throw new Error(`${cmd} ${args.join(" ")} exited ${r.status}: ${r.stderr}`);
  return dt;
};

for (let i = 0; i < 5; i++) {
  time(floor, []);
  time(bin, ["env", "--json"]);
} // warm-up
const a: number[] = [];
const b: number[] = [];
for (let i = 0; i < runs; i++) {
  a.push(time(floor, []));
  b.push(time(bin, ["env", "--json"]));
}

/** Peak RSS of a child, via getrusage(RUSAGE_CHILDREN) in a python3 wrapper. */
function peakRssMb(cmd: string[]): number | undefined {
  const py =
    "import resource,subprocess,sys;subprocess.run(sys.argv[1:],stdout=subprocess.DEVNULL);" +
    "print(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss)";
  const r = spawnSync("python3", ["-c", py, ...cmd], { env, encoding: "utf8" });
  return r.status === 0 ? Number(r.stdout.trim()) / 1024 : undefined;
}

const mf = median(a);
const mc = median(b);
const rss = peakRssMb([bin, "env", "--json"]);
const rssFloor = peakRssMb([floor]);
console.log(`startup (${runs} runs each, alternating)`);
console.log(
  `  floor  (compiled hello):       median ${fmtMs(mf)}  peak RSS ${
    rssFloor?.toFixed(1) ?? "?"
  } MB`,
);
console.log(
  `  clearml env --json (compiled): median ${fmtMs(mc)}  peak RSS ${rss?.toFixed(1) ?? "?"} MB`,
);
console.log(`  ratio ${(mc / mf).toFixed(2)}x the floor (target ≤ 1.5x); RSS target ≤ 60 MB`);
