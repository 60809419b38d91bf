/**
 * Masking is linear (issue 9 §1): the time for 10 MB against the time for 1 MB, for the text
 * masker on runs of every character class it looks at, and for commands that print long values
 * (run in-process). Linear means ~10×; the target is ≤ 12× (a quadratic scanner gives ~100×).
 *
 *   bun scripts/bench/mask_linear.ts [--runs 3]
 *   deno run -A scripts/bench/mask_linear.ts
 */
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { maskEnvValue, maskText } from "../../src/settings/mask.ts";
import { run } from "../../src/cli/run.ts";
import type { CliContext } from "../../src/cli/context.ts";
import { mixedRuns, repeatTo, RUN_UNITS } from "../../tests/_helpers/long_values.ts";
import { fmtMs } from "./_stats.ts";

const TARGET = 12;
const SMALL = 1_000_000;
const LARGE = 10_000_000;

function arg(name: string, fallback: number): number {
  const i = process.argv.indexOf(`--${name}`);
  const v = i >= 0 ? Number(process.argv[i + 1]) : NaN;
  return Number.isFinite(v) && v > 0 ? v : fallback;
}
const RUNS = arg("runs", 3);

/** The fastest of `RUNS` timings of `f` run `times` times in a row, per run. */
async function fastest(f: () => unknown, times: number): Promise<number> {
  let best = Infinity;
  for (let i = 0; i < RUNS; i++) {
    const t0 = performance.now();
    for (let k = 0; k < times; k++) await f();
    best = Math.min(best, (performance.now() - t0) / times);
  }
  return best;
}

const rows: Array<[string, number, number]> = [];
/**
 * `prepare(size)` builds the input outside the timing; the function it returns is timed. The
 * 1 MB input runs 10 times in a row per sample, so both sides do the same work per sample and
 * other processes on the machine disturb them alike; samples alternate, the fastest counts.
 */
async function measure(label: string, prepare: (size: number) => () => unknown): Promise<void> {
  const small = prepare(SMALL);
  const large = prepare(LARGE);
  await small(); // warm-up: compiled code and grown heaps, not first-run costs
  await large();
  let s = Infinity;
  let l = Infinity;
  for (let round = 0; round < 2; round++) {
    s = Math.min(s, await fastest(small, LARGE / SMALL));
    l = Math.min(l, await fastest(large, 1));
  }
  rows.push([label, s, l]);
  const ratio = l / s;
  console.log(
    `${label.padEnd(48)} 1 MB ${fmtMs(s).padStart(10)}   10 MB ${fmtMs(l).padStart(10)}` +
      `   ×${ratio.toFixed(1)}${ratio > TARGET ? "  OVER TARGET" : ""}`,
  );
}

console.log(`masking, 1 MB vs 10 MB (fastest of ${2 * RUNS} samples; target ≤ ${TARGET}×)`);
for (const unit of RUN_UNITS) {
  await measure(`maskText, a run of ${JSON.stringify(unit)}`, (n) => {
    const text = repeatTo(unit, n);
    return () => {
      maskText(text);
      maskText(text, { configText: true });
    };
  });
}
await measure(
  "maskEnvValue, a dynamic tree of mixed runs",
  (n) => {
    const value = `[${JSON.stringify(mixedRuns(n))}]`;
    return () => maskEnvValue("CLEARML_AGENT__SDK__X", value);
  },
);

// whole commands, in-process: a long token in the environment and in clearml.conf
const home = mkdtempSync(join(tmpdir(), "clearml-bench-"));
function command(argv: string[]): (n: number) => () => Promise<number> {
  return (n) => {
    const value = mixedRuns(n);
    const conf = join(home, `clearml-${n}.conf`);
    writeFileSync(conf, `sdk.long: ${JSON.stringify(value)}\n`);
    const ctx: CliContext = {
      env: {
        HOME: home,
        CLEARML_CONFIG_FILE: conf,
        CLEARML_AGENT_EXTRA_DOCKER_ARGS: value,
        CLEARML_WORKER_NAME: value,
      },
      cwd: home,
      home,
      out: () => {},
      err: () => {},
      stdoutIsTTY: false,
    };
    return () => run(argv.map((a) => a.replace("CONF", conf)), ctx);
  };
}
for (
  const argv of [
    ["env", "--json", "--all"],
    ["env", "export", "--format", "k8s"],
    ["config", "show", "--yaml"],
    ["config", "get", "sdk.long"],
    ["config", "parse", "CONF", "--json"],
  ]
) {
  await measure(`clearml ${argv.join(" ")}`, command(argv));
}
rmSync(home, { recursive: true, force: true });

const worst = rows.reduce((a, b) => (b[2] / b[1] > a[2] / a[1] ? b : a));
console.log(
  `\nworst growth: ×${(worst[2] / worst[1]).toFixed(1)} (${worst[0]}); target ≤ ${TARGET}×: ` +
    (worst[2] / worst[1] <= TARGET ? "met" : "NOT met"),
);
