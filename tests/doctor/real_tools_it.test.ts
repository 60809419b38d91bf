/**
 * The git, python and fs probes against this machine's real tools: a bare repository made with
 * real git (reached by file:// and through a small local HTTP server that wants a password), the
 * real python3 and pyenv shims, and real temp directories. Each test takes well under a second.
 */
import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import {
  chmodSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  rmSync,
  symlinkSync,
  writeFileSync,
} from "node:fs";
import { createServer, type Server } from "node:http";
import { tmpdir } from "node:os";
import { join } from "node:path";
import process from "node:process";
import { Buffer } from "node:buffer";
import { exec } from "../../src/platform/exec.ts";
import type {
  CheckResult,
  DoctorInput,
  DoctorOptions,
  ProbeTools,
} from "../../src/doctor/types.ts";
import { gitCategory } from "../../src/doctor/checks/git.ts";
import type { GitSnapshot } from "../../src/doctor/probes/git_snapshot.ts";
import { pythonCategory } from "../../src/doctor/checks/python.ts";
import type { PythonSnapshot } from "../../src/doctor/probes/python_snapshot.ts";
import { fsCategory } from "../../src/doctor/checks/fs.ts";
import { probeSsh } from "../../src/doctor/probes/git_probe.ts";
import { doctorInput } from "../_helpers/doctor_input.ts";
import { needs, requirePart } from "../_helpers/real_part.ts";

const tools: ProbeTools = {
  exec: (cmd, args, opts) => exec(cmd, args, { ...opts, timeoutMs: opts?.timeoutMs ?? 5000 }),
  signal: new AbortController().signal,
  stepTimeoutMs: 5000,
};

const BASE_PATH = "/usr/local/bin:/usr/bin:/bin";

/** A DoctorInput whose environment is exactly `env` (plus PATH and HOME), home and cwd as given. */
function input(
  env: Record<string, string>,
  home: string,
  options: Partial<DoctorOptions> = {},
): DoctorInput {
  const full = { PATH: BASE_PATH, HOME: home, LC_ALL: "C", GIT_CONFIG_NOSYSTEM: "1", ...env };
  const base = doctorInput(full, {}, options);
  return { ...base, env: full, home, cwd: home };
}

function check<S>(
  category: { checks: ReadonlyArray<{ id: string; run(s: S, i: DoctorInput): CheckResult }> },
  id: string,
  s: S,
  i: DoctorInput,
): CheckResult {
  const c = category.checks.find((k) => k.id === id);
  assert.ok(c, `no check ${id}`);
  return c.run(s, i);
}

async function git(args: string[], cwd: string): Promise<string> {
  const r = await exec("git", args, {
    cwd,
    timeoutMs: 5000,
    env: { PATH: BASE_PATH, HOME: cwd, GIT_CONFIG_NOSYSTEM: "1" },
  });
  assert.equal(r.code, 0, `git ${args.join(" ")}: ${r.stderr}`);
  return r.stdout.trim();
}

let root = "";
let head = "";
let server: Server | undefined;
let port = 0;
const USER = "me";
const PASSWORD = "p@ss:w/rd-7Q";

before(async () => {
  root = mkdtempSync(join(tmpdir(), "clearml-doctor-it-"));
  const work = join(root, "work");
  mkdirSync(work);
  await git(["init", "-q", "--bare", join(root, "remote.git")], root);
  await git(["init", "-q"], work);
  await git([
    "-c",
    "user.email=t@example.com",
    "-c",
    "user.name=t",
    "commit",
    "-q",
    "--allow-empty",
    "-m",
    "init",
  ], work);
  await git(["push", "-q", join(root, "remote.git"), "HEAD:refs/heads/main"], work);
  await git(
    ["--git-dir", join(root, "remote.git"), "symbolic-ref", "HEAD", "refs/heads/main"],
    root,
  );
  await git(["--git-dir", join(root, "remote.git"), "update-server-info"], root);
  head = await git(["rev-parse", "HEAD"], work);

  // A "dumb" HTTP git server that wants USER:PASSWORD, serving the bare repository's files.
  const expected = "Basic " + Buffer.from(`${USER}:${PASSWORD}`).toString("base64");
  server = createServer((req, res) => {
    if (req.headers.authorization !== expected) {
      res.writeHead(401, { "WWW-Authenticate": 'Basic realm="git"' });
      res.end();
      return;
    }
    const path = join(root, decodeURIComponent((req.url ?? "/").split("?")[0]!));
    if (!path.startsWith(root) || !existsSync(path)) {
      res.writeHead(404);
      res.end();
      return;
    }
    res.writeHead(200, { "content-type": "text/plain" });
    res.end(readFileSync(path));
  });
  await new Promise<void>((resolve) => server!.listen(0, "127.0.0.1", resolve));
  const address = server.address();
  port = typeof address === "object" && address ? address.port : 0;
});

