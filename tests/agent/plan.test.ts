import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { plan } from "../../src/agent/plan.ts";
import { type HostFacts, type PlanOptions, stepOf } from "../../src/agent/plan_types.ts";
import type { TaskDoc } from "../../src/agent/task.ts";
import { ConfigError } from "../../src/errors.ts";
import { childCountArgv } from "../../src/agent/child_count_cmd.ts";
import { HOME, hostFacts, taskOf, viewOf } from "./_plan_input.ts";

const PYTHONS = [
  { command: "python3.10", path: "/usr/bin/python3.10", version: "3.10.12" },
  { command: "python3", path: "/usr/bin/python3", version: "3.10.12" },
  { command: "python", path: "/usr/bin/python", version: "3.10.12" },
];

function planOf(
  task: Partial<TaskDoc>,
  env: Record<string, string> = {},
  options: PlanOptions = {},
  conf?: string,
  host: Partial<HostFacts> = {},
) {
  const view = viewOf(env, conf);
  return plan(
    taskOf(task),
    { resolution: view.resolution, env: view.env, options },
    hostFacts({ pythons: PYTHONS, ...host }),
  );
}

const REPO = "https://github.com/org/repo.git";

describe("plan(): steps and order", () => {
  it("a local plan has code, python-env, pytorch, child-env, command, stdout-file", () => {
    const p = planOf({ script: { repository: REPO, entry_point: "train.py" } });
    assert.equal(p.schema, "clearml.agent-plan/v1");
    assert.equal(p.mode, "local");
    assert.deepEqual(p.steps.map((s) => s.kind), [
      "code",
      "python-env",
      "pytorch",
      "child-env",
      "command",
      "stdout-file",
    ]);
    assert.equal(p.workerId, "host:4242");
  });

  it("a docker plan has the docker step and the stdout file", () => {
    const p = planOf({}, {}, { docker: [] });
    assert.equal(p.mode, "docker");
    assert.deepEqual(p.steps.map((s) => s.kind), ["docker", "stdout-file"]);
    assert.equal(p.workerId, "host:0");
  });
});

