/**
 * Masking is linear (issue 9 §1): the time for 10 MB against the time for 1 MB, for the text
 * masker on runs of every character class it looks at, and for commands that print long values
 * (run in-process). Linear means ~10×; the target is ≤ 12× (a quadratic scanner gives ~100×).
 *
 *   bun scripts/bench/mask_linear.ts [--runs 7] [UNIT...]
 *   deno run -A scripts/bench/mask_linear.ts
 *
 * UNITs (runs of `RUN_UNITS`, e.g. `'a://b:'`) time only those text rows, to look again at one.
 *
 * What makes the ratio a property of the code rather than of the inputs or the machine:
 * - The same input at both sizes, ten times longer: every run holds an even number of whole
 *   units, ten times as many at 10 MB. A run cut mid-unit or an odd number of quotes changes what
 *   is masked (a quote left open masks the rest of a value: at 1 MB it once swallowed a third of
 *   the value, and the 10 MB output was 15× the 1 MB one). Each command's output is checked to
 *   grow 10×.
 * - Samples that last: the 10 MB side runs its function r times in a row, the 1 MB side 10r
 *   times, r chosen so that a sample takes ≥ 20 ms (timer noise is then under 1%).
 * - Inputs read from memory on both sides: each side cycles through distinct copies of its input
 *   (40 of 1 MB, 4 of 10 MB), so the 1 MB side does not rescan a string its last call left in
 *   the cache while the 10 MB side streams from memory. Scanning one 1 MB string ten times took
 *   half the time of scanning ten distinct ones; one 10 MB string took as long as ten distinct
 *   1 MB ones.
 * - Warm-up alike (one full sample of each side untimed), then pairs of samples alternating
 *   which side goes first. The growth is the median of the pairs' ratios, in this process's CPU
 *   time (the wall time's is shown too): at a load of 3-4 on two cores, wall-time ratios of rows
 *   that do the same thing twice came out anywhere from ×7.4 to ×13.1.
 */
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { maskEnvValue, maskText } from "../../src/settings/mask.ts";
import { run } from "../../src/cli/run.ts";
import type { CliContext } from "../../src/cli/context.ts";
import { RUN_UNITS } from "../../tests/_helpers/long_values.ts";
import { fmtMs, loadLine, median } from "./_stats.ts";

const TARGET = 12;
const MB = 1_000_000;
/** The shortest sample, in ms. */
const SAMPLE_MS = 20;
/** Characters each side cycles through, in distinct copies of its input. */
const POOL = 40 * MB;

function arg(name: string, fallback: number): number {
  const i = process.argv.indexOf(`--${name}`);
  const v = i >= 0 ? Number(process.argv[i + 1]) : NaN;
  return Number.isFinite(v) && v > 0 ? v : fallback;
}
const RUNS = arg("runs", 7);
/** The text rows named on the command line (not a flag nor a flag's value); all when none. */
const only = process.argv.slice(2).filter((a, k, all) => a !== "--runs" && all[k - 1] !== "--runs");
for (const unit of only) {
  if (!RUN_UNITS.includes(unit)) {
    console.error(`mask_linear: ${JSON.stringify(unit)} is not one of RUN_UNITS`);
    process.exit(2);
  }
}

/**
 * `unit` an even number of whole times, about `mb` MB / `share` (`mb` times as many units as at
 * 1 MB).
 */
function unitRun(unit: string, mb: number, share = 1): string {
  const s = unit.repeat(mb * 2 * Math.floor(MB / share / (2 * unit.length)));
  s.indexOf("\0"); // a flat string of its own, not a rope over a shared one
  return s;
}

/** A run of every unit, one per line, about `mb` MB in all. */
function mixedUnits(mb: number): string {
  const s = RUN_UNITS.map((unit) => unitRun(unit, mb, RUN_UNITS.length)).join("\n");
  s.indexOf("\0");
  return s;
}

/** Wall and CPU time (this process's, user and system) of a stretch of work, in ms. */
interface Took {
  wall: number;
  cpu: number;
}

/** Runs `f` on each of `inputs` in turn, `times` calls in all. */
async function timed<I>(f: (input: I) => unknown, inputs: I[], times: number): Promise<Took> {
  const c0 = process.cpuUsage();
  const t0 = performance.now();
  for (let k = 0; k < times; k++) await f(inputs[k % inputs.length]!);
  const wall = performance.now() - t0;
  const c = process.cpuUsage(c0);
  return { wall, cpu: (c.user + c.system) / 1000 };
}

const rows: Array<[string, number]> = [];

/**
 * `input(mb)` builds one copy of the input at `mb` MB (outside the timing); `f` is timed on it
 * and returns the output's length. The growth is the median of the samples' ratios (each 10 MB
 * sample against the 1 MB sample next to it, which ran under the same load), in CPU time: on a
 * shared machine the wall time also counts the other processes' turns.
 */
