import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { formatBytes, fsCategory } from "../../src/doctor/checks/fs.ts";
import type { DirFacts, FsSnapshot } from "../../src/doctor/probes/fs_snapshot.ts";
import {
  cacheTargets,
  expandVars,
  tempDirCandidates,
  tempStdoutTarget,
} from "../../src/doctor/fs_targets.ts";
import { isNoexec, isReadOnly, mountFor, parseMountinfo } from "../../src/doctor/mountinfo.ts";
import type { CheckResult, DoctorInput } from "../../src/doctor/types.ts";
import { doctorInput } from "../_helpers/doctor_input.ts";
import { CWD } from "../_helpers/resolve.ts";

const FIXTURES = fileURLToPath(new URL("../fixtures/doctor/fs/", import.meta.url).href);
const fixture = (name: string) => readFileSync(join(FIXTURES, name), "utf8");
const CONF = "/home/u/clearml.conf";
const GiB = 1024 ** 3;
const MiB = 1024 ** 2;

/** This machine's mount table with a noexec tmpfs on /tmp/fxnoexec and a read-only one on "/tmp/fx ro". */
const MOUNTS = parseMountinfo(fixture("mountinfo_noexec_tmp.txt"));

/** The facts the probe would record for an existing, writable directory, mount from the fixture. */
function dir(path: string, over: Partial<DirFacts> = {}): DirFacts {
  const m = mountFor(MOUNTS, path);
  return {
    path,
    exists: true,
    isDir: true,
    writable: true,
    freeBytes: 50 * GiB,
    totalBytes: 100 * GiB,
    ...(m
      ? {
        mount: {
          mountPoint: m.mountPoint,
          fsType: m.fsType,
          readOnly: isReadOnly(m),
          noexec: isNoexec(m),
        },
      }
      : {}),
    ...over,
  };
}

function missing(path: string, ancestor: string, ancestorWritable = true): DirFacts {
  return {
    ...dir(ancestor),
    path,
    exists: false,
    isDir: false,
    writable: false,
    ancestor,
    ancestorIsDir: true,
    ancestorWritable,
  };
}

const CACHE_KEYS = [
  ["agent.venvs_dir", "/home/u/.clearml/venvs-builds"],
  ["agent.venvs_cache.path", "/home/u/.clearml/venvs-cache"],
  ["agent.vcs_cache.path", "/home/u/.clearml/vcs-cache"],
  ["sdk.storage.cache.default_base_dir", "/home/u/.clearml/cache"],
] as const;

function snap(over: Partial<FsSnapshot> = {}): FsSnapshot {
  return {
    tempCandidates: [{ source: "default", facts: dir("/tmp") }],
    caches: CACHE_KEYS.map(([key, path]) => ({
      key,
      raw: path,
      path,
      from: "default",
      facts: dir(path),
    })),
    home: dir("/home/u"),
    mountsKnown: true,
    ...over,
  };
}

function withCache(key: string, facts: DirFacts): Partial<FsSnapshot> {
  return {
    caches: snap().caches.map((c) => (c.key === key ? { ...c, path: facts.path, facts } : c)),
  };
}

function run(
  id: string,
  s: FsSnapshot,
  env: Record<string, string> = {},
  files: Record<string, string> = {},
  input?: DoctorInput,
): CheckResult {
  const check = fsCategory.checks.find((c) => c.id === id);
  assert.ok(check, `no check ${id}`);
  return check.run(s, input ?? doctorInput(env, files));
}

