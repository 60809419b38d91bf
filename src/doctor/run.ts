/**
 * Run the doctor: probe the selected categories in parallel, each bounded by the run's budget,
 * then evaluate their checks. A probe that does not finish in time, or a check that throws,
 * gives `error` results instead of stopping the run.
 */
import type {
  Category,
  CategoryName,
  CheckReport,
  CheckResult,
  DoctorInput,
  ProbeTools,
} from "./types.ts";
import { exec } from "../platform/exec.ts";
import { stepTimeoutFor } from "./budget.ts";

export interface Selection {
  /** `--check ID…`: ids or id prefixes (`docker`, `docker.daemon`). */
  only?: readonly string[];
  /** `--skip ID…`. */
  skip?: readonly string[];
  /** `--category C…`. */
  categories?: readonly string[];
}

function matches(id: string, patterns: readonly string[]): boolean {
  return patterns.some((p) => id === p || id.startsWith(p + "."));
}

export function selectedIds(
  categories: ReadonlyArray<Category<unknown>>,
  sel: Selection,
): Set<string> {
  const out = new Set<string>();
  for (const c of categories) {
    if (sel.categories?.length && !sel.categories.includes(c.name)) continue;
    for (const check of c.checks) {
      if (sel.only?.length && !matches(check.id, sel.only)) continue;
      if (sel.skip?.length && matches(check.id, sel.skip)) continue;
      out.add(check.id);
    }
  }
  return out;
}

const TIMED_OUT = Symbol("timed out");

export async function runDoctor(
  input: DoctorInput,
  categories: ReadonlyArray<Category<unknown>>,
  sel: Selection = {},
  tools: Partial<ProbeTools> = {},
): Promise<CheckReport[]> {
  const ids = selectedIds(categories, sel);
  const controller = new AbortController();
  const budget = input.options.timeoutMs;
  let timer: ReturnType<typeof setTimeout> | undefined;
  const deadline = new Promise<typeof TIMED_OUT>((resolve) => {
    timer = setTimeout(() => {
      controller.abort();
      resolve(TIMED_OUT);
    }, budget);
  });
  const stepTimeoutMs = stepTimeoutFor(budget);
  const probeTools: ProbeTools = {
    exec: (cmd, args, opts) =>
      exec(cmd, args, {
        timeoutMs: Math.min(opts?.timeoutMs ?? stepTimeoutMs, budget),
        env: opts?.env,
        cwd: opts?.cwd,
        signal: controller.signal,
      }),
    signal: controller.signal,
    stepTimeoutMs,
    ...tools,
  };

  const active = categories.filter((c) => c.checks.some((k) => ids.has(k.id)));
  // Each probe runs synchronously up to its first wait: the ones that start other programs go
  // first, so that those programs run while the in-process probes work. Reported in list order.
  const started = new Map<Category<unknown>, Promise<CheckReport[]>>();
  for (const c of active) if (c.external) started.set(c, runCategory(c));
  for (const c of active) if (!c.external) started.set(c, runCategory(c));
  const perCategory = await Promise.all(active.map((c) => started.get(c)!));
  clearTimeout(timer);
  controller.abort();
  return perCategory.flat();

  async function runCategory(c: Category<unknown>): Promise<CheckReport[]> {
    const t0 = performance.now();
    let snapshot: unknown;
    let failure: string | undefined;
    try {
      const r = await Promise.race([c.probe(input, probeTools), deadline]);
      if (r === TIMED_OUT) {
        failure = `the ${c.name} probe did not finish within ${budget} ms (--timeout)`;
      } else snapshot = r;
    } catch (e: unknown) {
      failure = `the ${c.name} probe failed: ${e instanceof Error ? e.message : String(e)}`;
    }
    const probeMs = performance.now() - t0;
    return c.checks.filter((k) => ids.has(k.id)).map((k): CheckReport => {
      const t1 = performance.now();
      let result: CheckResult;
      if (failure) result = { status: "error", summary: failure };
      else {
        try {
          result = k.run(snapshot, input);
        } catch (e: unknown) {
          result = {
            status: "error",
            summary: `the check itself failed: ${e instanceof Error ? e.message : String(e)}`,
          };
        }
      }
      return {
        id: k.id,
        category: c.name as CategoryName,
        title: k.title,
        ...result,
        durationMs: Math.round((performance.now() - t1 + probeMs) * 10) / 10,
      };
    });
  }
}
