/**
 * `executeTaskDoc()`: one task document from settings to outcome — resolve the agent's
 * settings, gather host facts (and, in docker mode, the image's libc), plan, run. The hook for
 * every way a task arrives: `agent execute --task-file`, `agent build`, and the daemon or
 * `--id` (which fetch the TaskDoc first). Never throws for bad input: a plan that cannot be
 * made is a failed outcome whose reason names the setting.
 */
import { existsSync, mkdirSync, rmSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { ClearmlError } from "../errors.ts";
import type { Resolution } from "../settings/resolve.ts";
import type { TaskDoc } from "./task.ts";
import { type HostFacts, type Plan, type PlanOptions, stepOf } from "./plan_types.ts";
import { plan as makePlan } from "./plan.ts";
import { type LogSink, NULL_SINK, type TaskOutcome } from "./run_types.ts";
import { runTask } from "./run.ts";
import type { EchoStreams } from "./task_log.ts";
import { gatherHostFacts, pythonTempDir, randomName } from "./host_probe.ts";
import { thisBinaryBuilds } from "./binary_builds.ts";
import { detectImageLibc, dockerImageFacts } from "../platform/docker.ts";
import { movePath } from "./user_home.ts";
import { fetchTorchAnswers } from "./pytorch_answers.ts";
import { SettingsView } from "./settings_view.ts";
import { imageAndArgs } from "./docker_argv.ts";
import { globalFetcher } from "./pytorch_fetch.ts";

export interface ExecuteRequest {
  task: TaskDoc;
  /** The agent's settings and environment (`resolveFor(snapshot, "agent")`). */
  resolution: Resolution;
  env: Readonly<Record<string, string>>;
  home: string;
  cwd: string;
  options: PlanOptions;
  sink?: LogSink;
  echo?: EchoStreams;
  signal?: AbortSignal;
  /** `agent build --target DIR`: prepare code and env in DIR, run nothing. */
  buildTarget?: string;
  /** The builds of this binary to mount in containers (default: found next to it). */
  binaries?: { glibc: string | null; musl: string | null };
  /** Messages for the console (plan warnings are in the task log already). */
  say?: (line: string) => void;
}

export interface ExecuteResult {
  outcome: TaskOutcome;
  plan?: Plan;
}

/** Every path under `from` in the plan moved under `to` (`build --target`). */
function retarget(plan: Plan, from: string, to: string): Plan {
  return JSON.parse(
    JSON.stringify(plan),
    (_k, v) => typeof v === "string" ? v.split(":").map((p) => movePath(p, from, to)).join(":") : v,
  );
}

async function dockerFacts(req: ExecuteRequest, image: string, host: HostFacts) {
  const builds = req.binaries ?? thisBinaryBuilds();
  const libc = await detectImageLibc(image, { env: { ...req.env } });
  if (libc.error) req.say?.(`Warning: could not read the libc of ${image}: ${libc.error}`);
  return {
    ...dockerImageFacts(libc),
    binaryGlibc: builds.glibc,
    binaryMusl: builds.musl,
    binaryArch: host.arch,
  };
}

function failedBeforeRun(req: ExecuteRequest, reason: string): TaskOutcome {
  const dir = req.env.CLEARML_AGENT_TEMP_STDOUT_FILE_DIR || pythonTempDir(req.env);
  const file = join(dir, `.clearml_agent_out.${randomName()}.txt`);
  try {
    writeFileSync(file, reason + "\n", { mode: 0o600 });
  } catch {
    // the directory itself may be the problem; the reason says so
  }
  (req.sink ?? NULL_SINK).line(reason, "stderr");
  return { status: "failed", exitCode: null, stdoutFile: file, reason };
}

export async function executeTaskDoc(req: ExecuteRequest): Promise<ExecuteResult> {
  const settings = { resolution: req.resolution, env: req.env, options: { ...req.options } };
  let taskFile: string | undefined;
  try {
    // the same facts as `agent plan` gathers (cli/agent_plan_input.ts)
    const view = new SettingsView(req.resolution, req.env, req.home);
    const pythonNames = [view.text("agent.python_binary"), req.task.script.binary]
      .filter((n): n is string => Boolean(n));
    let host = gatherHostFacts({ env: req.env, home: req.home, cwd: req.cwd, pythonNames });
    const cuda = view.text("agent.cuda_version");
    if (cuda) {
      host.cuda = { cuda, cudnn: view.text("agent.cudnn_version") ?? null, source: "settings" };
    }
    if (settings.options.docker !== undefined) {
      // the container reads the task from a file mounted next to this binary
      taskFile = join(host.tmpdir, `.clearml_agent_task.${host.random.config}.json`);
      writeFileSync(taskFile, JSON.stringify(req.task), { mode: 0o600 });
      settings.options.taskFile = taskFile;
      const { image } = imageAndArgs({ view, task: req.task, options: settings.options });
      host = { ...host, docker: await dockerFacts(req, image, host) };
    }
    let plan = makePlan(req.task, settings, host);
    if (stepOf(plan, "pytorch")?.requirements.some((r) => r.status === "pending")) {
      // the PyTorch index pages the plan asks for, fetched here, then planned again with them
      const http = await fetchTorchAnswers(plan, settings, host, globalFetcher());
      host = { ...host, http };
      plan = makePlan(req.task, settings, host);
    }
    if (req.buildTarget) {
      const venv = stepOf(plan, "python-env")?.venvDir;
      if (!venv) throw new ClearmlError("agent build: the plan has no environment to build", 1);
      plan = retarget(plan, venv, req.buildTarget);
      mkdirSync(dirname(req.buildTarget), { recursive: true });
    }
    const outcome = await runTask({
      plan,
      settings,
      host,
      sink: req.sink ?? NULL_SINK,
      ...(req.echo ? { echo: req.echo } : {}),
      ...(req.signal ? { signal: req.signal } : {}),
      ...(req.buildTarget ? { prepareOnly: true } : {}),
    });
    return { outcome, plan };
  } catch (e: unknown) {
    if (!(e instanceof ClearmlError)) throw e;
    const outcome = failedBeforeRun(req, e.message);
    await (req.sink ?? NULL_SINK).flush();
    return { outcome };
  } finally {
    if (taskFile && existsSync(taskFile)) rmSync(taskFile, { force: true });
  }
}
