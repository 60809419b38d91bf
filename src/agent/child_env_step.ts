/**
 * The child environment step (agent-exec §5.5 step 16, §0.3, §3.5, rows 17 and 21): what the
 * task process gets on top of the agent's environment. Pure.
 */
import type { ChildEnvStep, EnvEntry } from "./plan_types.ts";
import type { TaskDoc } from "./task.ts";
import type { SettingsView } from "./settings_view.ts";
import { extraPythonPath } from "./extra_python_path.ts";

export interface ChildEnvInput {
  task: TaskDoc;
  view: SettingsView;
  /** The agent's environment after --cpu-only/--gpus (deviceEnv). */
  deviceEnv: Readonly<Record<string, string>>;
  workerId: string;
  logLevel: string;
  /** The configuration file the child reads (the agent's), if any. */
  configFile: string | null;
  scriptDir: string;
  entryPoint: string;
}

const SECRET_NAMES = new Set(["CLEARML_API_SECRET_KEY", "TRAINS_API_SECRET_KEY"]);

export function childEnvStep(input: ChildEnvInput): ChildEnvStep {
  const { task, view, deviceEnv } = input;
  const env = view.env;
  const set = new Map<string, EnvEntry>();
  const put = (name: string, value: string, why: string, secret = SECRET_NAMES.has(name)) =>
    set.set(name, { name, value, secret, why });
  const twin = (name: string, value: string, why: string) => {
    put(name, value, why);
    put(name.replace("CLEARML_", "TRAINS_"), value, why);
  };

  // --cpu-only / --gpus as the agent's Session applies them to its own environment.
  const unset: string[] = [];
  for (const name of ["NVIDIA_VISIBLE_DEVICES", "CUDA_VISIBLE_DEVICES", "CUDA_DEVICE_ORDER"]) {
    if (deviceEnv[name] === undefined && env[name] !== undefined) unset.push(name);
    else if (deviceEnv[name] !== undefined && deviceEnv[name] !== env[name]) {
      put(name, deviceEnv[name]!, "--cpu-only / --gpus (agent-exec §3.5)");
    }
  }

  twin("CLEARML_WORKER_ID", input.workerId, "worker id");
  const api: Array<[string, string]> = [
    ["CLEARML_API_HOST", "api.api_server"],
    ["CLEARML_WEB_HOST", "api.web_server"],
    ["CLEARML_FILES_HOST", "api.files_server"],
    ["CLEARML_API_ACCESS_KEY", "api.credentials.access_key"],
    ["CLEARML_API_SECRET_KEY", "api.credentials.secret_key"],
  ];
  for (const [name, key] of api) {
    const v = view.text(key);
    if (v && env[name] === undefined) twin(name, v, key);
  }
  // The job variables (worker.py _get_job_os_envs).
  twin("CLEARML_TASK_ID", task.id, "task id");
  twin("CLEARML_LOG_LEVEL", input.logLevel, "--log-level");
  twin("CLEARML_LOG_TASK_TO_BACKEND", "0", "the agent ships the log");
  if (input.configFile) twin("CLEARML_CONFIG_FILE", input.configFile, "the agent's configuration");

  if (view.bool("agent.enable_task_env", false)) {
    for (const p of Object.values(task.hyperparams.Environment ?? {})) {
      if (p.name) {
        put(p.name, p.value, "task hyperparams Environment (agent.enable_task_env)", false);
      }
    }
  }

  // PYTHONPATH: the existing one, then the script and entry-point directories, then the extra.
  let python: string | null | undefined = `${input.scriptDir}:`;
  const entryDir = input.entryPoint && !input.entryPoint.trim().startsWith("-")
    ? parentOf(`${input.scriptDir}/${input.entryPoint}`)
    : null;
  if (entryDir) python += `${entryDir}:`;
  python = extraPythonPath(
    python,
    view.envText("CLEARML_AGENT_EXTRA_PYTHON_PATH", "TRAINS_AGENT_EXTRA_PYTHON_PATH"),
  );
  if (python) {
    put(
      "PYTHONPATH",
      [env.PYTHONPATH, python].filter((p) => p).join(":"),
      "script dir + CLEARML_AGENT_EXTRA_PYTHON_PATH",
      false,
    );
  }

  // §0.3: every CLEARML_* variable the child sees has its TRAINS_* twin.
  const seen = { ...env, ...Object.fromEntries([...set.values()].map((e) => [e.name, e.value])) };
  for (const [name, value] of Object.entries(seen)) {
    if (!name.startsWith("CLEARML_")) continue;
    const t = name.replace("CLEARML_", "TRAINS_");
    if (seen[t] === undefined && !set.has(t)) {
      put(t, value, `mirror of ${name}`, set.get(name)?.secret ?? /SECRET|PASS|TOKEN/.test(name));
    }
  }
  const user = view.envText("CLEARML_AGENT_EXEC_USER", "TRAINS_AGENT_EXEC_USER") ?? null;
  return {
    kind: "child-env",
    set: [...set.values()].filter((e) => !unset.includes(e.name)),
    unset,
    user,
  };
}

function parentOf(path: string): string {
  const parts = path.split("/");
  parts.pop();
  const out: string[] = [];
  for (const p of parts) {
    if (p === "..") out.pop();
    else if (p !== "." && p !== "") out.push(p);
  }
  return "/" + out.join("/");
}
