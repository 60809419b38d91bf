/**
 * `clearml config parse FILE --json` and `clearml config parse FILE` (HOCON out) end to end, on
 * the compiled binary, for a realistic 5 MB clearml.conf: throughput with start-up subtracted
 * (the same command on a one-line file, measured in the same run) and peak RSS.
 * Targets: ≥ 25 MB/s and ≤ 120 MB peak for both outputs.
 *   bun scripts/bench/config_parse.ts [--mb 5] [--runs 7]
 */
import { spawnSync } from "node:child_process";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { benchBinaries } from "./_binaries.ts";
import { build } from "./_conf.ts";
import { fmtMs, loadLine, median } from "./_stats.ts";

const TARGET_MB_S = 25;
const TARGET_RSS_MB = 120;
const arg = (name: string, fallback: number) => {
  const i = process.argv.indexOf(`--${name}`);
  const v = i >= 0 ? Number(process.argv[i + 1]) : NaN;
  return Number.isFinite(v) && v > 0 ? v : fallback;
};
const mb = arg("mb", 5);
const runs = arg("runs", 7);
const { bin } = benchBinaries();
const dir = mkdtempSync(join(tmpdir(), "clearml-bench-parse-"));
const big = join(dir, "clearml.conf");
const tiny = join(dir, "tiny.conf");
const { hocon } = build(mb);
writeFileSync(big, hocon);
writeFileSync(tiny, "api { api_server: https://api.example.com }\n");
const size = Buffer.byteLength(hocon) / (1024 * 1024);
const env = { PATH: process.env.PATH ?? "", HOME: dir };

const time = (args: string[]): number => {
  const t0 = performance.now();
  const r = spawnSync(bin, args, { env, stdio: ["ignore", "ignore", "pipe"] });
  const dt = performance.now() - t0;
  if (r.status !== 0) throw new Error(`clearml ${args.join(" ")} exited ${r.status}: ${r.stderr}`);
  return dt;
};

/** Peak RSS of a child, via getrusage(RUSAGE_CHILDREN) in a python3 wrapper. */
function peakRssMb(args: string[]): number | undefined {
  const py =
    "import resource,subprocess,sys;subprocess.run(sys.argv[1:],stdout=subprocess.DEVNULL);" +
    "print(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss)";
  const r = spawnSync("python3", ["-c", py, bin, ...args], { env, encoding: "utf8" });
  return r.status === 0 ? Number(r.stdout.trim()) / 1024 : undefined;
}

console.log(
  `config parse of a ${
    size.toFixed(2)
  } MB clearml.conf, compiled, median of ${runs} (${loadLine()})`,
);
let missed = 0;
for (const [label, extra] of [["--json", ["--json"]], ["HOCON", []]] as const) {
  const bigArgs = ["config", "parse", big, ...extra];
  const tinyArgs = ["config", "parse", tiny, ...extra];
  time(bigArgs);
  time(tinyArgs); // warm-up
  const a: number[] = [];
  const b: number[] = [];
  for (let i = 0; i < runs; i++) {
    a.push(time(tinyArgs));
    b.push(time(bigArgs));
  }
  const start = median(a);
  const total = median(b);
  const rate = size / ((total - start) / 1000);
  const rss = peakRssMb(bigArgs);
  const met = rate >= TARGET_MB_S && rss !== undefined && rss <= TARGET_RSS_MB;
  if (!met) missed++;
  console.log(
    `  ${label.padEnd(7)} ${fmtMs(total)} (start-up ${fmtMs(start)})  ${
      rate.toFixed(1)
    } MB/s  peak RSS ${rss?.toFixed(0) ?? "?"} MB  ${met ? "met" : "NOT met"}`,
  );
}
console.log(loadLine());
console.log(
  `targets: ≥ ${TARGET_MB_S} MB/s, ≤ ${TARGET_RSS_MB} MB peak: ${
    missed ? `${missed} not met` : "all met"
  }`,
);
