/**
 * Doctor's python category: the interpreters the agent can build task environments from, the one
 * it would pick, its venv tooling, and the skip-install variables that change all of that
 * (agent-exec §1 rows 21, 30, 31, §5.7; user-pain F34-F38). Checks are pure functions of the
 * probe's snapshot.
 */
import type { Category, Check, CheckResult, DoctorInput } from "../types.ts";
import { errorLine, isVenv } from "../python_introspect.ts";
import { type PythonChoice, selectPython } from "../python_select.ts";
import { probePython } from "../probes/python_probe.ts";
import type { PyInterpreter, PythonSnapshot } from "../probes/python_snapshot.ts";

import { settingAt } from "../setting_at.ts";
import { usesActivatedVenv } from "../../agent/activated_venv.ts";
import { extraPythonPath } from "../../agent/extra_python_path.ts";
import type { VariableState } from "../../settings/read_variable.ts";

function variable(input: DoctorInput, name: string): VariableState | undefined {
  return input.agent.variables.find((v) => v.variable.name === name);
}

/** A pyenv shim for a version pyenv does not activate: normal with pyenv, not a fault. */
function inactiveShim(i: PyInterpreter): boolean {
  return i.pyenvShim && i.code === 127 && /command not found/.test(i.stderr ?? "");
}

function describe(i: PyInterpreter): string {
  if (i.ok && i.facts) {
    const where = i.facts.executable && i.facts.executable !== i.path
      ? ` → ${i.facts.executable}`
      : "";
    const tags = [
      i.pyenvShim ? "pyenv shim" : "",
      isVenv(i.facts) ? `venv of ${i.facts.basePrefix}` : "",
    ].filter(Boolean);
    return `${i.name} ${i.facts.version} (${i.path}${where})${
      tags.length ? ` [${tags.join(", ")}]` : ""
    }`;
  }
  if (inactiveShim(i)) {
    const versions = /exists in these Python versions:\s*([\s\S]*?)(?:\n\s*\n|$)/.exec(
      i.stderr ?? "",
    )?.[1]
      ?.split("\n").map((v) => v.trim()).filter(Boolean);
    return `${i.name} (${i.path}): pyenv shim, no active pyenv version provides it` +
      (versions?.length ? ` (installed in ${versions.join(", ")})` : "");
  }
  const why = i.timedOut ? "no answer (timed out)" : `exit ${i.code ?? "?"}`;
  const first = i.stderr ? errorLine(i.stderr) : undefined;
  return `${i.name} (${i.path}) does not run: ${why}${first ? `: ${first}` : ""}`;
}

/** Python version order, newest first, for a stable listing. */
function byName(a: PyInterpreter, b: PyInterpreter): number {
  const rank = (n: string) => (n === "python3" ? 0 : n === "python" ? 1 : 2);
  const ra = rank(a.name), rb = rank(b.name);
  if (ra !== rb) return ra - rb;
  const va = a.name.replace(/^python/, "").split(".").map(Number);
  const vb = b.name.replace(/^python/, "").split(".").map(Number);
  return (vb[1] ?? 0) - (va[1] ?? 0);
}

function interpreters(s: PythonSnapshot): CheckResult {
  const all = [...s.onPath].sort(byName);
  const working = all.filter((i) => i.ok);
  const broken = all.filter((i) => !i.ok && !inactiveShim(i));
  const details = all.map(describe);
  if (s.shadowed.length) {
    details.push(
      `also on PATH, hidden by the ones above: ${s.shadowed.map((x) => x.path).join(", ")}`,
    );
  }
  const evidence = {
    interpreters: all.map((i) => ({
      name: i.name,
      path: i.path,
      ok: i.ok,
      version: i.facts?.version,
      executable: i.facts?.executable,
      venv: i.facts ? isVenv(i.facts) : undefined,
      pyenvShim: i.pyenvShim,
    })),
  };
  if (all.length === 0) {
    return {
      status: "warn",
      summary: "no python, python3 or python3.X on PATH: tasks can only run in docker mode",
      details: ["the agent builds each task's venv from a Python on this machine"],
      evidence,
      fix: {
        text:
          "install Python 3 (e.g. apt-get install python3 python3-venv), or run tasks with --docker",
      },
    };
  }
  if (working.length === 0) {
    return {
      status: broken.length ? "fail" : "warn",
      summary: `${all.length} Python interpreter(s) on PATH, none runs`,
      details,
      evidence,
      fix: {
        text:
          "repair or remove the broken interpreters, or set agent.python_binary to one that runs",
      },
    };
  }
  const versions = [...new Set(working.map((i) => i.facts!.version))].join(", ");
  return {
    status: "pass",
    summary: `${working.length} working: ${versions}` +
      (broken.length ? ` (${broken.length} more on PATH do not run)` : "") +
      (all.length - working.length - broken.length
        ? `; ${all.length - working.length - broken.length} inactive pyenv shim(s)`
        : ""),
    details,
    evidence,
  };
}

