/**
 * The edge of `agent plan` (and of any command that runs a plan): read the task document, resolve
 * the agent's settings, gather the host facts `plan()` needs (pythons, CUDA, files that exist,
 * random names, the image's libc and our binary's builds), and fetch the PyTorch index answers
 * the plan asks for. Everything here touches the machine; `plan()` itself stays pure.
 */
import { readFileSync } from "node:fs";
import { isAbsolute, join } from "node:path";
import type { CliContext } from "./context.ts";
import type { Snapshot } from "./snapshot.ts";
import { resolveAsStarted } from "./resolve_for.ts";
import { readTaskDoc, type TaskDoc } from "../agent/task.ts";
import type { HostFacts, Plan, PlanOptions, PlanSettings } from "../agent/plan_types.ts";
import { plan } from "../agent/plan.ts";
import { stepOf } from "../agent/plan_types.ts";
import { imageAndArgs } from "../agent/docker_argv.ts";
import { SettingsView } from "../agent/settings_view.ts";
import { gatherHostFacts } from "../agent/host_probe.ts";
import { thisBinaryBuilds } from "../agent/binary_builds.ts";
import { detectImageLibc, dockerImageFacts } from "../platform/docker_libc.ts";
import { UsageError } from "../errors.ts";
import { type Fetcher, globalFetcher } from "../agent/pytorch_fetch.ts";
import { fetchTorchAnswers } from "../agent/pytorch_answers.ts";

/** Read and parse `--task-file`: a missing file is a usage error, a bad document exit 3. */
export function readTaskFile(path: string, cwd: string): { task: TaskDoc; path: string } {
  const full = isAbsolute(path) ? path : join(cwd, path);
  let text: string;
  try {
    text = readFileSync(full, "utf8");
  } catch (e: unknown) {
    const why = e instanceof Error && "code" in e ? String(e.code) : String(e);
    throw new UsageError(`--task-file ${path}: cannot read ${full} (${why})`);
  }
  return { task: readTaskDoc(text, path), path: full };
}

export interface PlanCliOptions extends PlanOptions {
  /** Look at the image (libc, arch) when the plan runs in docker; default true. */
  inspectImage?: boolean;
  /** Fetch PyTorch index pages the plan needs; default true. */
  resolveTorch?: boolean;
  fetcher?: Fetcher;
}

export interface PlanInput {
  task: TaskDoc;
  settings: PlanSettings;
  host: HostFacts;
}

export async function gatherPlanInput(
  ctx: CliContext,
  snap: Snapshot,
  taskFile: string,
  options: PlanCliOptions,
): Promise<PlanInput> {
  const { task, path } = readTaskFile(taskFile, ctx.cwd);
  const resolution = await resolveAsStarted(snap, "agent");
  const { inspectImage, resolveTorch, fetcher, ...planOptions } = options;
  void resolveTorch;
  void fetcher;
  const settings: PlanSettings = {
    resolution,
    env: snap.env,
    options: { ...planOptions, taskFile: path },
  };
  const home = snap.home;
  const view = new SettingsView(resolution, snap.env, home);
  const pythonNames = [view.text("agent.python_binary"), task.script.binary]
    .filter((n): n is string => Boolean(n));
  const host: HostFacts = gatherHostFacts({ env: snap.env, home, cwd: snap.cwd, pythonNames });
  const arch = host.arch;
  const cuda = view.text("agent.cuda_version");
  if (cuda) {
    host.cuda = { cuda, cudnn: view.text("agent.cudnn_version") ?? null, source: "settings" };
  }
  if (planOptions.docker !== undefined) {
    const builds = thisBinaryBuilds();
    host.docker = { binaryGlibc: builds.glibc, binaryMusl: builds.musl, binaryArch: arch };
    if (inspectImage !== false && (builds.glibc || builds.musl)) {
      const { image } = imageAndArgs({ view, task, options: planOptions });
      const facts = await detectImageLibc(image, { pull: false, timeoutMs: 10_000, env: snap.env });
      host.docker = { ...host.docker, ...dockerImageFacts(facts) };
    }
  }
  return { task, settings, host };
}

/** Plan, fetching the PyTorch answers the first pass asks for, then planning again with them. */
export async function planWithTorch(
  input: PlanInput,
  options: Pick<PlanCliOptions, "resolveTorch" | "fetcher"> = {},
): Promise<Plan> {
  let p = plan(input.task, input.settings, input.host);
  const torch = stepOf(p, "pytorch");
  if (options.resolveTorch === false || !torch?.requirements.some((r) => r.status === "pending")) {
    return p;
  }
  const http = await fetchTorchAnswers(
    p,
    input.settings,
    input.host,
    options.fetcher ?? globalFetcher(),
  );
  input.host = { ...input.host, http };
  p = plan(input.task, input.settings, input.host);
  return p;
}
