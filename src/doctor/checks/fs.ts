/**
 * Doctor's fs category: the directories the agent writes task output, temporary files and caches
 * to (agent-exec §1 rows 25, 32, §5.1 step 6, §5.3 step 7, §5.7; user-pain G39): they must exist
 * or be creatable, be writable, have room, and (for venvs) allow running programs. Pure checks of
 * the probe's snapshot; the doctor changes nothing.
 */
import type { Category, Check, CheckResult, DoctorInput, Status } from "../types.ts";
import { worse } from "../worse_status.ts";
import { probeFs } from "../probes/fs_probe.ts";
import type { DirFacts, FsSnapshot } from "../probes/fs_snapshot.ts";

import { settingAt } from "../setting_at.ts";
import { gitSettings, usesAskPass } from "../git_settings.ts";

const MiB = 1024 * 1024;
const GiB = 1024 * MiB;
/** Ours: below this a directory the agent writes to fails the check… */
export const FAIL_FREE_BYTES = 100 * MiB;
/** …and below this it warns. */
export const WARN_FREE_BYTES = 1 * GiB;

export function formatBytes(n: number): string {
  if (n >= GiB) return `${(n / GiB).toFixed(1)} GiB`;
  if (n >= MiB) return `${(n / MiB).toFixed(0)} MiB`;
  return `${Math.max(0, Math.round(n / 1024))} KiB`;
}

interface Verdict {
  status: Status;
  problems: string[];
  notes: string[];
}

interface JudgeOptions {
  /** A missing folder is fine when it can be created (the agent makes it). */
  creatable: boolean;
  /** Programs run from it (venvs): noexec fails. */
  needsExec?: boolean;
  /** The venv cache's threshold (GB): below it the agent clears the cache. */
  thresholdGb?: number;
}

/** One directory's verdict: existence, writability, space and mount flags. */
export function judgeDir(label: string, f: DirFacts, o: JudgeOptions): Verdict {
  const v: Verdict = { status: "pass", problems: [], notes: [] };
  const problem = (status: Status, text: string) => {
    v.status = worse(v.status, status);
    v.problems.push(text);
  };
  if (f.error) problem("fail", `${label} ${f.path} cannot be read (${f.error})`);
  else if (f.exists && !f.isDir) problem("fail", `${label} ${f.path} is not a directory`);
  else if (f.exists && !f.writable) {
    problem(
      "fail",
      `${label} ${f.path} is not writable${f.mount?.readOnly ? " (read-only mount)" : ""}`,
    );
  } else if (!f.exists) {
    if (!o.creatable) problem("fail", `${label} ${f.path} does not exist`);
    else if (!f.ancestorWritable) {
      problem(
        "fail",
        `${label} ${f.path} does not exist and cannot be created (${f.ancestor} is not writable)`,
      );
    } else v.notes.push(`${label} ${f.path} will be created (under ${f.ancestor})`);
  }
  if (f.mount?.noexec && o.needsExec) {
    problem(
      "fail",
      `${label} ${f.path} is on a noexec mount (${f.mount.mountPoint}): venv programs cannot run there`,
    );
  }
  if (f.freeBytes !== undefined) {
    const free = formatBytes(f.freeBytes);
    if (f.freeBytes < FAIL_FREE_BYTES) problem("fail", `${label} has only ${free} free`);
    else if (f.freeBytes < WARN_FREE_BYTES) problem("warn", `${label} has only ${free} free`);
    // The agent stores an entry only when free GiB > threshold; 0 or less turns the test off.
    if (o.thresholdGb !== undefined && o.thresholdGb > 0 && f.freeBytes / GiB <= o.thresholdGb) {
      problem(
        "warn",
        `${label} has ${free} free, under agent.venvs_cache.free_space_threshold_gb (${o.thresholdGb}): ` +
          "the agent clears the whole venv cache and stores nothing",
      );
    }
  }
  if (f.mount?.fsType === "tmpfs") {
    v.notes.push(`${label} is on tmpfs (${f.mount.mountPoint}): RAM-backed, and emptied on reboot`);
  }
  return v;
}

function factsEvidence(f: DirFacts): Record<string, unknown> {
  return {
    path: f.path,
    exists: f.exists,
    writable: f.writable,
    ...(f.exists ? {} : { ancestor: f.ancestor ?? null, creatable: f.ancestorWritable ?? false }),
    freeBytes: f.freeBytes ?? null,
    ...(f.mount ? { mount: f.mount } : {}),
  };
}

