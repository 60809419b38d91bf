/**
 * `/proc/driver/nvidia/version`, written by the loaded NVIDIA kernel module: the cheapest and
 * most authoritative answer to "which driver is loaded". Its first line reads
 * `NVRM version: NVIDIA UNIX x86_64 Kernel Module  535.129.03  <build date>` (the open modules
 * say `… Open Kernel Module for x86_64  550.54.14  Release Build …`).
 */

export interface NvidiaDriverVersion {
  /** `535.129.03`. */
  version?: string;
  /** The open GPU kernel modules rather than the proprietary ones. */
  open: boolean;
  /** The `NVRM version:` line as written. */
  line?: string;
}

export function nvidiaDriverVersion(text: string): NvidiaDriverVersion {
  const line = text.split("\n").find((l) => l.startsWith("NVRM version:"));
  if (line === undefined) return { open: false };
  const after = line.slice(line.indexOf("Kernel Module") >= 0 ? line.indexOf("Kernel Module") : 0);
  const version = /\s([0-9]{2,4}\.[0-9]{1,4}(?:\.[0-9]{1,4})?)(?:\s|$)/.exec(after)?.[1];
  return {
    ...(version !== undefined ? { version } : {}),
    open: /Open Kernel Module/.test(line),
    line: line.trim(),
  };
}
