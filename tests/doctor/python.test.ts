import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { pythonCategory } from "../../src/doctor/checks/python.ts";
import type { PyInterpreter, PythonSnapshot } from "../../src/doctor/probes/python_snapshot.ts";
import { errorLine, isVenv, parseIntrospection } from "../../src/doctor/python_introspect.ts";
import { selectPython } from "../../src/doctor/python_select.ts";
import { extraPythonPath } from "../../src/agent/extra_python_path.ts";
import { usesActivatedVenv } from "../../src/agent/activated_venv.ts";
import type { CheckResult, DoctorInput } from "../../src/doctor/types.ts";
import { doctorInput } from "../_helpers/doctor_input.ts";

const FIXTURES = fileURLToPath(new URL("../fixtures/doctor/python/", import.meta.url).href);
const fixture = (name: string) => readFileSync(join(FIXTURES, name), "utf8");
const CONF = "/home/u/clearml.conf";

/** An interpreter that answered with the real output kept in `file`. */
function answered(name: string, path: string, file: string, pyenvShim = false): PyInterpreter {
  const facts = parseIntrospection(fixture(file));
  assert.ok(facts, `fixture ${file} does not parse`);
  return { name, path, pyenvShim, ok: true, facts, code: 0, timedOut: false };
}

/** An interpreter that did not answer, with its real error output. */
function failed(
  name: string,
  path: string,
  file: string,
  code: number,
  pyenvShim = false,
): PyInterpreter {
  return { name, path, pyenvShim, ok: false, code, timedOut: false, stderr: fixture(file).trim() };
}

const debian = answered("python3", "/usr/bin/python3", "debian_python3.json");
const shim = answered("python3", "/root/.pyenv/shims/python3", "pyenv_shim_python3.json", true);
const inactive = failed(
  "python3.12",
  "/root/.pyenv/shims/python3.12",
  "pyenv_shim_inactive.stderr.txt",
  127,
  true,
);
const venvPython = answered("python3", "/tmp/fxvenv/bin/python3", "debian_venv.json");
const py27 = answered("python", "/root/.pyenv/versions/2.7.18/bin/python", "python27.json");
const broken = failed("python3", "/usr/bin/python3", "broken_pythonhome.stderr.txt", 1);

function snap(onPath: PyInterpreter[], over: Partial<PythonSnapshot> = {}): PythonSnapshot {
  return { onPath, shadowed: [], specs: {}, extraPathExists: {}, ...over };
}

function run(
  id: string,
  s: PythonSnapshot,
  env: Record<string, string> = {},
  files: Record<string, string> = {},
): CheckResult {
  const check = pythonCategory.checks.find((c) => c.id === id);
  assert.ok(check, `no check ${id}`);
  return check.run(s, doctorInput(env, files));
}

describe("python.interpreters", () => {
  it("lists the working interpreters and calls an inactive pyenv shim what it is", () => {
    const r = run("python.interpreters", snap([shim, inactive, { ...shim, name: "python" }]));
    assert.equal(r.status, "pass");
    assert.match(r.summary, /^2 working: 3\.11\.7; 1 inactive pyenv shim/);
    assert.ok(
      r.details?.some((d) =>
        d.includes("no active pyenv version provides it (installed in 3.12.1)")
      ),
    );
  });

  it("warns when no Python is on PATH: only docker mode can run tasks", () => {
    const r = run("python.interpreters", snap([]));
    assert.equal(r.status, "warn");
  });

  it("fails when every interpreter on PATH is broken, quoting Python's own error", () => {
    const r = run("python.interpreters", snap([broken]));
    assert.equal(r.status, "fail");
    assert.ok(r.details?.some((d) => d.includes("No module named 'encodings'")), String(r.details));
  });

  it("mentions interpreters hidden behind the first of the same name", () => {
    const r = run(
      "python.interpreters",
      snap([shim], { shadowed: [{ name: "python3", path: "/usr/bin/python3" }] }),
    );
    assert.ok(r.details?.some((d) => d.includes("hidden by the ones above: /usr/bin/python3")));
  });
});