function choiceEvidence(c: PythonChoice): Record<string, unknown> {
  return {
    requested: c.requested,
    from: c.from,
    candidates: c.candidates,
    chosen: c.chosen ? { path: c.chosen.path, version: c.chosen.facts?.version } : null,
    ...(c.fallback ? { fallback: c.fallback } : {}),
  };
}

function skipPythonEnv(input: DoctorInput): boolean {
  const v = variable(input, "CLEARML_AGENT_SKIP_PYTHON_ENV_INSTALL");
  return v?.status === "set" && v.value === true;
}

function binary(s: PythonSnapshot, input: DoctorInput): CheckResult {
  const c = selectPython(s, input);
  const evidence = choiceEvidence(c);
  const details = [`asked for: ${c.requested} (${c.from})`, `tried: ${c.candidates.join(", ")}`];
  if (!c.chosen) {
    return {
      status: skipPythonEnv(input) ? "fail" : "warn",
      summary: c.fallback ?? `no ${c.candidates.join(" or ")} on PATH`,
      details,
      evidence,
      fix: {
        text: "install Python 3, or set agent.python_binary to the full path of an interpreter",
      },
    };
  }
  details.push(`uses: ${describe(c.chosen)}`);
  if (!c.chosen.ok) {
    return {
      status: "fail",
      summary: `the agent would use ${c.chosen.path}, which does not run`,
      details: [...details, ...(c.chosen.stderr ? c.chosen.stderr.split("\n").slice(-8) : [])],
      evidence,
      fix: { text: "point agent.python_binary at a working interpreter" },
    };
  }
  const version = c.chosen.facts!.version;
  if (c.fallback) {
    const missingBinary = c.requested.startsWith("agent.python_binary");
    return {
      status: missingBinary && skipPythonEnv(input) ? "fail" : "warn",
      summary: c.fallback,
      details,
      evidence,
      fix: {
        text: missingBinary
          ? "fix agent.python_binary (a full path, or a name on PATH)"
          : "install the requested Python version, or change agent.default_python",
      },
    };
  }
  if (version.startsWith("2.")) {
    return {
      status: "warn",
      summary:
        `the agent would use Python ${version} (${c.chosen.path}): Python 2 cannot run current clearml`,
      details,
      evidence,
      fix: { text: "set agent.python_binary to a Python 3 interpreter" },
    };
  }
  return {
    status: "pass",
    summary: `tasks use ${c.chosen.path} (Python ${version})`,
    details,
    evidence,
  };
}

type SkipMode =
  | { kind: "normal" }
  | { kind: "invalid"; error: string }
  | { kind: "skip-python-env" }
  | { kind: "system"; target?: PyInterpreter; via: string };

function skipMode(s: PythonSnapshot, input: DoctorInput): SkipMode {
  const env = variable(input, "CLEARML_AGENT_SKIP_PYTHON_ENV_INSTALL");
  if (env?.status === "invalid") return { kind: "invalid", error: env.error ?? "invalid value" };
  if (env?.status === "set" && env.value === true) return { kind: "skip-python-env" };
  const pip = variable(input, "CLEARML_AGENT_SKIP_PIP_VENV_INSTALL");
  if (pip?.status !== "set") return { kind: "normal" };
  if (pip.value === true) {
    const c = selectPython(s, input);
    return { kind: "system", ...(c.chosen ? { target: c.chosen } : {}), via: c.requested };
  }
  if (typeof pip.value === "string" && s.specs.CLEARML_AGENT_SKIP_PIP_VENV_INSTALL?.interpreter) {
    return {
      kind: "system",
      target: s.specs.CLEARML_AGENT_SKIP_PIP_VENV_INSTALL.interpreter,
      via: `CLEARML_AGENT_SKIP_PIP_VENV_INSTALL=${pip.value}`,
    };
  }
  return { kind: "normal" };
}

