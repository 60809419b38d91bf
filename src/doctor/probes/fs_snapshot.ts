/** What the fs probe found, for the fs checks: data flows probe → snapshot → check. */
import type { FsTarget } from "../fs_targets.ts";

export interface DirFacts {
  path: string;
  exists: boolean;
  isDir: boolean;
  /** This user may create files in it. */
  writable: boolean;
  /** Missing: the nearest existing ancestor, and whether the folder could be made below it. */
  ancestor?: string;
  ancestorIsDir?: boolean;
  ancestorWritable?: boolean;
  /** Space this user may use on its file system. */
  freeBytes?: number;
  totalBytes?: number;
  mount?: { mountPoint: string; fsType: string; readOnly: boolean; noexec: boolean };
  /** The path after symlinks, when different. */
  realPath?: string;
  /** stat failed otherwise than "missing". */
  error?: string;
}

export interface FsSnapshot {
  /** Python's temp-dir candidates, probed in order up to the first writable one. */
  tempCandidates: Array<{ source: string; facts: DirFacts }>;
  /** `CLEARML_AGENT_TEMP_STDOUT_FILE_DIR`, when set. */
  tempStdout?: FsTarget & { facts: DirFacts };
  caches: Array<FsTarget & { facts: DirFacts }>;
  home: DirFacts;
  /** /proc/self/mountinfo was readable (Linux). */
  mountsKnown: boolean;
}