describe("python.binary", () => {
  it("passes with python3 from PATH when nothing is configured", () => {
    const r = run("python.binary", snap([debian]));
    assert.equal(r.status, "pass");
    assert.equal(r.summary, "tasks use /usr/bin/python3 (Python 3.11.2)");
  });

  it("uses agent.python_binary when it is found", () => {
    const s = snap([shim], {
      specs: {
        "agent.python_binary": { spec: "/usr/bin/python3", found: true, interpreter: debian },
      },
    });
    const r = run("python.binary", s, {}, { [CONF]: "agent.python_binary: /usr/bin/python3" });
    assert.equal(r.status, "pass");
    assert.match(r.summary, /\/usr\/bin\/python3/);
  });

  it("catches user-pain F37: a missing agent.python_binary makes the agent fall back", () => {
    const s = snap([debian], {
      specs: { "agent.python_binary": { spec: "/opt/py/bin/python3", found: false } },
    });
    const r = run("python.binary", s, {}, { [CONF]: "agent.python_binary: /opt/py/bin/python3" });
    assert.equal(r.status, "warn");
    assert.match(
      r.summary,
      /\/opt\/py\/bin\/python3 is not found; the agent falls back to python3/,
    );
  });

  it("catches user-pain F36: with skip-python-env a missing agent.python_binary fails", () => {
    const s = snap([], {
      specs: { "agent.python_binary": { spec: "/opt/py/bin/python3", found: false } },
    });
    const r = run(
      "python.binary",
      s,
      { CLEARML_AGENT_SKIP_PYTHON_ENV_INSTALL: "1" },
      { [CONF]: "agent.python_binary: /opt/py/bin/python3" },
    );
    assert.equal(r.status, "fail");
  });

  it("warns when agent.default_python asks for a version nobody answers as", () => {
    const r = run("python.binary", snap([debian]), {}, { [CONF]: 'agent.default_python: "3.10"' });
    assert.equal(r.status, "warn");
    assert.match(
      r.summary,
      /no interpreter answers as Python 3\.10; the agent warns and uses python3 \(3\.11\.2\)/,
    );
  });

  it("fails when the interpreter it would use does not run", () => {
    const r = run("python.binary", snap([broken]));
    assert.equal(r.status, "fail");
  });

  it("warns when the chosen interpreter is Python 2", () => {
    const r = run("python.binary", snap([py27]));
    assert.equal(r.status, "warn");
    assert.match(r.summary, /Python 2\.7\.18/);
  });
});

describe("selectPython()", () => {
  it("prefers python3.X matching agent.default_python over python3", () => {
    const py311 = { ...debian, name: "python3.11", path: "/usr/bin/python3.11" };
    const input: DoctorInput = doctorInput({}, { [CONF]: 'agent.default_python: "3.11"' });
    const c = selectPython(snap([py27, py311]), input);
    assert.equal(c.chosen?.path, "/usr/bin/python3.11");
    assert.deepEqual(c.candidates, ["python3.11", "python3", "python"]);
  });
});

describe("python.venv", () => {
  it("passes Debian's python3 with venv and ensurepip, noting virtualenv is missing", () => {
    const r = run("python.venv", snap([debian]));
    assert.equal(r.status, "pass");
    assert.match(r.summary, /falls back to venv/);
  });

  it("fails a python3 with venv but no ensurepip (Debian without python3-venv)", () => {
    const noEnsurepip = structuredClone(debian);
    noEnsurepip.facts!.modules.ensurepip = false;
    const r = run("python.venv", snap([noEnsurepip]));
    assert.equal(r.status, "fail");
    assert.ok(r.fix?.commands?.includes("apt-get install python3.11-venv"));
  });

  it("catches user-pain F35: no virtualenv and no venv (Python 2.7) cannot create venvs", () => {
    const r = run("python.venv", snap([py27]));
    assert.equal(r.status, "fail");
    assert.match(r.summary, /neither virtualenv nor venv/);
  });

  it("passes an interpreter with virtualenv", () => {
    const withVirtualenv = structuredClone(debian);
    withVirtualenv.facts!.modules.virtualenv = true;
    assert.equal(run("python.venv", snap([withVirtualenv])).status, "pass");
  });

  it("is skipped when CLEARML_AGENT_SKIP_PIP_VENV_INSTALL makes no venv", () => {
    const r = run("python.venv", snap([debian]), { CLEARML_AGENT_SKIP_PIP_VENV_INSTALL: "1" });
    assert.equal(r.status, "skip");
  });
});

describe("python.pip", () => {
  it("warns that Debian's python3 refuses pip installs (PEP 668) in skip-venv mode", () => {
    const r = run("python.pip", snap([debian]), { CLEARML_AGENT_SKIP_PIP_VENV_INSTALL: "true" });
    assert.equal(r.status, "warn");
    assert.match(r.summary, /externally managed/);
  });

  it("passes the same with PIP_BREAK_SYSTEM_PACKAGES set", () => {
    const r = run("python.pip", snap([debian]), {
      CLEARML_AGENT_SKIP_PIP_VENV_INSTALL: "true",
      PIP_BREAK_SYSTEM_PACKAGES: "1",
    });
    assert.equal(r.status, "pass");
  });

  it("fails a skip-venv interpreter without pip", () => {
    const noPip = answered(
      "/tmp/fxvenv2/bin/python",
      "/tmp/fxvenv2/bin/python",
      "debian_venv_without_pip.json",
    );
    const s = snap([debian], {
      specs: {
        CLEARML_AGENT_SKIP_PIP_VENV_INSTALL: {
          spec: "/tmp/fxvenv2/bin/python",
          found: true,
          interpreter: noPip,
        },
      },
    });
    const r = run("python.pip", s, {
      CLEARML_AGENT_SKIP_PIP_VENV_INSTALL: "/tmp/fxvenv2/bin/python",
    });
    assert.equal(r.status, "fail");
    assert.match(r.summary, /has no pip/);
  });

  it("passes in normal mode, where each venv brings its own pip", () => {
    assert.equal(run("python.pip", snap([shim])).status, "pass");
  });
});

