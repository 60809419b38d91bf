/**
 * Growth benchmark: each command on an input and on one 10 times larger, in-process (the CLI's
 * own `run`, so parsing, resolving, masking and rendering all count). Linear code grows about
 * 10×; the target is ≤ 12×. Each case runs in a child process with a time limit, so a
 * quadratic one is reported instead of hanging the benchmark.
 * Small and large runs alternate (a load change hits both), and `env check` also prints its
 * did-you-mean work counted, which no load can change.
 *   bun scripts/bench/linear.ts [--limit-s 120] [--pairs 5]
 *   deno run -A scripts/bench/linear.ts
 */
import { spawnSync } from "node:child_process";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import type { CliContext } from "../../src/cli/context.ts";
import { run } from "../../src/cli/run.ts";
import { didYouMeanWork } from "../../src/settings/did_you_mean.ts";
import { envCheck } from "../../src/settings/env_check.ts";
import { loadLine, median } from "./_stats.ts";

const TARGET = 12;
const MB = 1024 * 1024;

interface Case {
  name: string;
  small: number;
  unit: string;
  /** The command line and environment for an input of size `n`, files written under `dir`. */
  make(n: number, dir: string): { argv: string[]; env: Record<string, string> };
}

const conf = (dir: string, text: string) => {
  const path = join(dir, "clearml.conf");
  writeFileSync(path, text);
  return path;
};
const lines = (first: string, n: number, line: (i: number) => string) => {
  const out = [first];
  for (let i = 1; i < n; i++) out.push(line(i));
  return out.join("\n");
};
/** Letters, digits and the punctuation the masking and URL patterns look at, repeated. */
const blob = (n: number) => "aB3+/=:@.-_".repeat(Math.ceil(n / 11)).slice(0, n);

/** The key whose 14 blocks spell `i` in binary, "Aa" for 0 and "BB" for 1. */
const collidingKey = (i: number) =>
  i.toString(2).padStart(14, "0").replaceAll("0", "Aa").replaceAll("1", "BB");

/** `config parse FILE [--json]` of the text made for size `n`. */
function parseCase(
  name: string,
  unit: string,
  small: number,
  text: (n: number) => string,
  json: boolean,
): Case {
  return {
    name,
    small,
    unit,
    make: (n, dir) => ({
      argv: ["config", "parse", conf(dir, text(n)), ...(json ? ["--json"] : [])],
      env: {},
    }),
  };
}

const CASES: Case[] = [
  {
    name: "env check, unknown CLEARML_* names",
    small: 1000,
    unit: "names",
    make: (n) => {
      const env: Record<string, string> = {};
      for (let i = 0; i < n; i++) env[`CLEARML_API_HOST_${i}`] = "x";
      return { argv: ["env", "check", "--json"], env };
    },
  },
  parseCase(
    "config parse --json, o: ${o} {…} chain",
    "links",
    1000,
    (n) => lines("o { k0: 0 }", n, (i) => `o: \${o} { k${i}: ${i} }`),
    true,
  ),
  parseCase(
    "config parse (HOCON), l: ${l} […] chain",
    "links",
    1000,
    (n) => lines("l: [0]", n, (i) => `l: \${l} [${i}]`),
    false,
  ),
  parseCase(
    "config parse --json, k_i: ${k_i-1} chain",
    "links",
    1000,
    (n) => lines("k0: end", n, (i) => `k${i}: \${k${i - 1}}`),
    true,
  ),
  parseCase(
    "config parse --json, keys whose hashes collide",
    "keys",
    1000,
    // "Aa" and "BB" hash alike: every key of 14 such blocks collides with every other
    (n) => lines("k0: 0", n, (i) => `${collidingKey(i)}: ${i}`),
    true,
  ),
  parseCase(
    "config parse --json, one long value",
    "bytes",
    MB,
    (n) => `api { files_server: "${blob(n)}" }\n`,
    true,
  ),
  parseCase(
    "config parse (HOCON), one long unquoted token",
    "bytes",
    MB,
    (n) => `sdk { note: ${"x".repeat(n)} }\n`,
    false,
  ),
  {
    name: "env --json --env-file, one long value",
    small: MB,
    unit: "bytes",
    make: (n, dir) => {
      const path = join(dir, "big.env");
      writeFileSync(path, `CLEARML_API_HOST=https://${blob(n)}\n`);
      return { argv: ["--env-file", path, "env", "--json"], env: {} };
    },
  },
  {
    name: "env --json --env-file, one long quoted value",
    small: MB,
    unit: "bytes",
    make: (n, dir) => {
      const path = join(dir, "big.env");
      writeFileSync(path, `CLEARML_API_HOST="https://${blob(n)}\\n"\n`);
      return { argv: ["--env-file", path, "env", "--json"], env: {} };
    },
  },
];