describe("plan(): code step", () => {
  it("clones under <venvs_dir>/<py>/task_repository with the branch and the diff", () => {
    const code = stepOf(
      planOf({
        script: {
          repository: REPO,
          branch: "dev",
          entry_point: "src/train.py",
          diff: "diff --git a/x b/x\n",
        },
      }),
      "code",
    )!;
    assert.equal(code.source, "git");
    assert.equal(code.codeDir, `${HOME}/.clearml/venvs-builds/3.10/task_repository/repo.git`);
    assert.deepEqual(code.checkout, { kind: "branch", ref: "dev" });
    assert.equal(code.diff, "diff --git a/x b/x\n");
    assert.deepEqual(code.cloneArgv, [
      "git",
      "clone",
      REPO,
      code.codeDir,
      "--recursive",
      "--quiet",
    ]);
    assert.match(code.vcsCacheDir!, /\/\.clearml\/vcs-cache\/repo\.git\.[0-9a-f]{32}\/repo\.git$/);
    assert.equal(code.scriptPath, `${code.codeDir}/src/train.py`);
  });

  it("a commit beats a tag beats a branch", () => {
    const s = { repository: REPO, branch: "b", tag: "v1", version_num: "abc123" };
    assert.deepEqual(stepOf(planOf({ script: s }), "code")!.checkout, {
      kind: "commit",
      ref: "abc123",
    });
    assert.deepEqual(
      stepOf(planOf({ script: { ...s, version_num: "" } }), "code")!.checkout,
      { kind: "tag", ref: "v1" },
    );
  });

  // clearml_agent/helper/repo.py:502-529; clearml_agent/helper/repo.py:518-523; clearml_agent/helper/repo.py:523
  it("credentials only for the CLEARML_AGENT_GIT_HOST, compared case-insensitively", () => {
    const env = { CLEARML_AGENT_GIT_USER: "me", CLEARML_AGENT_GIT_PASS: "p@ss:w/rd" };
    const t = { script: { repository: REPO } };
    const injected = stepOf(planOf(t, env), "code")!;
    assert.equal(injected.cloneUrl, "https://me:p%40ss%3Aw%2Frd@github.com/org/repo.git");
    assert.equal(injected.cloneUrlDisplay, "https://me:********@github.com/org/repo.git");
    assert.equal(
      stepOf(planOf(t, { ...env, CLEARML_AGENT_GIT_HOST: "gitlab.com" }), "code")!.cloneUrl,
      REPO,
    );
    assert.equal(
      stepOf(planOf(t, { ...env, CLEARML_AGENT_GIT_HOST: "GitHub.com" }), "code")!.credentials,
      "injected",
    );
  });

  // clearml_agent/helper/repo.py:344-367,235-268
  it("an ssh URL becomes https when user and password are configured", () => {
    const code = stepOf(
      planOf({ script: { repository: "git@github.com:org/repo.git" } }, {
        CLEARML_AGENT_GIT_USER: "me",
        CLEARML_AGENT_GIT_PASS: "tok",
      }),
      "code",
    )!;
    assert.equal(code.rewrite, "ssh-to-https");
    assert.equal(code.cloneUrl, "https://me:tok@github.com/org/repo.git");
  });

  it("CLEARML_AGENT_GIT_CLONE_VERBOSE switches --quiet to --verbose", () => {
    const code = stepOf(
      planOf({ script: { repository: REPO } }, { CLEARML_AGENT_GIT_CLONE_VERBOSE: "yes" }),
      "code",
    )!;
    assert.equal(code.cloneArgv!.at(-1), "--verbose");
  });

  it("CLEARML_AGENT_FORCE_CODE_DIR skips the clone and runs from that directory", () => {
    const p = planOf(
      { script: { repository: REPO, entry_point: "train.py", working_dir: "src" } },
      { CLEARML_AGENT_FORCE_CODE_DIR: "~/code" },
    );
    const code = stepOf(p, "code")!;
    assert.equal(code.source, "force-dir");
    assert.equal(code.codeDir, `${HOME}/code`);
    assert.equal(code.cwd, `${HOME}/code/src`);
    assert.equal(code.cloneUrl, null);
    assert.equal(stepOf(p, "command")!.cwd, `${HOME}/code/src`);
  });

  // clearml_agent/commands/worker.py:2738-2742
  it("CLEARML_AGENT_FORCE_EXEC_SCRIPT splits at the first colon", () => {
    const cases: Array<[string, string, string]> = [
      ["src:train.py", "src", "train.py"],
      ["train.py", ".", "train.py"],
      ["a:b:c.py", "a", "b:c.py"],
    ];
    for (const [value, dir, entry] of cases) {
      const code = stepOf(
        planOf({ script: { repository: REPO, entry_point: "x.py" } }, {
          CLEARML_AGENT_FORCE_EXEC_SCRIPT: value,
        }),
        "code",
      )!;
      assert.equal(code.workingDir, dir, value);
      assert.equal(code.entryPoint, entry, value);
      assert.ok(code.messages.includes(`WARNING: Using forced script entry [${dir}:${entry}]`));
    }
  });

  it("an entry point `entry:dir` with no working dir is split (server-api §2.12)", () => {
    const code = stepOf(
      planOf({ script: { repository: REPO, entry_point: "run.py:sub" } }),
      "code",
    )!;
    assert.equal(code.entryPoint, "run.py");
    assert.equal(code.workingDir, "sub");
  });

  it("a task without repository whose diff is a script writes it under <venv>/code", () => {
    const p = planOf({ script: { entry_point: "job/run.py", diff: "print('hi')\n" } });
    const code = stepOf(p, "code")!;
    assert.equal(code.source, "script");
    assert.equal(code.scriptPath, `${HOME}/.clearml/venvs-builds/3.10/code/run.py`);
    assert.deepEqual(stepOf(p, "command")!.argv.slice(1), ["-u", code.scriptPath]);
  });
});

