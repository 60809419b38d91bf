/**
 * Linux `/proc/self/mountinfo`: which mount holds a path, its file-system type and flags
 * (`noexec`, `ro`, tmpfs…). Pure: the probe reads the text, these functions read it.
 */

export interface Mount {
  mountPoint: string;
  fsType: string;
  source: string;
  /** Per-mount options (`rw`, `noexec`, `nosuid`…). */
  options: string[];
  /** Super-block options (`size=…` of a tmpfs…). */
  superOptions: string[];
}

/** `\040` (space), `\011`, `\012` and `\134` are escaped in mount points. */
function unescape(field: string): string {
  return field.replace(/\\([0-7]{3})/g, (_, oct: string) => String.fromCharCode(parseInt(oct, 8)));
}

export function parseMountinfo(text: string): Mount[] {
  const mounts: Mount[] = [];
  for (const line of text.split("\n")) {
    if (line.trim() === "") continue;
    const fields = line.split(" ");
    const dash = fields.indexOf("-", 6);
    if (dash < 0 || fields.length < dash + 3) continue;
    mounts.push({
      mountPoint: unescape(fields[4] ?? ""),
      options: (fields[5] ?? "").split(","),
      fsType: fields[dash + 1] ?? "",
      source: unescape(fields[dash + 2] ?? ""),
      superOptions: (fields[dash + 3] ?? "").split(","),
    });
  }
  return mounts;
}

/** The mount holding an absolute (already resolved) path: the longest mount point above it. */
export function mountFor(mounts: readonly Mount[], path: string): Mount | undefined {
  let best: Mount | undefined;
  for (const m of mounts) {
    const mp = m.mountPoint;
    const under = mp === "/" || path === mp || path.startsWith(mp + "/");
    // A later line with the same mount point is mounted over the earlier one.
    if (under && (!best || mp.length >= best.mountPoint.length)) best = m;
  }
  return best;
}

export function isReadOnly(m: Mount): boolean {
  return m.options.includes("ro") || m.superOptions.includes("ro");
}

export function isNoexec(m: Mount): boolean {
  return m.options.includes("noexec");
}