describe("python.agent_in_venv", () => {
  it("catches user-pain F34: an activated venv would nest the task venvs", () => {
    const r = run("python.agent_in_venv", snap([venvPython]), { VIRTUAL_ENV: "/tmp/fxvenv" });
    assert.equal(r.status, "warn");
    assert.match(r.summary, /inside the venv \/tmp\/fxvenv/);
  });

  it("catches user-pain F34: python3 on PATH belonging to a venv, without VIRTUAL_ENV", () => {
    const r = run("python.agent_in_venv", snap([venvPython]));
    assert.equal(r.status, "warn");
    assert.match(r.summary, /base \/usr/);
  });

  // clearml_agent/commands/worker.py:3847-3859
  it("passes inside a container whose image ships an activated venv", () => {
    const r = run(
      "python.agent_in_venv",
      snap([venvPython]),
      { VIRTUAL_ENV: "/opt/venv", CLEARML_DOCKER_IMAGE: "img" },
      { [CONF]: "agent.package_manager.system_site_packages: true" },
    );
    assert.equal(r.status, "pass");
    assert.match(r.summary, /installs into it/);
  });

  it("passes a pyenv shim and says its version depends on the directory", () => {
    const r = run("python.agent_in_venv", snap([shim]));
    assert.equal(r.status, "pass");
    assert.ok(r.details?.some((d) => d.includes(".python-version")));
  });
});

describe("usesActivatedVenv() (T61)", () => {
  const base = { dockerUseActivatedVenv: undefined, systemSitePackages: true };
  const env = { VIRTUAL_ENV: "/opt/venv", CLEARML_DOCKER_IMAGE: "img" };

  it("is true with the image, the venv and system site packages, the switch at its default", () => {
    assert.equal(usesActivatedVenv({ ...base, env }), true);
  });

  it("is false when any condition is missing", () => {
    assert.equal(
      usesActivatedVenv({ ...base, env: { ...env, CLEARML_AGENT_SKIP_PIP_VENV_INSTALL: "1" } }),
      false,
    );
    assert.equal(usesActivatedVenv({ ...base, env: { VIRTUAL_ENV: "/opt/venv" } }), false);
    assert.equal(usesActivatedVenv({ ...base, systemSitePackages: false, env }), false);
    assert.equal(usesActivatedVenv({ ...base, dockerUseActivatedVenv: false, env }), false);
  });
});