after(async () => {
  if (server) await new Promise<void>((resolve) => server!.close(() => resolve()));
  if (root) rmSync(root, { recursive: true, force: true });
});

describe("git probe with the real git", () => {
  it("reads git's version and reaches a bare repository by file:// with ls-remote", async () => {
    const i = input({}, root, { repo: `file://${root}/remote.git`, probeGit: true });
    const s = await gitCategory.probe(i, tools);
    assert.equal(check(gitCategory, "git.installed", s, i).status, "pass");
    assert.equal(s.lsRemote?.code, 0, String(s.lsRemote?.stderr));
    assert.equal(s.lsRemote?.head, head);
    const r = check(gitCategory, "git.ls_remote", s, i);
    assert.equal(r.status, "pass");
    assert.match(r.summary, new RegExp(`HEAD ${head.slice(0, 12)}`));
  });

  it("explains a repository that does not exist", async () => {
    const i = input({}, root, { repo: `file://${root}/missing.git`, probeGit: true });
    const s = await gitCategory.probe(i, tools);
    const r = check(gitCategory, "git.ls_remote", s, i);
    assert.equal(r.status, "fail");
    assert.match(r.summary, /not found/);
  });

  it("authenticates over HTTP with the agent's credentials, never putting the password in argv or output", async () => {
    const env = { CLEARML_AGENT_GIT_USER: USER, CLEARML_AGENT_GIT_PASS: PASSWORD };
    const i = input(env, root, { repo: `http://127.0.0.1:${port}/remote.git`, probeGit: true });
    const s: GitSnapshot = await gitCategory.probe(i, tools);
    assert.equal(s.lsRemote?.code, 0, String(s.lsRemote?.stderr));
    assert.equal(s.lsRemote?.head, head);
    assert.equal(s.lsRemote?.credentials, "injected");
    const results = gitCategory.checks.map((c) => c.run(s, i));
    const text = JSON.stringify([s, results]);
    assert.ok(!text.includes(PASSWORD), "the password leaked");
    assert.ok(!text.includes(encodeURIComponent(PASSWORD)), "the encoded password leaked");
    assert.equal(check(gitCategory, "git.ls_remote", s, i).status, "pass");
  });

  it("reports rejected credentials over HTTP", async () => {
    const env = { CLEARML_AGENT_GIT_USER: USER, CLEARML_AGENT_GIT_PASS: "wrong-password" };
    const i = input(env, root, { repo: `http://127.0.0.1:${port}/remote.git`, probeGit: true });
    const s = await gitCategory.probe(i, tools);
    const r = check(gitCategory, "git.ls_remote", s, i);
    assert.equal(r.status, "fail");
    assert.match(r.summary, /credentials are missing or rejected/);
    assert.ok(!JSON.stringify([s, r]).includes("wrong-password"));
  });

  it("fails without credentials when the server wants them (no prompt, no wait)", async () => {
    const i = input({}, root, { repo: `http://127.0.0.1:${port}/remote.git`, probeGit: true });
    const s = await gitCategory.probe(i, tools);
    assert.match(s.lsRemote?.stderr ?? "", /terminal prompts disabled/);
    assert.equal(check(gitCategory, "git.ls_remote", s, i).status, "fail");
  });

  const keygen = existsSync("/usr/bin/ssh-keygen");
  it(
    "tells a passphrase key from a plain one made by ssh-keygen",
    needs("ssh-keygen", keygen),
    async () => {
      requirePart("/usr/bin/ssh-keygen", keygen, "Debian package openssh-client");
      const home = join(root, "sshhome");
      const dir = join(home, ".ssh");
      mkdirSync(dir, { recursive: true });
      const kg = (file: string, pass: string) =>
        exec("ssh-keygen", ["-q", "-t", "ed25519", "-N", pass, "-C", "", "-f", join(dir, file)], {
          timeoutMs: 5000,
        });
      assert.equal((await kg("id_ed25519", "")).code, 0);
      assert.equal((await kg("id_ecdsa", "a passphrase")).code, 0);
      chmodSync(join(dir, "id_ecdsa"), 0o644);
      const s = probeSsh(home, {});
      const keys = new Map(s.keys.map((k) => [k.name, k]));
      assert.deepEqual([...keys.keys()], ["id_ecdsa", "id_ed25519"]);
      assert.equal(keys.get("id_ed25519")?.encrypted, false);
      assert.equal(keys.get("id_ecdsa")?.encrypted, true);
      assert.equal(keys.get("id_ecdsa")?.mode, 0o644);
    },
  );
});