function venv(s: PythonSnapshot, input: DoctorInput): CheckResult {
  const mode = skipMode(s, input);
  if (mode.kind === "skip-python-env" || mode.kind === "system") {
    return {
      status: "skip",
      summary: mode.kind === "system"
        ? "no venv is created: CLEARML_AGENT_SKIP_PIP_VENV_INSTALL installs into an existing Python"
        : "no venv is created: CLEARML_AGENT_SKIP_PYTHON_ENV_INSTALL is true",
    };
  }
  const c = selectPython(s, input);
  if (!c.chosen?.facts) {
    return {
      status: "skip",
      summary: "no working interpreter to create venvs with (see python.binary)",
    };
  }
  const f = c.chosen.facts;
  const who = `${c.chosen.path} (Python ${f.version})`;
  const evidence = { interpreter: c.chosen.path, modules: f.modules };
  const details = [
    `virtualenv: ${f.modules.virtualenv ? "yes" : "no"}, venv: ${f.modules.venv ? "yes" : "no"}, ` +
    `ensurepip: ${f.modules.ensurepip ? "yes" : "no"}`,
    "the agent runs `python -m virtualenv`, and `python -m venv` when that fails",
  ];
  if (f.modules.virtualenv) {
    return { status: "pass", summary: `${who} has virtualenv`, details, evidence };
  }
  if (f.modules.venv && f.modules.ensurepip) {
    return {
      status: "pass",
      summary:
        `${who} has venv with ensurepip (virtualenv is not installed; the agent falls back to venv)`,
      details,
      evidence,
    };
  }
  const minor = /^(\d+\.\d+)/.exec(f.version)?.[1] ?? "3";
  if (f.modules.venv) {
    return {
      status: "fail",
      summary:
        `${who} has venv but no ensurepip: \`python -m venv\` fails, and virtualenv is not installed`,
      details,
      evidence,
      fix: {
        text: "install the venv support of this Python, or virtualenv",
        commands: [
          `apt-get install python${minor}-venv`,
          `${c.chosen.path} -m pip install virtualenv`,
        ],
      },
    };
  }
  return {
    status: "fail",
    summary: `${who} can create no venv: neither virtualenv nor venv is importable`,
    details,
    evidence,
    fix: { commands: [`${c.chosen.path} -m pip install virtualenv`] },
  };
}

function pip(s: PythonSnapshot, input: DoctorInput): CheckResult {
  const mode = skipMode(s, input);
  if (mode.kind === "system") {
    const t = mode.target;
    if (!t?.facts) {
      return {
        status: "skip",
        summary: "no working interpreter to install into (see python.skip_env)",
      };
    }
    const evidence = {
      interpreter: t.path,
      pip: t.facts.modules.pip,
      externallyManaged: t.facts.externallyManaged,
    };
    if (!t.facts.modules.pip) {
      return {
        status: "fail",
        summary: `packages go into ${t.path}, which has no pip`,
        details: [`chosen by ${mode.via}`],
        evidence,
        fix: { commands: [`${t.path} -m ensurepip --upgrade`] },
      };
    }
    if (t.facts.externallyManaged && !input.env.PIP_BREAK_SYSTEM_PACKAGES) {
      return {
        status: "warn",
        summary: `packages go into ${t.path}, which is externally managed (PEP 668): ` +
          "pip refuses to install there",
        details: [
          `chosen by ${mode.via}`,
          "pip stops with error: externally-managed-environment unless told otherwise",
        ],
        evidence,
        fix: {
          text: "use a Python you own (a venv or pyenv) as the skip-venv interpreter, " +
            "or allow it with PIP_BREAK_SYSTEM_PACKAGES=1",
        },
      };
    }
    return { status: "pass", summary: `packages go into ${t.path} with its pip`, evidence };
  }
  if (mode.kind === "skip-python-env") {
    return {
      status: "skip",
      summary: "nothing is installed: CLEARML_AGENT_SKIP_PYTHON_ENV_INSTALL is true",
    };
  }
  const c = selectPython(s, input);
  if (!c.chosen?.facts) {
    return { status: "skip", summary: "no working interpreter (see python.binary)" };
  }
  const f = c.chosen.facts;
  return {
    status: "pass",
    summary: f.modules.pip
      ? `${c.chosen.path} has pip; task venvs get their own`
      : `${c.chosen.path} has no pip of its own; task venvs get pip from virtualenv or ensurepip`,
    evidence: { interpreter: c.chosen.path, pip: f.modules.pip },
  };
}

