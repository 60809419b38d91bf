/**
 * The cuDNN version in `cudnn.h` (cuDNN ≤ 7) or `cudnn_version.h` (cuDNN ≥ 8), read two ways:
 * properly, from the `#define CUDNN_MAJOR/MINOR/PATCHLEVEL` lines, and the way clearml-agent
 * reads it (agent-exec §3.2 step 6): a line that mentions `CUDNN_MAJOR` (or `CUDNN_MINOR`) sets
 * that part to its last word, until both are set; the two are glued together (`8` + `9` → `89`).
 */

export interface CudnnHeader {
  major?: string;
  minor?: string;
  patch?: string;
  /** `8.9.7`, when the major is defined. */
  version?: string;
  /** What the agent makes of this file, or undefined when it finds no `CUDNN_MAJOR` line. */
  agentReading?: string;
}

export function cudnnHeader(text: string): CudnnHeader {
  const out: CudnnHeader = {};
  const define = (name: string) =>
    new RegExp(`^\\s*#\\s*define\\s+${name}\\s+(\\d+)\\b`, "m").exec(text)?.[1];
  const major = define("CUDNN_MAJOR");
  const minor = define("CUDNN_MINOR");
  const patch = define("CUDNN_PATCHLEVEL");
  if (major !== undefined) out.major = major;
  if (minor !== undefined) out.minor = minor;
  if (patch !== undefined) out.patch = patch;
  if (major !== undefined) out.version = [major, minor ?? "0", patch].filter(Boolean).join(".");

  let agentMajor: string | undefined;
  let agentMinor: string | undefined;
  for (const line of text.split("\n")) {
    const words = line.trim().split(/\s+/);
    const last = words[words.length - 1] ?? "";
    if (line.includes("CUDNN_MAJOR")) agentMajor = last;
    if (line.includes("CUDNN_MINOR")) agentMinor = last;
    if (agentMajor !== undefined && agentMinor !== undefined) break;
  }
  if (agentMajor !== undefined) out.agentReading = agentMajor + (agentMinor ?? "0");
  return out;
}