function fromVerdict(
  v: Verdict,
  okSummary: string,
  evidence: Record<string, unknown>,
  fix?: string,
): CheckResult {
  if (v.status === "pass") {
    return {
      status: "pass",
      summary: okSummary,
      ...(v.notes.length ? { details: v.notes } : {}),
      evidence,
    };
  }
  return {
    status: v.status,
    summary: v.problems[0]! + (v.problems.length > 1 ? ` (+${v.problems.length - 1} more)` : ""),
    details: [...v.problems, ...v.notes],
    evidence,
    ...(fix ? { fix: { text: fix } } : {}),
  };
}

/** The directory Python's tempfile would use, and what was skipped on the way. */
function pythonTempDir(
  s: FsSnapshot,
): { chosen?: { source: string; facts: DirFacts }; skipped: string[] } {
  const skipped: string[] = [];
  for (const c of s.tempCandidates) {
    if (c.facts.writable) return { chosen: c, skipped };
    skipped.push(
      `${c.facts.path} (${c.source}): ${c.facts.exists ? "not writable" : "does not exist"}`,
    );
  }
  return { skipped };
}

function spaceText(f: DirFacts): string {
  return f.freeBytes === undefined ? "" : `, ${formatBytes(f.freeBytes)} free`;
}

// ── fs.temp_stdout_dir ───────────────────────────────────────────────────────────────────────

function tempStdoutDir(s: FsSnapshot): CheckResult {
  const t = s.tempStdout;
  if (t) {
    const label = "CLEARML_AGENT_TEMP_STDOUT_FILE_DIR";
    const v = judgeDir(label, t.facts, { creatable: false });
    if (t.raw.startsWith("~")) {
      v.notes.push(
        "the agent does not expand ~ in this variable: it is a folder literally named ~",
      );
    }
    return fromVerdict(
      v,
      `task output goes to ${t.facts.path} (${label}${spaceText(t.facts)})`,
      factsEvidence(t.facts),
      t.facts.exists
        ? "make the directory writable for the agent's user, or point the variable elsewhere"
        : `create it (the agent aborts with FileNotFoundError otherwise): mkdir -p ${t.facts.path}`,
    );
  }
  const { chosen, skipped } = pythonTempDir(s);
  if (!chosen) {
    return {
      status: "fail",
      summary:
        "no usable temp directory: the agent cannot write task output (No usable temporary directory found)",
      details: skipped,
      fix: { text: "set CLEARML_AGENT_TEMP_STDOUT_FILE_DIR (or TMPDIR) to a writable directory" },
    };
  }
  const v = judgeDir("the temp dir", chosen.facts, { creatable: false });
  return fromVerdict(
    v,
    `task output goes to the temp dir ${chosen.facts.path} (${chosen.source}${
      spaceText(chosen.facts)
    })`,
    factsEvidence(chosen.facts),
    "free space there, or set CLEARML_AGENT_TEMP_STDOUT_FILE_DIR to a roomier directory",
  );
}

// ── fs.temp_dir ──────────────────────────────────────────────────────────────────────────────

function tempDir(s: FsSnapshot, input: DoctorInput): CheckResult {
  const { chosen, skipped } = pythonTempDir(s);
  if (!chosen) {
    return {
      status: "fail",
      summary:
        "no usable temp directory among TMPDIR, TEMP, TMP, /tmp, /var/tmp, /usr/tmp and the working directory",
      details: skipped,
      fix: { text: "make /tmp writable, or set TMPDIR to a writable directory" },
    };
  }
  const f = chosen.facts;
  const v = judgeDir("the temp dir", f, { creatable: false });
  const envSkipped = s.tempCandidates.filter((c) =>
    c.source.startsWith("env ") && !c.facts.writable
  );
  for (const c of envSkipped) {
    v.status = worse(v.status, "warn");
    v.problems.push(
      `${c.source.slice(4)}=${c.facts.path} is ${c.facts.exists ? "not writable" : "missing"}: ` +
        `Python silently uses ${f.path} instead`,
    );
  }
  if (f.mount?.noexec) {
    const g = gitSettings(input);
    const creds = Boolean(g.config.user && g.config.pass);
    // Mount flags come from /proc/self/mountinfo, so this is Linux, where the agent uses ask-pass.
    if (creds && usesAskPass(g, "linux")) {
      v.status = worse(v.status, "warn");
      v.problems.push(
        `${f.path} is mounted noexec: the GIT_ASKPASS script the agent writes there cannot run, ` +
          "so https clones with the git credentials fail",
      );
    } else v.notes.push(`${f.path} is mounted noexec (${f.mount.mountPoint})`);
  }
  v.notes.push(
    "holds the daemon's temporary configuration, the local agent registry and lock files",
  );
  return fromVerdict(
    v,
    `temp dir ${f.path} (${chosen.source}${spaceText(f)})`,
    { ...factsEvidence(f), source: chosen.source, skipped },
    "fix or unset the variable, or remount without noexec",
  );
}