function agentInVenv(s: PythonSnapshot, input: DoctorInput): CheckResult {
  const env = input.env;
  const active = env.VIRTUAL_ENV?.trim() ? env.VIRTUAL_ENV : undefined;
  const c = selectPython(s, input);
  const chosenVenv = c.chosen?.facts && isVenv(c.chosen.facts) ? c.chosen : undefined;
  const evidence: Record<string, unknown> = {
    VIRTUAL_ENV: active ?? null,
    CONDA_PREFIX: env.CONDA_PREFIX ?? null,
    interpreter: c.chosen?.path ?? null,
    interpreterIsVenv: Boolean(chosenVenv),
    pyenvShim: c.chosen?.pyenvShim ?? false,
  };
  if (active) {
    const t61 = usesActivatedVenv({
      env,
      dockerUseActivatedVenv: settingAt(input.agent, "agent.docker_use_activated_venv").value,
      systemSitePackages:
        settingAt(input.agent, "agent.package_manager.system_site_packages").value,
    });
    if (t61) {
      return {
        status: "pass",
        summary: `inside a container with the activated venv ${active}: the agent installs into it`,
        details: [
          "CLEARML_DOCKER_IMAGE and VIRTUAL_ENV are set, agent.docker_use_activated_venv and " +
          "agent.package_manager.system_site_packages are on: `python` on PATH is used, no new venv",
        ],
        evidence,
      };
    }
    return {
      status: "warn",
      summary:
        `the agent runs inside the venv ${active} (VIRTUAL_ENV): task venvs would be built from the venv's Python`,
      details: [
        "nested venvs lose or mix packages (\"No module named 'clearml'\" after a successful setup)",
        "the agent should run from the system Python or a pyenv version, not from an activated venv",
      ],
      evidence,
      fix: {
        text:
          "deactivate the venv before starting the agent, or set agent.python_binary to a non-venv Python",
      },
    };
  }
  if (chosenVenv) {
    return {
      status: "warn",
      summary: `${chosenVenv.path} belongs to a venv (prefix ${chosenVenv.facts!.prefix}, ` +
        `base ${chosenVenv.facts!.basePrefix}): task venvs would be nested in it`,
      evidence,
      fix: { text: "put a non-venv Python first on PATH, or set agent.python_binary" },
    };
  }
  const details: string[] = [];
  if (c.chosen?.pyenvShim) {
    details.push(
      `${c.chosen.path} is a pyenv shim: the Python it runs depends on PYENV_VERSION and the ` +
        "working directory's .python-version",
    );
  }
  if (env.CONDA_PREFIX) details.push(`a conda environment is active: ${env.CONDA_PREFIX}`);
  return {
    status: "pass",
    summary: c.chosen ? `not in a venv (${c.chosen.path})` : "not in a venv",
    ...(details.length ? { details } : {}),
    evidence,
  };
}