describe("mountinfo", () => {
  it("finds the noexec tmpfs holding a path, from a real mount table", () => {
    const m = mountFor(MOUNTS, "/tmp/fxnoexec/logs");
    assert.equal(m?.fsType, "tmpfs");
    assert.equal(m && isNoexec(m), true);
    assert.equal(m && isReadOnly(m), false);
  });

  it("unescapes spaces in mount points and reads the ro flag", () => {
    const m = mountFor(MOUNTS, "/tmp/fx ro/a");
    assert.equal(m?.mountPoint, "/tmp/fx ro");
    assert.equal(m && isReadOnly(m), true);
  });

  it("takes the root file system for a path under no other mount", () => {
    assert.equal(mountFor(MOUNTS, "/tmp/fxnoexecX")?.mountPoint, "/");
    assert.equal(mountFor(parseMountinfo(fixture("mountinfo_vm.txt")), "/home/u")?.fsType, "ext4");
  });

  it("prefers the later of two mounts on the same point", () => {
    const shm = MOUNTS.filter((m) => m.mountPoint === "/dev/shm");
    assert.equal(shm.length, 2);
    assert.equal(mountFor(MOUNTS, "/dev/shm/x"), shm[1]);
  });
});

describe("fs.temp_stdout_dir", () => {
  it("passes the default temp dir with its free space", () => {
    const r = run("fs.temp_stdout_dir", snap());
    assert.equal(r.status, "pass");
    assert.equal(r.summary, "task output goes to the temp dir /tmp (default, 50.0 GiB free)");
  });

  it("fails a CLEARML_AGENT_TEMP_STDOUT_FILE_DIR that does not exist: the agent aborts (row 25)", () => {
    const s = snap({
      tempStdout: {
        key: "CLEARML_AGENT_TEMP_STDOUT_FILE_DIR",
        raw: "/data/logs",
        path: "/data/logs",
        from: "env",
        facts: missing("/data/logs", "/"),
      },
    });
    const r = run("fs.temp_stdout_dir", s);
    assert.equal(r.status, "fail");
    assert.match(r.summary, /does not exist/);
    assert.match(r.fix?.text ?? "", /mkdir -p \/data\/logs/);
  });

  // clearml_agent/commands/worker.py:962-964,1856-1864; clearml_agent/helper/base.py:419-445
  it("passes an existing CLEARML_AGENT_TEMP_STDOUT_FILE_DIR", () => {
    const s = snap({
      tempStdout: {
        key: "CLEARML_AGENT_TEMP_STDOUT_FILE_DIR",
        raw: "/data/logs",
        path: "/data/logs",
        from: "env",
        facts: dir("/data/logs"),
      },
    });
    const r = run("fs.temp_stdout_dir", s);
    assert.equal(r.status, "pass");
    assert.match(r.summary, /\/data\/logs \(CLEARML_AGENT_TEMP_STDOUT_FILE_DIR/);
  });

  it("fails a directory on a read-only mount", () => {
    const facts = dir("/tmp/fx ro", { writable: false });
    const s = snap({
      tempStdout: {
        key: "CLEARML_AGENT_TEMP_STDOUT_FILE_DIR",
        raw: facts.path,
        path: facts.path,
        from: "env",
        facts,
      },
    });
    const r = run("fs.temp_stdout_dir", s);
    assert.equal(r.status, "fail");
    assert.match(r.summary, /read-only mount/);
  });

  it("says that ~ is not expanded in the variable", () => {
    const s = snap({
      tempStdout: {
        key: "CLEARML_AGENT_TEMP_STDOUT_FILE_DIR",
        raw: "~/logs",
        path: `${CWD}/~/logs`,
        from: "env",
        facts: missing(`${CWD}/~/logs`, CWD),
      },
    });
    const r = run("fs.temp_stdout_dir", s);
    assert.equal(r.status, "fail");
    assert.ok(r.details?.some((d) => d.includes("does not expand ~")));
  });

  it("catches user-pain G39: a small tmpfs /tmp warns and says it is RAM-backed", () => {
    const facts = dir("/tmp/fxnoexec", { freeBytes: 64 * MiB * 10 });
    const r = run(
      "fs.temp_stdout_dir",
      snap({ tempCandidates: [{ source: "env TMPDIR", facts }] }),
    );
    assert.equal(r.status, "warn");
    assert.match(r.summary, /only 640 MiB free/);
    assert.ok(r.details?.some((d) => d.includes("tmpfs")));
  });

  it("fails when there is almost no space left", () => {
    const r = run(
      "fs.temp_stdout_dir",
      snap({
        tempCandidates: [{ source: "default", facts: dir("/tmp", { freeBytes: 10 * MiB }) }],
      }),
    );
    assert.equal(r.status, "fail");
  });

  it("fails when no temp-dir candidate is usable", () => {
    const s = snap({
      tempCandidates: [{ source: "default", facts: dir("/tmp", { writable: false }) }],
    });
    const r = run("fs.temp_stdout_dir", s);
    assert.equal(r.status, "fail");
    assert.match(r.summary, /no usable temp directory/);
  });
});

describe("fs.temp_dir", () => {
  it("warns when TMPDIR is missing and Python silently falls back to /tmp", () => {
    const s = snap({
      tempCandidates: [
        { source: "env TMPDIR", facts: missing("/scratch/tmp", "/") },
        { source: "default", facts: dir("/tmp") },
      ],
    });
    const r = run("fs.temp_dir", s);
    assert.equal(r.status, "warn");
    assert.match(r.summary, /TMPDIR=\/scratch\/tmp is missing: Python silently uses \/tmp instead/);
  });

  it("warns that a noexec temp dir breaks the GIT_ASKPASS script when git credentials are set", () => {
    const s = snap({ tempCandidates: [{ source: "env TMPDIR", facts: dir("/tmp/fxnoexec") }] });
    const r = run("fs.temp_dir", s, {
      CLEARML_AGENT_GIT_USER: "me",
      CLEARML_AGENT_GIT_PASS: "tok-1234",
    });
    assert.equal(r.status, "warn");
    assert.match(r.summary, /GIT_ASKPASS/);
  });

  it("only notes a noexec temp dir when no git credentials are set", () => {
    const s = snap({ tempCandidates: [{ source: "env TMPDIR", facts: dir("/tmp/fxnoexec") }] });
    const r = run("fs.temp_dir", s);
    assert.equal(r.status, "pass");
    assert.ok(r.details?.some((d) => d.includes("noexec")));
  });
});

describe("fs.cache_dirs", () => {
  it("passes writable caches and reports the least free space", () => {
    const r = run("fs.cache_dirs", snap());
    assert.equal(r.status, "pass");
    assert.match(r.summary, /^4 cache directories writable or creatable, at least 50\.0 GiB free$/);
  });

  it("passes a missing folder whose parent is writable: the agent creates it", () => {
    const r = run(
      "fs.cache_dirs",
      snap(withCache("agent.vcs_cache.path", missing("/home/u/.clearml/vcs-cache", "/home/u"))),
    );
    assert.equal(r.status, "pass");
    assert.ok(
      r.details?.includes(
        "agent.vcs_cache.path: /home/u/.clearml/vcs-cache (to be created), 50.0 GiB free",
      ),
    );
  });

  it("fails a folder that cannot be created", () => {
    const r = run(
      "fs.cache_dirs",
      snap(withCache("agent.vcs_cache.path", missing("/opt/cache/vcs", "/opt", false))),
    );
    assert.equal(r.status, "fail");
    assert.match(r.summary, /cannot be created \(\/opt is not writable\)/);
  });

  it("fails venvs on a noexec mount: their python cannot run", () => {
    const r = run("fs.cache_dirs", snap(withCache("agent.venvs_dir", dir("/tmp/fxnoexec/venvs"))));
    assert.equal(r.status, "fail");
    assert.match(r.summary, /noexec/);
  });

  it("catches user-pain G39: free space under the venv cache threshold clears the cache", () => {
    const facts = dir("/home/u/.clearml/venvs-cache", { freeBytes: 1.5 * GiB });
    const r = run("fs.cache_dirs", snap(withCache("agent.venvs_cache.path", facts)));
    assert.equal(r.status, "warn");
    assert.match(r.summary, /under agent\.venvs_cache\.free_space_threshold_gb \(2\)/);
  });

  it("reads the threshold from the configuration, and 0 turns the test off", () => {
    const facts = dir("/home/u/.clearml/venvs-cache", { freeBytes: 3 * GiB });
    const s = snap(withCache("agent.venvs_cache.path", facts));
    assert.equal(
      run("fs.cache_dirs", s, {}, { [CONF]: "agent.venvs_cache.free_space_threshold_gb: 5" })
        .status,
      "warn",
    );
    assert.equal(
      run("fs.cache_dirs", s, {}, { [CONF]: "agent.venvs_cache.free_space_threshold_gb: 0" })
        .status,
      "pass",
    );
  });

  it("fails a venvs_dir with whitespace, which the agent refuses", () => {
    const r = run("fs.cache_dirs", snap(withCache("agent.venvs_dir", dir("/home/u/my venvs"))));
    assert.equal(r.status, "fail");
    assert.match(r.summary, /whitespace/);
  });

  it("fails a cache path that is a file", () => {
    const r = run(
      "fs.cache_dirs",
      snap(
        withCache("agent.vcs_cache.path", dir("/home/u/vcs", { isDir: false, writable: false })),
      ),
    );
    assert.equal(r.status, "fail");
    assert.match(r.summary, /not a directory/);
  });
});

describe("fs.home", () => {
  it("passes a writable home", () => {
    assert.equal(run("fs.home", snap()).status, "pass");
  });

  it("fails a home that does not exist", () => {
    const r = run("fs.home", snap({ home: missing("/home/u", "/home") }));
    assert.equal(r.status, "fail");
  });

  it("fails when HOME is empty", () => {
    const input = { ...doctorInput(), home: "" };
    const r = run("fs.home", snap(), {}, {}, input);
    assert.equal(r.status, "fail");
    assert.match(r.summary, /HOME is not set/);
  });
});

describe("fs targets", () => {
  it("lists Python's temp-dir candidates in its order", () => {
    assert.deepEqual(
      tempDirCandidates({ TMPDIR: "rel", TMP: "/t" }, CWD).map((c) => c.path),
      [`${CWD}/rel`, "/t", "/tmp", "/var/tmp", "/usr/tmp", CWD],
    );
  });

  it("takes CLEARML_AGENT_TEMP_STDOUT_FILE_DIR relative to the working directory, ~ unexpanded", () => {
    const t = tempStdoutTarget(doctorInput({ CLEARML_AGENT_TEMP_STDOUT_FILE_DIR: "~/logs" }));
    assert.equal(t?.path, `${CWD}/~/logs`);
  });

  it("expands ~ and variables in cache paths and follows their variables", () => {
    const input = doctorInput(
      {
        CLEARML_AGENT_VENV_CACHE_PATH: "$DATA/venvs",
        DATA: "/data",
        CLEARML_CACHE_DIR: "~/sdk-cache",
      },
      {},
    );
    const targets = new Map(cacheTargets(input).map((t) => [t.key, t]));
    assert.equal(targets.get("agent.venvs_cache.path")?.path, "/data/venvs");
    assert.equal(targets.get("agent.venvs_cache.path")?.from, "env CLEARML_AGENT_VENV_CACHE_PATH");
    assert.equal(targets.get("agent.venvs_dir")?.path, "/home/u/.clearml/venvs-builds");
    assert.equal(targets.get("sdk.storage.cache.default_base_dir")?.path, "/home/u/sdk-cache");
  });

  it("leaves out the venv cache when its path is empty", () => {
    const input = doctorInput({}, { [CONF]: 'agent.venvs_cache.path: ""' });
    assert.ok(!cacheTargets(input).some((t) => t.key === "agent.venvs_cache.path"));
  });

  it("expands only variables that are set, like os.path.expandvars", () => {
    assert.equal(expandVars("$A/${B}/$C", { A: "a", B: "b" }), "a/b/$C");
  });

  it("formats sizes in binary units", () => {
    assert.equal(formatBytes(1.5 * GiB), "1.5 GiB");
    assert.equal(formatBytes(640 * MiB), "640 MiB");
  });
});