describe("plan(): python env step", () => {
  const task = {
    script: {
      repository: REPO,
      entry_point: "t.py",
      requirements: { pip: "numpy==1.26.0\nrequests" },
    },
  };

  it("creates a venv with the task's python and installs pip, Cython, the requirements", () => {
    const py = stepOf(
      planOf({ ...task, script: { ...task.script, binary: "python3.10" } }),
      "python-env",
    )!;
    assert.equal(py.mode, "venv");
    assert.equal(py.requestedVersion, "3.10");
    assert.equal(py.interpreter, "/usr/bin/python3.10");
    assert.equal(py.venvDir, `${HOME}/.clearml/venvs-builds/3.10`);
    assert.deepEqual(py.createArgv, ["/usr/bin/python3.10", "-m", "venv", py.venvDir]);
    assert.equal(py.taskPython, `${py.venvDir}/bin/python`);
    assert.deepEqual(py.installs.map((i) => i.what), ["pip", "cython", "requirements"]);
    assert.deepEqual(py.installs[0]!.argv.slice(1), [
      "-m",
      "pip",
      "--disable-pip-version-check",
      "install",
      "pip<20.2 ; python_version < '3.10'",
      "pip<22.3 ; python_version >= '3.10' and python_version <= '3.11'",
      "pip>=23,<24.3 ; python_version >= '3.12'",
      "--upgrade",
    ]);
    const req = py.installs[2]!;
    assert.deepEqual(req.argv.slice(-2), ["-r", "/tmp/cached-reqsabcd1234.txt"]);
    assert.equal(req.requirementsText, "numpy==1.26.0\nrequests\n");
  });

  // clearml_agent/definitions.py:155; clearml_agent/helper/package/pip_api/system.py:99-108
  it("CLEARML_EXTRA_PIP_INSTALL_FLAGS come after the index flags and replace the config list", () => {
    const py = stepOf(
      planOf(
        task,
        {
          CLEARML_EXTRA_PIP_INSTALL_FLAGS: "--use-deprecated=legacy-resolver --no-cache-dir",
        },
        {},
        'agent.package_manager.extra_index_url: ["https://a/simple"]\nagent.package_manager.extra_pip_install_flags: ["--pre"]\n',
      ),
      "python-env",
    )!;
    assert.deepEqual(py.installFlags, [
      "--extra-index-url",
      "https://a/simple",
      "--use-deprecated=legacy-resolver",
      "--no-cache-dir",
    ]);
    assert.deepEqual(py.installs[2]!.argv.slice(-4), py.installFlags);
  });

  // clearml_agent/commands/worker.py:3838-3846
  it("CLEARML_AGENT_SKIP_PIP_VENV_INSTALL true/false/path", () => {
    const mode = (v: string) =>
      stepOf(planOf(task, { CLEARML_AGENT_SKIP_PIP_VENV_INSTALL: v }), "python-env")!;
    for (const v of ["1", "true"]) {
      const py = mode(v);
      assert.equal(py.mode, "system", v);
      assert.equal(py.createArgv, null);
      assert.equal(py.cache.enabled, false);
    }
    for (const v of ["false", "0"]) assert.equal(mode(v).mode, "venv", v);
    const path = mode("/usr/bin/python3");
    assert.equal(path.mode, "system");
    assert.equal(path.interpreter, "/usr/bin/python3");
    assert.equal(path.taskPython, "/usr/bin/python3");
  });

  it("CLEARML_AGENT_SKIP_PYTHON_ENV_INSTALL: no env work, no installs", () => {
    const py = stepOf(planOf(task, { CLEARML_AGENT_SKIP_PYTHON_ENV_INSTALL: "1" }), "python-env")!;
    assert.equal(py.mode, "skip");
    assert.deepEqual(py.installs, []);
  });

  it("system_site_packages adds --system-site-packages", () => {
    const py = stepOf(
      planOf(task, {}, {}, "agent.package_manager.system_site_packages: true\n"),
      "python-env",
    )!;
    assert.equal(py.createArgv!.at(-1), "--system-site-packages");
  });

  // clearml_agent/helper/package/base.py:326-366; clearml_agent/helper/package/base.py:354-356
  it("the venv cache key of the task requirements", () => {
    const key = (pip: string, docker?: string, cuda = "118") =>
      stepOf(
        planOf(
          {
            script: { repository: REPO, binary: "python3.10", requirements: { pip } },
            ...(docker ? { execution: { docker_cmd: docker } } : {}),
          },
          { CLEARML_CUDA_VERSION: cuda, CLEARML_CUDNN_VERSION: "8" },
          {},
          'agent.package_manager.pytorch_resolve: "none"\n',
        ),
        "python-env",
      )!.cache;
    assert.deepEqual(
      key("torch==2.1.0\nnumpy==1.26.0\n# comment", "nvidia/cuda:11.8 --ipc=host").keys,
      ["bb2ad2994b9f5d0649977cb5ddd18977"],
    );
    assert.deepEqual(key("b\na").keys, key("a\nb").keys);
    const r = key("-r requirements.txt");
    assert.deepEqual(r.keys, []);
    assert.equal(r.enabled, false);
  });

  it("CLEARML_AGENT_VENV_CACHE_PATH moves the cache; an empty cache path disables it", () => {
    assert.equal(
      stepOf(planOf(task, { CLEARML_AGENT_VENV_CACHE_PATH: "/vc" }), "python-env")!.cache.dir,
      "/vc",
    );
    const off = stepOf(planOf(task, {}, {}, 'agent.venvs_cache.path: ""\n'), "python-env")!;
    assert.equal(off.cache.enabled, false);
    assert.ok(off.messages.some((m) => m.includes("cache is DISABLED")));
  });

  it("without task requirements, every requirements.txt from the repo root to the working dir", () => {
    const py = stepOf(
      planOf({ script: { repository: REPO, entry_point: "t.py", working_dir: "a/b" } }),
      "python-env",
    )!;
    const base = `${HOME}/.clearml/venvs-builds/3.10/task_repository/repo.git`;
    assert.deepEqual(
      py.installs.filter((i) => i.what === "repo-requirements").map((i) => i.ifExists),
      [`${base}/requirements.txt`, `${base}/a/requirements.txt`, `${base}/a/b/requirements.txt`],
    );
  });

  // clearml_agent/commands/worker.py:2591-2606,3727-3753
  it("script.binary /usr/bin/python3 asks for 3.0 and falls back with a warning", () => {
    const py = stepOf(planOf({ script: { binary: "/usr/bin/python3" } }), "python-env")!;
    assert.equal(py.requestedVersion, "3.0");
    assert.equal(py.interpreter, "/usr/bin/python3");
    assert.ok(py.messages.some((m) => m.includes("requested by the Task, not found in path")));
  });
});