/** Child: time one case at one size, in-process, after one untimed warm-up run; print ms. */
async function child(index: number, n: number): Promise<void> {
  const c = CASES[index]!;
  const dir = mkdtempSync(join(tmpdir(), "clearml-linear-"));
  const { argv, env } = c.make(n, dir);
  const times: number[] = [];
  for (let r = 0; r < 4; r++) {
    let bytes = 0;
    const ctx: CliContext = {
      env: { HOME: dir, ...env },
      cwd: dir,
      home: dir,
      out: (s) => void (bytes += s.length),
      err: () => {},
      stdoutIsTTY: false,
    };
    const t0 = performance.now();
    const code = await run(argv, ctx);
    if (r > 0) times.push(performance.now() - t0);
    if (code > 1 || bytes === 0) throw new Error(`${c.name}: exit ${code}, ${bytes} bytes out`);
  }
  console.log(median(times).toFixed(2));
}

/** `env check`'s did-you-mean work at `n` names, counted (deterministic, unlike the time). */
function envCheckWork(n: number): { candidates: number; cells: number } {
  const env = CASES[0]!.make(n, tmpdir()).env;
  const before = { ...didYouMeanWork };
  envCheck({ env });
  return {
    candidates: didYouMeanWork.candidates - before.candidates,
    cells: didYouMeanWork.cells - before.cells,
  };
}

function parent(): void {
  const arg = (flag: string, dflt: number) => {
    const i = process.argv.indexOf(flag);
    return i >= 0 ? Number(process.argv[i + 1]) : dflt;
  };
  const limitMs = arg("--limit-s", 120) * 1000;
  const pairs = arg("--pairs", 5);
  const self = fileURLToPath(import.meta.url);
  const isDeno = typeof (globalThis as { Deno?: unknown }).Deno !== "undefined";
  const time = (index: number, n: number): number | undefined => {
    const args = isDeno ? ["run", "-A", self] : [self];
    const r = spawnSync(process.execPath, [...args, "--case", String(index), "--n", String(n)], {
      encoding: "utf8",
      timeout: limitMs,
      maxBuffer: 1 << 20,
    });
    if (r.status !== 0) {
      if (r.error || r.signal) return undefined;
      throw new Error(`case ${CASES[index]!.name} n=${n}: ${r.stderr}`);
    }
    return Number(r.stdout.trim());
  };
  console.log(
    `growth for 10× the input, in-process; ${pairs} interleaved pairs of child runs (small, ` +
      `large), each the median of 3 after a warm-up; growth = median large / median small ` +
      `(target ≤ ${TARGET}×; limit ${limitMs / 1000} s per size)`,
  );
  console.log(`before: ${loadLine()}`);
  let failed = 0;
  CASES.forEach((c, index) => {
    const smalls: number[] = [], larges: number[] = [];
    let timedOut = false;
    for (let p = 0; p < pairs && !timedOut; p++) {
      const s = time(index, c.small), l = time(index, c.small * 10);
      if (s === undefined || l === undefined) timedOut = true;
      else smalls.push(s), larges.push(l);
    }
    const small = timedOut ? undefined : median(smalls);
    const large = timedOut ? undefined : median(larges);
    const fmt = (ms: number | undefined) =>
      ms === undefined ? `> ${limitMs / 1000} s` : `${ms.toFixed(1)} ms`;
    const growth = small !== undefined && large !== undefined ? large / small : undefined;
    const each = smalls.map((s, i) => larges[i]! / s).sort((a, b) => a - b);
    const met = growth !== undefined && growth <= TARGET;
    if (!met) failed++;
    const size = (n: number) => c.unit === "bytes" ? `${n / MB} MB` : `${n} ${c.unit}`;
    console.log(
      `  ${c.name.padEnd(48)} ${size(c.small).padStart(12)} ${fmt(small).padStart(10)}   ${
        size(c.small * 10).padStart(12)
      } ${fmt(large).padStart(10)}   ${
        growth === undefined ? "    ?" : `${growth.toFixed(1)}×`.padStart(6)
      } ${met ? "met" : "NOT met"}${
        each.length > 1
          ? `   (pairs ${each[0]!.toFixed(1)}×–${each[each.length - 1]!.toFixed(1)}×)`
          : ""
      }`,
    );
  });
  const w1 = envCheckWork(CASES[0]!.small), w10 = envCheckWork(CASES[0]!.small * 10);
  console.log(
    `  env check work, counted: candidates compared ${w1.candidates} → ${w10.candidates} (${
      (w10.candidates / w1.candidates).toFixed(2)
    }×), distance cells ${w1.cells} → ${w10.cells} (${(w10.cells / w1.cells).toFixed(2)}×)`,
  );
  console.log(`after: ${loadLine()}`);
  console.log(failed === 0 ? "all met" : `${failed} case(s) not met`);
}

const ci = process.argv.indexOf("--case");
if (ci >= 0) {
  await child(Number(process.argv[ci + 1]), Number(process.argv[process.argv.indexOf("--n") + 1]));
} else {
  parent();
}
