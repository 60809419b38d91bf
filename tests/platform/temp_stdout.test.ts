/**
 * Where task output goes: the variable (stripped, relative to the working directory, no `~`),
 * Python's temp-dir order, the file name, the directory's facts (exists, writable, free space
 * from the real file system) and the clean-up of stale output files (only those, only old ones).
 */
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { existsSync, mkdirSync, mkdtempSync, rmSync, utimesSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { execFileSync } from "node:child_process";
import {
  agentTempDir,
  chooseTempStdoutDir,
  cleanStaleStdoutFiles,
  daemonOutPath,
  randomTempName,
  stdoutFilePath,
  tempDirCandidates,
  tempDirFacts,
  tempStdoutFile,
  tempStdoutSetting,
} from "../../src/platform/temp_stdout.ts";

function withDir(f: (dir: string) => Promise<void> | void): () => Promise<void> {
  return async () => {
    const dir = mkdtempSync(join(tmpdir(), "tstdout-"));
    try {
      await f(dir);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  };
}

describe("the output directory rule", () => {
  it("Python's temp-dir order: TMPDIR, TEMP, TMP (non-empty), /tmp, /var/tmp, /usr/tmp, cwd", () => {
    assert.deepEqual(tempDirCandidates({ TMPDIR: "", TEMP: "t", TMP: "/x" }, "/w"), [
      { source: "env TEMP", path: "/w/t" },
      { source: "env TMP", path: "/x" },
      { source: "default", path: "/tmp" },
      { source: "default", path: "/var/tmp" },
      { source: "default", path: "/usr/tmp" },
      { source: "working directory", path: "/w" },
    ]);
  });

  it("the variable: stripped, relative to cwd, ~ kept literally, empty or blank = unset", () => {
    const env = (v: string) => ({ CLEARML_AGENT_TEMP_STDOUT_FILE_DIR: v });
    assert.deepEqual(tempStdoutSetting(env(" /data/out "), "/w"), {
      raw: " /data/out ",
      path: "/data/out",
    });
    assert.equal(tempStdoutSetting(env("out"), "/w")?.path, "/w/out");
    assert.equal(tempStdoutSetting(env("~/out"), "/w")?.path, "/w/~/out");
    assert.equal(tempStdoutSetting(env(""), "/w"), undefined);
    assert.equal(tempStdoutSetting(env("  "), "/w"), undefined);
  });

  it("takes the variable without asking; else the first temp dir a file can be created in", () => {
    const never = () => false;
    assert.deepEqual(
      chooseTempStdoutDir({ CLEARML_AGENT_TEMP_STDOUT_FILE_DIR: "/out" }, "/w", never),
      { dir: "/out", source: "CLEARML_AGENT_TEMP_STDOUT_FILE_DIR", skipped: [] },
    );
    assert.deepEqual(
      chooseTempStdoutDir({ TMPDIR: "/gone" }, "/w", (d) => d === "/var/tmp"),
      { dir: "/var/tmp", source: "default", skipped: ["/gone (env TMPDIR)", "/tmp (default)"] },
    );
    assert.equal(chooseTempStdoutDir({}, "/w", never), undefined);
  });

  it("names files .clearml_agent_out.<8 of [a-z0-9_]>.txt", () => {
    const names = new Set(Array.from({ length: 200 }, () => randomTempName()));
    for (const n of names) assert.match(n, /^[a-z0-9_]{8}$/);
    assert.ok(names.size > 190, "random names repeat");
    assert.equal(stdoutFilePath("/tmp", "abc_1234"), "/tmp/.clearml_agent_out.abc_1234.txt");
  });

  it("names a background daemon's console file as the agent's safe_mkstemp does", () => {
    // clearml_agent/commands/worker.py:1853-1864: prefix ".clearml_agent_daemon_out", suffix ".txt"
    assert.equal(daemonOutPath("/d", "abc_1234"), "/d/.clearml_agent_daemon_out" + "abc_1234.txt");
    assert.match(daemonOutPath("/d"), /^\/d\/\.clearml_agent_daemon_out[a-z0-9_]{8}\.txt$/);
  });

  it("agentTempDir() is the variable made absolute, else the temp dir", () => {
    assert.equal(
      agentTempDir({ CLEARML_AGENT_TEMP_STDOUT_FILE_DIR: " out " }, "/w", "/tmp"),
      "/w/out",
    );
    assert.equal(agentTempDir({ CLEARML_AGENT_TEMP_STDOUT_FILE_DIR: "  " }, "/w", "/tmp"), "/tmp");
    assert.equal(agentTempDir({}, "/w", "/var/tmp"), "/var/tmp");
  });
});

describe("tempStdoutFile() and tempDirFacts() on the real file system", () => {
  it(
    "a writable TMPDIR: the file goes there",
    withDir((dir) => {
      const f = tempStdoutFile({ TMPDIR: dir }, "/", "abcdefgh");
      assert.deepEqual(f, {
        dir,
        source: "env TMPDIR",
        skipped: [],
        path: join(dir, ".clearml_agent_out.abcdefgh.txt"),
      });
    }),
  );

  it(
    "a missing directory in the variable is an error naming the variable",
    withDir((dir) => {
      const missing = join(dir, "nope");
      const f = tempStdoutFile({ CLEARML_AGENT_TEMP_STDOUT_FILE_DIR: missing }, "/");
      assert.ok("error" in f);
      assert.match(f.error, /^CLEARML_AGENT_TEMP_STDOUT_FILE_DIR=.*\/nope: .* is not a directory/);
    }),
  );

  it(
    "facts: a directory with its free space (as df reports it), a file, a missing path",
    withDir(
      async (dir) => {
        const f = await tempDirFacts(dir);
        assert.deepEqual([f.exists, f.isDir, f.writable], [true, true, true]);
        const df = execFileSync("df", ["-B1", "--output=avail", dir], { encoding: "utf8" });
        const avail = Number(df.trim().split("\n")[1]);
        assert.ok(f.freeBytes !== undefined, "statfs gave no free space");
        // the same file system, read a moment apart: within 1%
        assert.ok(Math.abs(f.freeBytes - avail) <= avail * 0.01, `${f.freeBytes} vs df ${avail}`);
        writeFileSync(join(dir, "file"), "x");
        assert.deepEqual(await tempDirFacts(join(dir, "file")), {
          path: join(dir, "file"),
          exists: true,
          isDir: false,
          writable: false,
          error: "ENOTDIR",
        });
        assert.equal((await tempDirFacts(join(dir, "missing"))).error, "ENOENT");
      },
    ),
  );

  it(
    "facts: a directory this user cannot write in (root: a read-only bind mount)",
    withDir(
      async (dir) => {
        const ro = join(dir, "ro");
        mkdirSync(ro, { mode: 0o555 });
        if (process.getuid?.() !== 0) {
          const f = await tempDirFacts(ro);
          assert.deepEqual([f.exists, f.writable, f.error], [true, false, "EACCES"]);
          return;
        }
        // root writes anywhere but on a read-only file system
        execFileSync("mount", ["--bind", ro, ro]);
        try {
          execFileSync("mount", ["-o", "remount,ro,bind", ro]);
          const f = await tempDirFacts(ro);
          assert.deepEqual([f.exists, f.isDir, f.writable, f.error], [true, true, false, "EROFS"]);
          assert.ok("error" in tempStdoutFile({ CLEARML_AGENT_TEMP_STDOUT_FILE_DIR: ro }, "/"));
        } finally {
          execFileSync("umount", [ro]);
        }
      },
    ),
  );
});

describe("cleanStaleStdoutFiles()", () => {
  it(
    "removes only old .clearml_agent_out.* files, keeps fresh ones and everything else",
    withDir(
      async (dir) => {
        const old = Date.now() / 1000 - 3 * 24 * 3600;
        const files = {
          stale: ".clearml_agent_out.abcd1234.txt",
          fresh: ".clearml_agent_out.zzzz_999.txt",
          other: ".clearml_agent_daemon_outabcd1234.txt",
          lookalike: ".clearml_agent_out.TOOLONG12.txt",
          mine: "notes.txt",
        };
        for (const n of Object.values(files)) writeFileSync(join(dir, n), "x\n");
        for (const n of [files.stale, files.other, files.lookalike, files.mine]) {
          utimesSync(join(dir, n), old, old);
        }
        const dry = await cleanStaleStdoutFiles(dir, { dryRun: true });
        assert.deepEqual(dry.removed, [join(dir, files.stale)]);
        assert.ok(existsSync(join(dir, files.stale)), "a dry run removes nothing");
        const r = await cleanStaleStdoutFiles(dir);
        assert.deepEqual(r, { removed: [join(dir, files.stale)], failed: [] });
        for (const [k, n] of Object.entries(files)) {
          assert.equal(existsSync(join(dir, n)), k !== "stale", n);
        }
        // with a shorter limit the fresh one goes too
        const soon = await cleanStaleStdoutFiles(dir, { olderThanMs: 0, now: Date.now() + 1000 });
        assert.deepEqual(soon.removed, [join(dir, files.fresh)]);
      },
    ),
  );

  it("a missing directory removes nothing and does not throw", async () => {
    assert.deepEqual(await cleanStaleStdoutFiles("/nonexistent/dir"), { removed: [], failed: [] });
  });
});