describe("plan(): child environment, command, stdout file", () => {
  it("sets the job variables, their TRAINS_ twins, the worker id and PYTHONPATH", () => {
    const p = planOf(
      {
        script: { repository: REPO, entry_point: "src/t.py" },
        hyperparams: { Environment: { FOO: { name: "FOO", value: "bar" } } },
      },
      { CLEARML_AGENT_EXTRA_PYTHON_PATH: "/opt/a:/opt/b", CLEARML_API_HOST: "http://api:8008" },
      { logLevel: "debug" },
      "agent.enable_task_env: true\n",
    );
    const env = Object.fromEntries(stepOf(p, "child-env")!.set.map((e) => [e.name, e.value]));
    assert.equal(env.CLEARML_TASK_ID, "a1b2c3d4e5f6");
    assert.equal(env.TRAINS_TASK_ID, "a1b2c3d4e5f6");
    assert.equal(env.CLEARML_LOG_LEVEL, "DEBUG");
    assert.equal(env.CLEARML_LOG_TASK_TO_BACKEND, "0");
    assert.equal(env.CLEARML_WORKER_ID, "host:4242");
    assert.equal(env.TRAINS_API_HOST, "http://api:8008");
    assert.equal(env.FOO, "bar");
    const cwd = `${HOME}/.clearml/venvs-builds/3.10/task_repository/repo.git`;
    assert.equal(env.PYTHONPATH, `${cwd}:${cwd}/src:/opt/a:/opt/b`);
    const cmd = stepOf(p, "command")!;
    assert.deepEqual(cmd.argv, [`${HOME}/.clearml/venvs-builds/3.10/bin/python`, "-u", "src/t.py"]);
    assert.equal(cmd.cwd, cwd);
  });

  it("the Environment section is exported only with agent.enable_task_env", () => {
    const p = planOf({ hyperparams: { Environment: { FOO: { name: "FOO", value: "bar" } } } });
    assert.ok(!stepOf(p, "child-env")!.set.some((e) => e.name === "FOO"));
  });

  it("masks nothing itself but lists the secrets a printer must hide", () => {
    const p = planOf({ script: { repository: REPO } }, {
      CLEARML_API_SECRET_KEY: "s3cr3t-value",
      CLEARML_AGENT_GIT_USER: "me",
      CLEARML_AGENT_GIT_PASS: "gitpass",
    });
    assert.ok(p.secretValues.includes("gitpass"));
    assert.ok(p.secretValues.includes("s3cr3t-value"));
  });

  it("-m entry points are shell-split with $VAR expansion; shell binaries run with $SHELL", () => {
    const m = stepOf(
      planOf({ script: { entry_point: "-m pkg.mod --x $WHO", repository: REPO } }, { WHO: "me" }),
      "command",
    )!;
    assert.deepEqual(m.argv.slice(1), ["-u", "-m", "pkg.mod", "--x", "me"]);
    const sh = stepOf(
      planOf({ script: { binary: "bash", entry_point: "-c echo hi", repository: REPO } }, {
        SHELL: "/bin/zsh",
      }),
      "command",
    )!;
    assert.deepEqual(sh.argv, ["/bin/zsh", "-c", "echo hi"]);
  });

  // clearml_agent/commands/worker.py:962-964,1856-1864; clearml_agent/helper/base.py:419-445
  it("the stdout file goes to CLEARML_AGENT_TEMP_STDOUT_FILE_DIR, else the temp dir", () => {
    assert.equal(stepOf(planOf({}), "stdout-file")!.path, "/tmp/.clearml_agent_out.abcd1234.txt");
    const s = stepOf(
      planOf({}, { CLEARML_AGENT_TEMP_STDOUT_FILE_DIR: "/data/logs" }),
      "stdout-file",
    )!;
    assert.equal(s.path, "/data/logs/.clearml_agent_out.abcd1234.txt");
    assert.equal(s.why, "CLEARML_AGENT_TEMP_STDOUT_FILE_DIR");
  });

  it("the stdout file of a relative CLEARML_AGENT_TEMP_STDOUT_FILE_DIR is absolute, as mkstemp names it", () => {
    // clearml_agent/commands/worker.py:963: safe_mkstemp(dir=ENV_TEMP_STDOUT_FILE_DIR.get()), and
    // Python's mkstemp returns os.path.abspath of the file
    const s = stepOf(
      planOf({}, { CLEARML_AGENT_TEMP_STDOUT_FILE_DIR: " logs/ " }, {}, undefined, { cwd: "/w" }),
      "stdout-file",
    )!;
    assert.equal(s.path, "/w/logs/.clearml_agent_out.abcd1234.txt");
  });

  it("--cpu-only hides the GPUs from the task", () => {
    const set = stepOf(planOf({}, {}, { cpuOnly: true }), "child-env")!.set;
    assert.equal(set.find((e) => e.name === "NVIDIA_VISIBLE_DEVICES")?.value, "none");
    assert.equal(set.find((e) => e.name === "CUDA_VISIBLE_DEVICES")?.value, "none");
  });
});