function skipEnv(s: PythonSnapshot, input: DoctorInput): CheckResult {
  const envVar = variable(input, "CLEARML_AGENT_SKIP_PYTHON_ENV_INSTALL");
  const pipVar = variable(input, "CLEARML_AGENT_SKIP_PIP_VENV_INSTALL");
  const evidence = {
    CLEARML_AGENT_SKIP_PYTHON_ENV_INSTALL: envVar?.raw ?? null,
    CLEARML_AGENT_SKIP_PIP_VENV_INSTALL: pipVar?.raw ?? null,
  };
  if (envVar?.status === "invalid") {
    return {
      status: "fail",
      summary:
        `CLEARML_AGENT_SKIP_PYTHON_ENV_INSTALL=${envVar.raw}: ${envVar.error}; execute stops (exit 1)`,
      evidence,
      fix: { text: "use one of y yes t true on 1 / n no f false off 0" },
    };
  }
  const pipSet = pipVar?.status === "set";
  if (envVar?.status === "set" && envVar.value === true) {
    const c = selectPython(s, input);
    const details = [
      "execute skips venv creation and requirement installation: the interpreter must already have the task's packages",
      "the daemon does not pass this variable into docker containers; set it in the image or the task's environment",
    ];
    if (pipSet) {
      return {
        status: "warn",
        summary: "both skip variables are set: CLEARML_AGENT_SKIP_PYTHON_ENV_INSTALL wins and " +
          `CLEARML_AGENT_SKIP_PIP_VENV_INSTALL=${pipVar.raw} is ignored by execute`,
        details,
        evidence,
        fix: { text: "unset one of them" },
      };
    }
    if (!c.chosen?.ok) {
      return {
        status: "fail",
        summary:
          "CLEARML_AGENT_SKIP_PYTHON_ENV_INSTALL is true but no working interpreter is found to run tasks with",
        details: [...details, ...(c.fallback ? [c.fallback] : [])],
        evidence,
        fix: { text: "set agent.python_binary to the interpreter that has the task's packages" },
      };
    }
    return {
      status: "pass",
      summary: `no Python environment work: tasks run with ${c.chosen.path} as it is`,
      details,
      evidence,
    };
  }
  if (!pipSet) {
    return {
      status: "pass",
      summary: "normal mode: a fresh venv per task (cached when possible)",
      evidence,
    };
  }
  const value = pipVar.value;
  if (value === false) {
    return {
      status: "warn",
      summary:
        `CLEARML_AGENT_SKIP_PIP_VENV_INSTALL=${pipVar.raw} keeps venvs, but any non-empty value turns the venv cache off`,
      evidence,
      fix: { text: "unset the variable instead of setting it to false" },
    };
  }
  if (value === true) {
    const c = selectPython(s, input);
    return {
      status: c.chosen?.ok ? "pass" : "fail",
      summary: c.chosen?.ok
        ? `no venv: packages are installed into ${c.chosen.path} (venv cache off)`
        : "no venv, and no working interpreter to install into",
      evidence,
    };
  }
  const spec = s.specs.CLEARML_AGENT_SKIP_PIP_VENV_INSTALL;
  if (!spec?.found) {
    return {
      status: "warn",
      summary:
        `CLEARML_AGENT_SKIP_PIP_VENV_INSTALL=${String(value)} is not an interpreter found here: ` +
        "the agent warns and builds a normal venv",
      details: [
        "a value that is not a true/false spelling is the path of the interpreter to install into",
      ],
      evidence,
      fix: { text: "give the full path of an existing interpreter, or a true/false spelling" },
    };
  }
  if (!spec.interpreter?.ok) {
    return {
      status: "fail",
      summary: `CLEARML_AGENT_SKIP_PIP_VENV_INSTALL=${String(value)} is found but does not run`,
      details: spec.interpreter ? [describe(spec.interpreter)] : [],
      evidence,
    };
  }
  return {
    status: "pass",
    summary: `no venv: packages are installed into ${spec.interpreter.path} ` +
      `(Python ${spec.interpreter.facts!.version}; venv cache off)`,
    evidence,
  };
}

function extraPath(s: PythonSnapshot, input: DoctorInput): CheckResult {
  const v = variable(input, "CLEARML_AGENT_EXTRA_PYTHON_PATH");
  if (v?.status !== "set" || typeof v.value !== "string" || v.value === "") {
    return { status: "pass", summary: "CLEARML_AGENT_EXTRA_PYTHON_PATH is not set" };
  }
  const shown = extraPythonPath("<task dirs>:<venv paths>", v.value);
  const missing = Object.entries(s.extraPathExists).filter(([, ok]) => !ok).map(([p]) => p);
  const relative = v.value.split(":").filter((p) => p !== "" && !p.startsWith("/"));
  const details = [`tasks get PYTHONPATH=${shown}`];
  if (relative.length) {
    details.push(
      `relative entries resolve from the task's working directory: ${relative.join(", ")}`,
    );
  }
  const evidence = { value: v.value, missing };
  if (missing.length) {
    return {
      status: "warn",
      summary: `CLEARML_AGENT_EXTRA_PYTHON_PATH names directories that do not exist: ${
        missing.join(", ")
      }`,
      details,
      evidence,
    };
  }
  return {
    status: "pass",
    summary: `tasks get ${v.value} appended to PYTHONPATH`,
    details,
    evidence,
  };
}

const checks: ReadonlyArray<Check<PythonSnapshot>> = [
  { id: "python.interpreters", title: "Python interpreters on PATH", run: interpreters },
  { id: "python.binary", title: "the interpreter the agent uses", run: binary },
  { id: "python.venv", title: "venv tooling of that interpreter", run: venv },
  { id: "python.pip", title: "pip where packages are installed", run: pip },
  { id: "python.agent_in_venv", title: "the agent is not inside a venv", run: agentInVenv },
  { id: "python.skip_env", title: "skip-install variables", run: skipEnv },
  { id: "python.extra_path", title: "CLEARML_AGENT_EXTRA_PYTHON_PATH", run: extraPath },
];

export const pythonCategory: Category<PythonSnapshot> = {
  name: "python",
  title: "Python",
  probe: probePython,
  external: true,
  checks,
};
