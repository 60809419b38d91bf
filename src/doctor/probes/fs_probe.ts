/**
 * The fs category's probe: for each directory the agent writes to, whether it exists, whether
 * this user can create a file there (or create it), the free space and the mount it lives on.
 * Writability is found out as the agent's Python finds it (tempfile creates a file): a file is
 * created and removed at once (temp_stdout's canCreateFile); permission bits and access(2) miss
 * ACLs, quotas and directories like /proc that root "may" write.
 */
import { readFileSync, realpathSync, statfsSync, statSync } from "node:fs";
import { dirname } from "node:path";
import type { DoctorInput, ProbeTools } from "../types.ts";
import type { DirFacts, FsSnapshot } from "./fs_snapshot.ts";
import { cacheTargets, tempDirCandidates, tempStdoutTarget } from "../fs_targets.ts";
import { isNoexec, isReadOnly, type Mount, mountFor, parseMountinfo } from "../mountinfo.ts";
import { canCreateFile } from "../../platform/temp_stdout.ts";

function code(e: unknown): string {
  return (e as NodeJS.ErrnoException).code ?? String(e);
}

/** A file can be created in it; a read-only mount says no without trying. */
function writable(path: string, mount: Mount | undefined): boolean {
  if (mount && isReadOnly(mount)) return false;
  return canCreateFile(path);
}

export function dirFacts(path: string, mounts: readonly Mount[]): DirFacts {
  let existing = path;
  let exists = false;
  let isDir = false;
  let error: string | undefined;
  for (;;) {
    try {
      const st = statSync(existing);
      if (existing === path) {
        exists = true;
        isDir = st.isDirectory();
      }
      break;
    } catch (e: unknown) {
      if (existing === path && code(e) !== "ENOENT") error = code(e);
      const parent = dirname(existing);
      if (parent === existing) break;
      existing = parent;
    }
  }
  let real = existing;
  try {
    real = realpathSync(existing);
  } catch {
    // keep the path as given
  }
  const mount = mounts.length ? mountFor(mounts, real) : undefined;
  const facts: DirFacts = {
    path,
    exists,
    isDir,
    writable: exists && isDir && writable(path, mount),
    ...(error ? { error } : {}),
  };
  if (!exists) {
    facts.ancestor = existing;
    let ancestorIsDir = false;
    try {
      ancestorIsDir = statSync(existing).isDirectory();
    } catch {
      ancestorIsDir = false;
    }
    facts.ancestorIsDir = ancestorIsDir;
    facts.ancestorWritable = ancestorIsDir && writable(existing, mount);
  }
  try {
    const fsStat = statfsSync(existing);
    facts.freeBytes = Number(fsStat.bavail) * Number(fsStat.bsize);
    facts.totalBytes = Number(fsStat.blocks) * Number(fsStat.bsize);
  } catch {
    // statfs unsupported here: no free-space verdict
  }
  if (mount) {
    facts.mount = {
      mountPoint: mount.mountPoint,
      fsType: mount.fsType,
      readOnly: isReadOnly(mount),
      noexec: isNoexec(mount),
    };
  }
  if (real !== existing) facts.realPath = real;
  return facts;
}

function readMounts(): Mount[] {
  try {
    return parseMountinfo(readFileSync("/proc/self/mountinfo", "utf8"));
  } catch {
    return [];
  }
}

export function probeFs(input: DoctorInput, _tools?: ProbeTools): Promise<FsSnapshot> {
  const mounts = readMounts();
  const tempCandidates: FsSnapshot["tempCandidates"] = [];
  for (const c of tempDirCandidates(input.env, input.cwd)) {
    const facts = dirFacts(c.path, mounts);
    tempCandidates.push({ source: c.source, facts });
    if (facts.writable) break;
  }
  const tempDir = tempCandidates.find((c) => c.facts.writable)?.facts.path;
  const stdout = tempStdoutTarget(input);
  const caches = cacheTargets(input, tempDir).map((t) => ({
    ...t,
    facts: dirFacts(t.path, mounts),
  }));
  return Promise.resolve({
    tempCandidates,
    ...(stdout ? { tempStdout: { ...stdout, facts: dirFacts(stdout.path, mounts) } } : {}),
    caches,
    home: dirFacts(input.home || "/nonexistent-home", mounts),
    mountsKnown: mounts.length > 0,
  });
}
