/**
 * Startup benchmark: the compiled `clearml --version`, `env --json` and `config show` against
 * the runtime floor (a compiled one-line program built with the same flags), runs alternating
 * in one process so both see the same machine load.
 * Targets: median ≤ 1.8× the floor; peak RSS ≤ 60 MB. The fastest runs are printed beside the
 * medians (what the machine gives without other load), the verdict is on the medians.
 *   bun scripts/bench/startup.ts [RUNS]    (builds dist/clearml first if it is missing)
 */
import { spawnSync } from "node:child_process";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fmtMs, loadLine, median } from "./_stats.ts";
import { benchBinaries } from "./_binaries.ts";

const TARGET_RATIO = 1.8;
const TARGET_RSS_MB = 60;
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

/** Peak RSS of a child, via getrusage(RUSAGE_CHILDREN) in a python3 wrapper. */
function peakRssMb(cmd: string[]): number | undefined {
  const py =
    "import resource,subprocess,sys;subprocess.run(sys.argv[1:],stdout=subprocess.DEVNULL);" +
    "print(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss)";
  const r = spawnSync("python3", ["-c", py, ...cmd], { env, encoding: "utf8" });
  return r.status === 0 ? Number(r.stdout.trim()) / 1024 : undefined;
}

const COMMANDS = [["--version"], ["env", "--json"], ["config", "show"]];
for (let i = 0; i < 5; i++) {
  time(floor, []);
  for (const args of COMMANDS) time(bin, args);
} // warm-up
const floorTimes: number[] = [];
const times = COMMANDS.map(() => [] as number[]);
for (let i = 0; i < runs; i++) {
  floorTimes.push(time(floor, []));
  COMMANDS.forEach((args, k) => times[k]!.push(time(bin, args)));
}

const mf = median(floorTimes);
const rssFloor = peakRssMb([floor]);
console.log(`startup (${runs} runs each, alternating with the floor; ${loadLine()})`);
console.log(
  `  floor (compiled hello)            median ${fmtMs(mf)}  (fastest ${
    fmtMs(Math.min(...floorTimes))
  })  peak RSS ${rssFloor?.toFixed(1) ?? "?"} MB`,
);
let missed = 0;
COMMANDS.forEach((args, k) => {
  const m = median(times[k]!);
  const rss = peakRssMb([bin, ...args]);
  const ratio = m / mf;
  const met = ratio <= TARGET_RATIO && (rss === undefined || rss <= TARGET_RSS_MB);
  if (!met) missed++;
  console.log(
    `  clearml ${args.join(" ").padEnd(24)} median ${fmtMs(m)}  ${ratio.toFixed(2)}× the floor  ` +
      `(fastest ${fmtMs(Math.min(...times[k]!))}: ${
        (Math.min(...times[k]!) / Math.min(...floorTimes)).toFixed(2)
      }× the fastest floor)  peak RSS ${rss?.toFixed(1) ?? "?"} MB  ${met ? "met" : "NOT met"}`,
  );
});
console.log(loadLine());
console.log(
  `targets: ≤ ${TARGET_RATIO}× the floor, ≤ ${TARGET_RSS_MB} MB: ${
    missed ? `${missed} not met` : "all met"
  }`,
);