describe("python probe with the real interpreters", () => {
  const PY = "/usr/bin/python3";
  const hasPy = existsSync(PY);
  const py = (title: string, fn: () => Promise<void>) =>
    it(title, needs(PY, hasPy), async () => {
      requirePart(PY, hasPy, "Debian package python3-venv");
      await fn();
    });

  py("asks Debian's python3 for its facts", async () => {
    const i = input({ PATH: "/usr/bin:/bin" }, root);
    const s: PythonSnapshot = await pythonCategory.probe(i, tools);
    const py3 = s.onPath.find((p) => p.name === "python3");
    assert.ok(py3?.ok, String(py3?.stderr));
    const version = await exec(PY, ["--version"], { timeoutMs: 5000 });
    assert.equal(`Python ${py3.facts?.version}`, (version.stdout || version.stderr).trim());
    assert.equal(check(pythonCategory, "python.binary", s, i).status, "pass");
  });

  // A pyenv root laid out as pyenv lays it out (libexec/pyenv-version-file-read reads
  // PYENV_VERSION, then .python-version, then <root>/version; shims run
  // <root>/versions/<v>/bin/<name>), with the real python3 as version 3.99.0. The shims are
  // never run: one that is would fail the test.
  py(
    "resolves a pyenv shim to its version's interpreter and recognises an inactive one",
    async () => {
      const pyenv = join(root, "pyenv");
      const shims = join(pyenv, "shims");
      const bin = join(pyenv, "versions", "3.99.0", "bin");
      mkdirSync(shims, { recursive: true });
      mkdirSync(bin, { recursive: true });
      for (const name of ["python3", "python3.12"]) {
        writeFileSync(join(shims, name), "#!/bin/sh\necho 'a shim was run' >&2\nexit 99\n");
        chmodSync(join(shims, name), 0o755);
      }
      symlinkSync(PY, join(bin, "python3"));
      const i = input({ PATH: `${shims}:/usr/bin:/bin`, PYENV_VERSION: "3.99.0" }, root);
      const s = await pythonCategory.probe(i, tools);
      const byName = new Map(s.onPath.map((p) => [p.name, p]));
      assert.equal(byName.get("python3")?.pyenvShim, true);
      assert.equal(byName.get("python3")?.ok, true, String(byName.get("python3")?.stderr));
      assert.equal(byName.get("python3")?.facts?.executable, join(bin, "python3"));
      // pyenv-which: "pyenv: python3.12: command not found", exit 127
      assert.equal(byName.get("python3.12")?.code, 127);
      assert.match(byName.get("python3.12")?.stderr ?? "", /python3\.12: command not found/);
      assert.ok(s.shadowed.some((x) => x.path === PY));
      const r = check(pythonCategory, "python.interpreters", s, i);
      assert.equal(r.status, "pass");
      assert.match(r.summary, /inactive pyenv shim/);
    },
  );

  py("catches user-pain F34 with a real activated venv", async () => {
    const venv = join(root, "venv");
    const made = await exec(PY, ["-m", "venv", "--without-pip", venv], { timeoutMs: 5000 });
    assert.equal(made.code, 0, made.stderr);
    const i = input({ PATH: `${venv}/bin:/usr/bin:/bin`, VIRTUAL_ENV: venv }, root);
    const s = await pythonCategory.probe(i, tools);
    assert.equal(s.onPath.find((p) => p.name === "python3")?.facts?.prefix, venv);
    assert.equal(check(pythonCategory, "python.agent_in_venv", s, i).status, "warn");
  });

  py(
    "T60 uses a skip-venv interpreter path that exists and warns about one that does not",
    async () => {
      const found = input({ CLEARML_AGENT_SKIP_PIP_VENV_INSTALL: PY }, root);
      const s1 = await pythonCategory.probe(found, tools);
      assert.equal(s1.specs.CLEARML_AGENT_SKIP_PIP_VENV_INSTALL?.interpreter?.ok, true);
      assert.equal(check(pythonCategory, "python.skip_env", s1, found).status, "pass");
      const lost = input({ CLEARML_AGENT_SKIP_PIP_VENV_INSTALL: join(root, "no-python") }, root);
      const s2 = await pythonCategory.probe(lost, tools);
      assert.equal(s2.specs.CLEARML_AGENT_SKIP_PIP_VENV_INSTALL?.found, false);
      assert.equal(check(pythonCategory, "python.skip_env", s2, lost).status, "warn");
    },
  );
});