// ── fs.cache_dirs ────────────────────────────────────────────────────────────────────────────

function thresholdGb(input: DoctorInput): number {
  const v = settingAt(input.agent, "agent.venvs_cache.free_space_threshold_gb").value;
  const n = typeof v === "number" ? v : typeof v === "string" ? Number(v) : NaN;
  return Number.isFinite(n) ? n : 2.0;
}

const WHITESPACE_CHECKED = new Set(["agent.venvs_dir", "sdk.storage.cache.default_base_dir"]);

function cacheDirs(s: FsSnapshot, input: DoctorInput): CheckResult {
  if (s.caches.length === 0) return { status: "pass", summary: "no cache directories configured" };
  let status: Status = "pass";
  const problems: string[] = [];
  const notes: string[] = [];
  for (const c of s.caches) {
    const needsExec = c.key === "agent.venvs_dir" || c.key === "agent.venvs_cache.path";
    const v = judgeDir(c.key, c.facts, {
      creatable: true,
      needsExec,
      ...(c.key === "agent.venvs_cache.path" ? { thresholdGb: thresholdGb(input) } : {}),
    });
    if (WHITESPACE_CHECKED.has(c.key) && /\s/.test(c.path)) {
      v.status = worse(v.status, "fail");
      v.problems.push(`${c.key} ${c.path} contains whitespace: the agent refuses to start`);
    }
    status = worse(status, v.status);
    problems.push(...v.problems.map((p) => `${p} (${c.from})`));
    // The listing below already says which folders are still to be created.
    notes.push(...v.notes.filter((n) => !n.includes("will be created")));
  }
  if (!s.caches.some((c) => c.key === "agent.venvs_cache.path")) {
    notes.push("the venv cache is off (agent.venvs_cache.path is empty)");
  }
  const evidence = {
    dirs: s.caches.map((c) => ({ key: c.key, from: c.from, ...factsEvidence(c.facts) })),
    thresholdGb: thresholdGb(input),
  };
  const listing = s.caches.map((c) =>
    `${c.key}: ${c.facts.path}${c.facts.exists ? "" : " (to be created)"}${spaceText(c.facts)}`
  );
  if (status === "pass") {
    const free = s.caches.map((c) => c.facts.freeBytes).filter((n): n is number => n !== undefined);
    return {
      status,
      summary: `${s.caches.length} cache directories writable or creatable` +
        (free.length ? `, at least ${formatBytes(Math.min(...free))} free` : ""),
      details: [...listing, ...notes],
      evidence,
    };
  }
  return {
    status,
    summary: problems[0]! + (problems.length > 1 ? ` (+${problems.length - 1} more)` : ""),
    details: [...problems, ...listing, ...notes],
    evidence,
    fix: {
      text: "point the setting at a writable directory with room (clearml.conf or its variable)",
    },
  };
}

// ── fs.home ──────────────────────────────────────────────────────────────────────────────────

function home(s: FsSnapshot, input: DoctorInput): CheckResult {
  if (!input.home) {
    return {
      status: "fail",
      summary: "HOME is not set: ~/clearml.conf and ~/.clearml cannot be found",
      fix: { text: "set HOME for the agent's user" },
    };
  }
  const v = judgeDir("the home directory", s.home, { creatable: false });
  return fromVerdict(
    v,
    `home ${s.home.path} is writable${spaceText(s.home)}`,
    factsEvidence(s.home),
    "the agent and the SDK keep clearml.conf and ~/.clearml there: give the user a writable home",
  );
}

const checks: ReadonlyArray<Check<FsSnapshot>> = [
  { id: "fs.temp_stdout_dir", title: "task output directory", run: tempStdoutDir },
  { id: "fs.temp_dir", title: "temp directory", run: tempDir },
  { id: "fs.cache_dirs", title: "cache directories", run: cacheDirs },
  { id: "fs.home", title: "home directory", run: home },
];

export const fsCategory: Category<FsSnapshot> = {
  name: "fs",
  title: "Disks and directories",
  probe: probeFs,
  checks,
};
