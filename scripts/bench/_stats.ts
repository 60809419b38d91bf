/** Median and percentiles of timing samples, for the benchmarks. */
export function median(xs: readonly number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
}

export function fmtMs(ms: number): string {
  return ms < 10 ? `${ms.toFixed(2)} ms` : `${ms.toFixed(1)} ms`;
}

/**
 * The machine's load when the figures were taken: timings on a shared machine mean little
 * without it (`load 1/5 min: 0.4 / 0.3 on 2 CPUs`).
 */
export function loadLine(): string {
  const { loadavg, availableParallelism } = process.getBuiltinModule("node:os");
  const [one, five] = loadavg();
  return `load 1/5 min: ${one!.toFixed(2)} / ${five!.toFixed(2)} on ${availableParallelism()} CPUs`;
}