describe("python.skip_env", () => {
  // clearml_agent/commands/worker.py:3838-3846
  it("reads 1, true, false, 0 and a path like the agent", () => {
    const read = (raw: string) =>
      doctorInput({ CLEARML_AGENT_SKIP_PIP_VENV_INSTALL: raw }).agent.variables.find((v) =>
        v.variable.name === "CLEARML_AGENT_SKIP_PIP_VENV_INSTALL"
      )?.value;
    assert.deepEqual(
      ["1", "true", "false", "0", "/usr/bin/python3"].map(read),
      [true, true, false, false, "/usr/bin/python3"],
    );
  });

  it("passes normal mode when neither variable is set", () => {
    assert.equal(run("python.skip_env", snap([debian])).status, "pass");
  });

  // clearml_agent/commands/worker.py:3838-3846
  it("warns that a path that is not found makes the agent fall back to a venv", () => {
    const s = snap([debian], {
      specs: { CLEARML_AGENT_SKIP_PIP_VENV_INSTALL: { spec: "/opt/missing/python", found: false } },
    });
    const r = run("python.skip_env", s, {
      CLEARML_AGENT_SKIP_PIP_VENV_INSTALL: "/opt/missing/python",
    });
    assert.equal(r.status, "warn");
    assert.match(r.summary, /builds a normal venv/);
  });

  it("passes a path that is found and runs", () => {
    const s = snap([shim], {
      specs: {
        CLEARML_AGENT_SKIP_PIP_VENV_INSTALL: {
          spec: "/usr/bin/python3",
          found: true,
          interpreter: debian,
        },
      },
    });
    const r = run("python.skip_env", s, {
      CLEARML_AGENT_SKIP_PIP_VENV_INSTALL: "/usr/bin/python3",
    });
    assert.equal(r.status, "pass");
    assert.match(r.summary, /installed into \/usr\/bin\/python3 \(Python 3\.11\.2/);
  });

  it("warns that a false spelling still turns the venv cache off", () => {
    const r = run("python.skip_env", snap([debian]), {
      CLEARML_AGENT_SKIP_PIP_VENV_INSTALL: "false",
    });
    assert.equal(r.status, "warn");
    assert.match(r.summary, /venv cache off/);
  });

  it("warns that skip-python-env wins when both variables are set", () => {
    const r = run("python.skip_env", snap([debian]), {
      CLEARML_AGENT_SKIP_PYTHON_ENV_INSTALL: "1",
      CLEARML_AGENT_SKIP_PIP_VENV_INSTALL: "/usr/bin/python3",
    });
    assert.equal(r.status, "warn");
    assert.match(r.summary, /CLEARML_AGENT_SKIP_PYTHON_ENV_INSTALL wins/);
  });

  it("catches user-pain F36: skip-python-env without any working interpreter fails", () => {
    const r = run("python.skip_env", snap([broken]), {
      CLEARML_AGENT_SKIP_PYTHON_ENV_INSTALL: "yes",
    });
    assert.equal(r.status, "fail");
  });

  it("fails an invalid skip-python-env spelling, which stops execute", () => {
    const r = run("python.skip_env", snap([debian]), {
      CLEARML_AGENT_SKIP_PYTHON_ENV_INSTALL: "maybe",
    });
    assert.equal(r.status, "fail");
    assert.match(r.summary, /invalid truth value/);
  });

  it("passes skip-python-env with a working interpreter and says packages must be there", () => {
    const r = run("python.skip_env", snap([debian]), {
      CLEARML_AGENT_SKIP_PYTHON_ENV_INSTALL: "1",
    });
    assert.equal(r.status, "pass");
    assert.ok(
      r.details?.some((d) => d.includes("does not pass this variable into docker containers")),
    );
  });
});

describe("extraPythonPath() (T59)", () => {
  it("appends the value with a separator, colons kept on POSIX", () => {
    assert.equal(
      extraPythonPath("/w/src:/w/src/:/usr/lib/python3.10", "/opt/a:/opt/b"),
      "/w/src:/w/src/:/usr/lib/python3.10:/opt/a:/opt/b",
    );
  });

  it("starts with the separator when there is no computed path", () => {
    assert.equal(extraPythonPath(null, "/opt/a"), ":/opt/a");
  });

  it("adds no second separator and uses ; on Windows", () => {
    assert.equal(extraPythonPath("a:", "b"), "a:b");
    assert.equal(extraPythonPath("a", "b:c", ";"), "a;b;c");
    assert.equal(extraPythonPath("a", ""), "a");
  });
});

describe("python.extra_path", () => {
  it("warns about directories that do not exist", () => {
    const s = snap([debian], { extraPathExists: { "/opt/a": true, "/opt/missing": false } });
    const r = run("python.extra_path", s, {
      CLEARML_AGENT_EXTRA_PYTHON_PATH: "/opt/a:/opt/missing",
    });
    assert.equal(r.status, "warn");
    assert.match(r.summary, /\/opt\/missing/);
  });

  it("passes and shows what tasks get", () => {
    const s = snap([debian], { extraPathExists: { "/opt/a": true } });
    const r = run("python.extra_path", s, { CLEARML_AGENT_EXTRA_PYTHON_PATH: "/opt/a:lib" });
    assert.equal(r.status, "pass");
    assert.ok(r.details?.some((d) => d.includes("relative entries") && d.includes("lib")));
  });
});

describe("python introspection", () => {
  it("reads a venv from its prefixes and a system Python as none", () => {
    assert.equal(isVenv(venvPython.facts!), true);
    assert.equal(isVenv(debian.facts!), false);
    assert.equal(debian.facts!.externallyManaged, true);
  });

  it("reads Python 2.7's answer", () => {
    assert.equal(py27.facts!.version, "2.7.18");
    assert.equal(py27.facts!.modules.venv, false);
  });

  it("refuses output that is not the script's JSON", () => {
    assert.equal(parseIntrospection("Python 3.11.2"), undefined);
  });

  it("picks Python's error line from a fatal start-up", () => {
    assert.equal(
      errorLine(fixture("broken_pythonhome.stderr.txt")),
      "ModuleNotFoundError: No module named 'encodings'",
    );
  });
});