async function measure<I>(
  label: string,
  input: (mb: number) => I,
  f: (input: I) => number | Promise<number>,
): Promise<void> {
  const small = Array.from({ length: POOL / MB }, () => input(1));
  const large = Array.from({ length: POOL / (10 * MB) }, () => input(10));
  // warm-up, the same work on both sides; the output lengths tell whether the inputs match
  const outSmall = await f(small[0]!);
  const outLarge = await f(large[0]!);
  const once = await timed(f, large, 1);
  const r = Math.max(1, Math.ceil(SAMPLE_MS / once.wall));
  await timed(f, small, 10 * r);
  await timed(f, large, r);
  const s: Took[] = [];
  const l: Took[] = [];
  for (let k = 0; k < RUNS; k++) {
    if (k % 2 === 0) {
      s.push(await timed(f, small, 10 * r));
      l.push(await timed(f, large, r));
    } else {
      l.push(await timed(f, large, r));
      s.push(await timed(f, small, 10 * r));
    }
  }
  // the 1 MB side made ten times the calls: its time per call is a tenth
  const ratio = (pick: (t: Took) => number) => median(s.map((x, k) => 10 * pick(l[k]!) / pick(x)));
  const cpu = ratio((t) => t.cpu);
  const wall = ratio((t) => t.wall);
  const ms = median(s.map((t) => t.cpu)) / 10 / r;
  const ml = median(l.map((t) => t.cpu)) / r;
  rows.push([label, cpu]);
  const outRatio = outLarge / outSmall;
  console.log(
    `${label.padEnd(44)} 1 MB ${fmtMs(ms).padStart(9)}   10 MB ${fmtMs(ml).padStart(9)}` +
      `   ×${cpu.toFixed(1)} (wall ×${wall.toFixed(1)})${cpu > TARGET ? "  OVER TARGET" : ""}` +
      (outRatio < 9 || outRatio > 11 ? `  (output ×${outRatio.toFixed(1)}: inputs differ)` : ""),
  );
}

console.log(
  `masking, 1 MB vs 10 MB: CPU time per call, growth the median ratio of ${RUNS} interleaved ` +
    `pairs of samples of ≥ ${SAMPLE_MS} ms (target ≤ ${TARGET}×); ${loadLine()}`,
);
for (const unit of only.length > 0 ? only : RUN_UNITS) {
  await measure(
    `maskText, a run of ${JSON.stringify(unit)}`,
    // each call its own copy: the second does not find the input in the cache the first filled
    (mb) => [unitRun(unit, mb), unitRun(unit, mb)] as const,
    ([text, copy]) => {
      maskText(text);
      maskText(copy, { configText: true });
      // what a run masks is not 10× (a run of `pass=` is one masked value): the input's length
      return text.length;
    },
  );
}
if (only.length === 0) await wholeRows();

/** The rows of whole values: a dynamic variable's tree, and commands that print long values. */
async function wholeRows(): Promise<void> {
  await measure(
    "maskEnvValue, a dynamic tree of mixed runs",
    (mb) => `[${JSON.stringify(mixedUnits(mb))}]`,
    (value) => maskEnvValue("CLEARML_AGENT__SDK__X", value).length,
  );

  // whole commands, in-process: a long value in the environment and in clearml.conf
  const home = mkdtempSync(join(tmpdir(), "clearml-bench-"));
  for (
    const argv of [
      ["env", "--json", "--all"],
      ["env", "export", "--format", "k8s"],
      ["config", "show", "--yaml"],
      ["config", "get", "sdk.long"],
      ["config", "parse", "CONF", "--json"],
    ]
  ) {
    const confs = new Map<number, string>();
    await measure(
      `clearml ${argv.join(" ")}`,
      (mb) => {
        const value = mixedUnits(mb);
        let conf = confs.get(mb);
        if (conf === undefined) {
          conf = join(home, `clearml-${mb}.conf`);
          writeFileSync(conf, `sdk.long: ${JSON.stringify(value)}\n`);
          confs.set(mb, conf);
        }
        const out = { length: 0 };
        const ctx: CliContext = {
          env: {
            HOME: home,
            CLEARML_CONFIG_FILE: conf,
            CLEARML_AGENT_EXTRA_DOCKER_ARGS: value,
            CLEARML_WORKER_NAME: value,
          },
          cwd: home,
          home,
          out: (text) => void (out.length += text.length),
          err: () => {},
          stdoutIsTTY: false,
        };
        return { argv: argv.map((a) => a.replace("CONF", conf)), ctx, out };
      },
      async ({ argv, ctx, out }) => {
        out.length = 0;
        await run(argv, ctx);
        return out.length;
      },
    );
  }
  rmSync(home, { recursive: true, force: true });
}

const worst = rows.reduce((a, b) => (b[1] > a[1] ? b : a));
console.log(
  `\nworst growth: ×${worst[1].toFixed(1)} (${worst[0]}); target ≤ ${TARGET}×: ` +
    (worst[1] <= TARGET ? "met" : "NOT met"),
);
