/**
 * Benchmark of our HOCON reader on a ~5 MB clearml.conf-like text, against JSON.parse of a JSON
 * text of the same size and shape as a baseline.
 *
 *   bun scripts/bench/hocon.ts [--mb 5] [--runs 9]
 *   deno run -A scripts/bench/hocon.ts
 */
import { parseHocon } from "../../src/settings/hocon/parse.ts";
import { build } from "./_conf.ts";

const TARGET_MB_PER_S = 20;

function arg(name: string, fallback: number): number {
  const i = process.argv.indexOf(`--${name}`);
  const v = i >= 0 ? Number(process.argv[i + 1]) : NaN;
  return Number.isFinite(v) && v > 0 ? v : fallback;
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
}

function time(runs: number, fn: () => unknown): number {
  fn(); // warm-up
  const times: number[] = [];
  for (let r = 0; r < runs; r++) {
    const t0 = performance.now();
    fn();
    times.push(performance.now() - t0);
  }
  return median(times);
}

const mb = arg("mb", 5);
const runs = arg("runs", 9);
const { hocon, json } = build(mb);
const root = parseHocon(hocon, { file: "bench.conf" });
if (root.entries.size === 0) throw new Error("the benchmark text parsed to nothing");

const hoconMs = time(runs, () => parseHocon(hocon, { file: "bench.conf" }));
const jsonMs = time(runs, () => JSON.parse(json));
const mib = (chars: number) => chars / (1024 * 1024);
const hoconRate = mib(hocon.length) / (hoconMs / 1000);
const jsonRate = mib(json.length) / (jsonMs / 1000);

const runtime = typeof (globalThis as { Bun?: unknown }).Bun !== "undefined"
  ? "bun"
  : typeof (globalThis as { Deno?: unknown }).Deno !== "undefined"
  ? "deno"
  : "node";
console.log(`runtime      ${runtime}, ${runs} runs, median`);
console.log(
  `parseHocon   ${mib(hocon.length).toFixed(2)} MB  ${hoconMs.toFixed(1)} ms  ${
    hoconRate.toFixed(1)
  } MB/s`,
);
console.log(
  `JSON.parse   ${mib(json.length).toFixed(2)} MB  ${jsonMs.toFixed(1)} ms  ${
    jsonRate.toFixed(1)
  } MB/s`,
);
console.log(
  `ratio        parseHocon is ${
    (jsonRate / hoconRate).toFixed(1)
  }x slower than JSON.parse (per MB)`,
);
console.log(
  `target       ${TARGET_MB_PER_S} MB/s: ${hoconRate >= TARGET_MB_PER_S ? "met" : "NOT met"}`,
);
