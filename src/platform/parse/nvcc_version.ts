/**
 * `nvcc --version` output: the toolkit release, and the CUDA version clearml-agent derives from
 * it. The agent captures exactly three characters after `release ` (agent-exec §3.2 step 4), so
 * `release 11.8` reads as `11.` → `110` and only single-digit majors keep their minor.
 */

export interface NvccVersion {
  /** `13.0` from `release 13.0, V13.0.88`. */
  release?: string;
  /** `V13.0.88`. */
  build?: string;
  /** The three characters the agent captures (`13.`). */
  agentCapture?: string;
  /** The agent's value, `str(int(float(capture) * 10))` (`130`); absent when that raises. */
  agentCuda?: string;
}

/** Python `float()` of the short capture: digits with at most one dot, nothing else. */
function captureTimesTen(capture: string): string | undefined {
  if (!/^\s*[+-]?(?:\d+\.?\d*|\.\d+)\s*$/.test(capture)) return undefined;
  return String(Math.trunc(Number(capture.trim()) * 10));
}

export function nvccVersion(text: string): NvccVersion {
  const out: NvccVersion = {};
  const release = /release ([0-9]+(?:\.[0-9]+)*)/.exec(text);
  if (release) out.release = release[1];
  const build = /release [^,\n]*,\s*(V[0-9][0-9.]*)/.exec(text);
  if (build) out.build = build[1];
  const capture = /release (.{3})/.exec(text);
  if (capture) {
    out.agentCapture = capture[1];
    const v = captureTimesTen(capture[1]!);
    if (v !== undefined) out.agentCuda = v;
  }
  return out;
}
