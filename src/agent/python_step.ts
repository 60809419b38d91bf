/**
 * The Python environment step (agent-exec §5.7, §5.8, rows 12, 20, 30-32): venv or not, the
 * interpreter, the venv cache keys, and every `pip install` with its flags. Pure.
 */
import { posix } from "node:path";
import type { HostFacts, PipInstall, PythonEnvStep } from "./plan_types.ts";
import type { TaskDoc } from "./task.ts";
import type { SettingsView } from "./settings_view.ts";
import { requestedPython, type Selected, selectPython } from "./python_select.ts";
import { venvCacheKeys } from "./venv_cache_key.ts";
import { usesActivatedVenv } from "./activated_venv.ts";

export interface PythonChoice {
  mode: PythonEnvStep["mode"];
  why: string;
  selected: Selected;
  requested: string | null;
  messages: string[];
}

/** Decide the mode and the interpreter (before PyTorch resolution, which needs the version). */
export function choosePython(task: TaskDoc, view: SettingsView, host: HostFacts): PythonChoice {
  const messages: string[] = [];
  const requested = requestedPython(task.script.binary);
  const select = (req: string | null) =>
    selectPython({
      requested: req,
      ignoreRequested: view.bool("agent.ignore_requested_python_version", false),
      pythonBinary: view.text("agent.python_binary") || undefined,
      defaultPython: view.text("agent.default_python") || undefined,
      pythons: host.pythons,
    });
  if (view.value("CLEARML_AGENT_SKIP_PYTHON_ENV_INSTALL") === true) {
    // The agent's own interpreter: ours has none, so the first python found stands in.
    const own = host.pythons[0];
    if (!own) {
      return {
        mode: "skip",
        why: "CLEARML_AGENT_SKIP_PYTHON_ENV_INSTALL",
        selected: select(null),
        requested,
        messages,
      };
    }
    return {
      mode: "skip",
      why: "CLEARML_AGENT_SKIP_PYTHON_ENV_INSTALL",
      selected: {
        executable: own.path,
        path: own.path,
        version: own.version,
        suffix: own.version.split(".").slice(0, 2).join("."),
        messages: [],
      },
      requested,
      messages,
    };
  }
  const skip = view.value("CLEARML_AGENT_SKIP_PIP_VENV_INSTALL");
  if (typeof skip === "string" && skip) {
    const hit = host.pythons.find((p) => p.path === skip || p.command === skip);
    if (hit) {
      messages.push(`Python interpreter ${skip} is set from environment var`);
      return {
        mode: "system",
        why: "CLEARML_AGENT_SKIP_PIP_VENV_INSTALL (interpreter path)",
        selected: {
          executable: skip,
          path: hit.path,
          version: hit.version,
          suffix: hit.version.split(".").slice(0, 2).join("."),
          messages: [],
        },
        requested,
        messages,
      };
    }
    messages.push(
      `Warning: interpreter ${skip} could not be found. Reverting to the default interpreter resolution`,
    );
  }
  const selected = select(requested);
  messages.push(...selected.messages);
  if (skip === true) {
    return {
      mode: "system",
      why: "CLEARML_AGENT_SKIP_PIP_VENV_INSTALL",
      selected,
      requested,
      messages,
    };
  }
  if (
    usesActivatedVenv({
      env: view.env,
      dockerUseActivatedVenv: view.plain("agent.docker_use_activated_venv") ?? undefined,
      systemSitePackages: view.plain("agent.package_manager.system_site_packages") ?? undefined,
    })
  ) {
    const python = host.pythons.find((p) => p.command === "python");
    messages.push(
      `Warning! Found python virtual environment [${
        python?.path ?? view.env.VIRTUAL_ENV
      }] already ` +
        "activated inside the container, installing packages into venv (pip does not support inherit/nested venv)",
    );
    if (python) {
      return {
        mode: "activated-venv",
        why: "VIRTUAL_ENV + CLEARML_DOCKER_IMAGE + agent.docker_use_activated_venv",
        selected: { ...selected, executable: "python", path: python.path },
        requested,
        messages,
      };
    }
  }
  return { mode: "venv", why: "agent.venvs_dir", selected, requested, messages };
}

/** The venv folder (`<agent.venvs_dir>/<python suffix>`); code lives under it. */
export function venvFolder(view: SettingsView, choice: PythonChoice): string {
  const base = view.path("agent.venvs_dir", "~/.clearml/venvs-builds") ?? "";
  return choice.mode === "skip" ? base : posix.join(base, choice.selected.suffix);
}

export interface PythonStepInput {
  task: TaskDoc;
  view: SettingsView;
  host: HostFacts;
  choice: PythonChoice;
  /** `agent.cuda_version` as the cache key uses it. */
  cuda: string;
  /** Task pip requirements after PyTorch substitutions (null: no task requirements). */
  requirementsText: string | null;
  torchIndexUrl: string | null;
  /** Code step facts for repository requirements.txt files. */
  codeDir: string;
  cwd: string;
  hasRepository: boolean;
}