describe("plan(): services mode and bad input", () => {
  // clearml_agent/commands/worker.py:4305-4321
  it("services with a limit counts children with the default command", () => {
    const p = planOf({}, {}, { docker: [], servicesMode: 2 });
    const s = stepOf(p, "services")!;
    assert.equal(s.limit, 2);
    const expected = childCountArgv(undefined, "host:cpu:0");
    assert.ok(expected.ok);
    assert.deepEqual(s.countArgv, expected.argv);
    assert.equal(s.countArgv![3], "label=clearml-parent-worker-id=host:cpu:0");
    assert.equal(p.workerId, "host:cpu:0:service:a1b2c3d4e5f6");
  });

  // clearml_agent/commands/worker.py:768-770; clearml_agent/__main__.py:63-67
  it("unbalanced quotes in a list variable stop the plan naming the variable", () => {
    assert.throws(
      () => planOf({}, { CLEARML_AGENT_EXTRA_DOCKER_ARGS: "-e 'unterminated" }, { docker: [] }),
      (e: unknown) =>
        e instanceof ConfigError && e.exitCode === 3 &&
        /CLEARML_AGENT_EXTRA_DOCKER_ARGS/.test(e.message) && /No closing quotation/.test(e.message),
    );
    assert.throws(
      () => planOf({}, { CLEARML_AGENT_EXTRA_DOCKER_LABELS: '"a b' }, { docker: [] }),
      (e: unknown) =>
        e instanceof ConfigError && /CLEARML_AGENT_EXTRA_DOCKER_LABELS/.test(e.message),
    );
  });

  it("unbalanced quotes in the task's container arguments name the task field", () => {
    assert.throws(
      () => planOf({ container: { image: "img", arguments: "-e 'x" } }, {}, { docker: [] }),
      (e: unknown) => e instanceof ConfigError && /container\.arguments/.test(e.message),
    );
  });

  it("no python at all is a failure naming the settings", () => {
    assert.throws(
      () => planOf({}, {}, {}, undefined, { pythons: [] }),
      (e: unknown) => e instanceof Error && /agent\.default_python/.test(e.message),
    );
  });
});