describe("fs probe on real directories", () => {
  it("falls back from a missing TMPDIR like Python, and says so", async () => {
    const i = input({ TMPDIR: join(root, "no-such-tmp") }, root);
    const s = await fsCategory.probe(i, tools);
    assert.equal(s.tempCandidates[0]?.facts.exists, false);
    assert.equal(s.tempCandidates.at(-1)?.facts.writable, true);
    assert.equal(check(fsCategory, "fs.temp_dir", s, i).status, "warn");
  });

  it("fails a missing CLEARML_AGENT_TEMP_STDOUT_FILE_DIR and passes an existing one", async () => {
    const lost = input({ CLEARML_AGENT_TEMP_STDOUT_FILE_DIR: join(root, "logs") }, root);
    const s1 = await fsCategory.probe(lost, tools);
    assert.equal(check(fsCategory, "fs.temp_stdout_dir", s1, lost).status, "fail");
    mkdirSync(join(root, "logs"));
    const s2 = await fsCategory.probe(lost, tools);
    const r = check(fsCategory, "fs.temp_stdout_dir", s2, lost);
    assert.equal(r.status, "pass", r.summary);
    assert.ok((s2.tempStdout?.facts.freeBytes ?? 0) > 0);
  });

  it("finds the cache folders creatable under a fresh home and creates nothing", async () => {
    const home = join(root, "home");
    mkdirSync(home);
    const i = input({}, home);
    const s = await fsCategory.probe(i, tools);
    const venvs = s.caches.find((c) => c.key === "agent.venvs_dir");
    assert.equal(venvs?.path, join(home, ".clearml", "venvs-builds"));
    assert.equal(venvs?.facts.exists, false);
    assert.equal(venvs?.facts.ancestor, home);
    assert.equal(check(fsCategory, "fs.cache_dirs", s, i).status, "pass");
    assert.equal(check(fsCategory, "fs.home", s, i).status, "pass");
    assert.equal(existsSync(join(home, ".clearml")), false, "the probe created a folder");
  });

  it("judges a read-only folder by who runs the probe (root may write anyway)", async () => {
    const locked = join(root, "locked");
    mkdirSync(locked);
    chmodSync(locked, 0o555);
    const i = input({ CLEARML_AGENT_TEMP_STDOUT_FILE_DIR: locked }, root);
    const s = await fsCategory.probe(i, tools);
    assert.equal(s.tempStdout?.facts.writable, process.getuid?.() === 0);
    chmodSync(locked, 0o755);
  });
});