const pipCmd = (python: string, ...rest: string[]) => [
  python,
  "-m",
  "pip",
  "--disable-pip-version-check",
  "install",
  ...rest,
];

export function pythonEnvStep(input: PythonStepInput): PythonEnvStep {
  const { task, view, host, choice, cuda } = input;
  const messages = [...choice.messages];
  const folder = venvFolder(view, choice);
  const systemSitePackages = view.bool("agent.package_manager.system_site_packages", false);
  const interpreter = choice.selected.path;
  const venv = choice.mode === "venv";
  const taskPython = venv ? posix.join(folder, "bin", "python") : interpreter;

  const cachePath = view.envText("CLEARML_AGENT_VENV_CACHE_PATH") ||
    view.text("agent.venvs_cache.path");
  const cacheDir = cachePath ? view.path("agent.venvs_cache.path", cachePath) ?? null : null;
  const poetry = view.text("agent.package_manager.type") === "poetry" ||
    view.value("CLEARML_AGENT_FORCE_POETRY") === true ||
    view.value("CLEARML_AGENT_FORCE_UV") === true;
  const skipVar = (view.env.CLEARML_AGENT_SKIP_PIP_VENV_INSTALL ?? "").trim();
  let keys: string[] = [];
  let cacheWhy = "agent.venvs_cache.path";
  if (!cacheDir) {
    cacheWhy = "agent.venvs_cache.path is empty";
    messages.push(
      "::: Python virtual environment cache is DISABLED. To accelerate spin-up time set `agent.venvs_cache.path=~/.clearml/venvs-cache` :::",
    );
  } else if (!venv || skipVar || poetry) {
    cacheWhy = skipVar
      ? "CLEARML_AGENT_SKIP_PIP_VENV_INSTALL is set"
      : poetry
      ? "poetry/uv manage the environment"
      : `no venv (${choice.why})`;
  } else {
    keys = venvCacheKeys(
      task.script.requirements,
      task.execution?.docker_cmd,
      choice.selected.executable,
      cuda,
    );
    if (!keys.length) cacheWhy = "no task requirements (or -r lines): nothing to key the cache on";
    if (view.envText("CLEARML_AGENT_VENV_CACHE_PATH")) cacheWhy = "CLEARML_AGENT_VENV_CACHE_PATH";
  }

  const flags: string[] = [];
  for (const u of view.list("agent.package_manager.extra_index_url") ?? []) {
    if (u) flags.push("--extra-index-url", u);
  }
  if (input.torchIndexUrl) flags.push("--extra-index-url", input.torchIndexUrl);
  flags.push(...(view.list("agent.package_manager.extra_pip_install_flags") ?? []));
  if (view.bool("agent.package_manager.force_upgrade", false)) flags.push("--upgrade");

  const installs: PipInstall[] = [];
  if (choice.mode !== "skip") {
    const pins = (view.list("agent.package_manager.pip_version") ?? []).map((v) => v.trim())
      .map((v) => (/[=~<>]/.test(v) ? `pip${v}` : `pip==${v}`));
    installs.push({
      what: "pip",
      argv: pipCmd(taskPython, ...(pins.length ? pins : ["pip"]), "--upgrade"),
    });
    installs.push({ what: "cython", argv: pipCmd(taskPython, "Cython", ...flags) });
    const forceRepo = view.bool("agent.package_manager.force_repo_requirements_txt", false);
    if (input.requirementsText !== null && input.requirementsText.trim() && !forceRepo) {
      const file = posix.join(host.tmpdir, `cached-reqs${host.random.stdout}.txt`);
      installs.push({
        what: "requirements",
        argv: pipCmd(taskPython, "-r", file, ...flags),
        requirementsText: input.requirementsText.endsWith("\n")
          ? input.requirementsText
          : input.requirementsText + "\n",
      });
    } else if (input.hasRepository) {
      // Every requirements.txt from the repository root down to the working directory.
      const rel = posix.relative(input.codeDir, input.cwd);
      const dirs = [input.codeDir];
      if (rel && !rel.startsWith("..")) {
        let d = input.codeDir;
        for (const part of rel.split("/")) dirs.push(d = posix.join(d, part));
      }
      for (const d of dirs) {
        const file = posix.join(d, "requirements.txt");
        installs.push({
          what: "repo-requirements",
          argv: pipCmd(taskPython, "-r", file, ...flags),
          ifExists: file,
        });
      }
    }
  }

  return {
    kind: "python-env",
    mode: choice.mode,
    why: choice.why,
    requestedVersion: choice.requested,
    interpreter,
    pythonVersion: choice.selected.suffix,
    taskPython,
    venvDir: choice.mode === "skip" ? null : folder,
    createArgv: venv
      ? [
        interpreter,
        "-m",
        "venv",
        folder,
        ...(systemSitePackages ? ["--system-site-packages"] : []),
      ]
      : null,
    systemSitePackages,
    cache: { enabled: keys.length > 0, dir: cacheDir, keys, why: cacheWhy },
    installs,
    installFlags: flags,
    messages,
  };
}
