/**
 * The edge of `agent plan` (and of any command that runs a plan): read the task document, resolve
 * the agent's settings, gather the host facts `plan()` needs (pythons, CUDA, files that exist,
 * random names, the image's libc and our binary's builds), and fetch the PyTorch index answers
 * the plan asks for. Everything here touches the machine; `plan()` itself stays pure.
 */
import { existsSync, readFileSync, statSync } from "node:fs";
import { hostname, tmpdir } from "node:os";
import { basename, dirname, isAbsolute, join } from "node:path";
import { randomBytes } from "node:crypto";
import type { CliContext } from "./context.ts";
import type { Snapshot } from "./snapshot.ts";
import { resolveAsStarted } from "./resolve_for.ts";
import { readTaskDoc, type TaskDoc } from "../agent/task.ts";
import type {
  HostFacts,
  Plan,
  PlanOptions,
  PlanSettings,
  PythonFound,
} from "../agent/plan_types.ts";
import { plan } from "../agent/plan.ts";
import { stepOf } from "../agent/plan_types.ts";
import { imageAndArgs } from "../agent/docker_argv.ts";
import { SettingsView } from "../agent/settings_view.ts";
import { findExecutable } from "../platform/find_executable.ts";
import { exec } from "../platform/exec.ts";
import { detectImageLibc, dockerImageFacts } from "../platform/docker_libc.ts";
import { isCompiled } from "../runtime/info.ts";
import { UsageError } from "../errors.ts";
import { type Fetcher, globalFetcher } from "../agent/pytorch_fetch.ts";
import { fetchTorchAnswers } from "../agent/pytorch_answers.ts";

const ARCH: Readonly<Record<string, string>> = { x64: "x86_64", arm64: "aarch64", ia32: "i686" };

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

/** Random temp-name characters as Python's tempfile draws them (`[a-z0-9_]`, 8). */
function randomName(): string {
  const chars = "abcdefghijklmnopqrstuvwxyz0123456789_";
  return [...randomBytes(8)].map((b) => chars[b % chars.length]).join("");
}

async function findPythons(
  env: Readonly<Record<string, string>>,
  cwd: string,
): Promise<PythonFound[]> {
  const names = [...Array.from({ length: 16 }, (_, i) => `python3.${20 - i}`), "python3", "python"];
  const found = names.map((command) => ({ command, path: findExecutable(command, env, cwd) }))
    .filter((p): p is { command: string; path: string } => Boolean(p.path));
  const versions = await Promise.all(
    found.map((p) => exec(p.path, ["--version"], { timeoutMs: 5000 })),
  );
  const out: PythonFound[] = [];
  found.forEach((p, i) => {
    const r = versions[i]!;
    const m = /Python (\d+(?:\.\d+)*)/.exec(r.stdout + r.stderr);
    if (m) out.push({ command: p.command, path: p.path, version: m[1]! });
  });
  return out;
}

/** The builds of this binary next to it: `clearml-linux-<arch>` (glibc) and `…-musl`. */
function binaryBuilds(arch: string): { glibc: string | null; musl: string | null } {
  if (!isCompiled()) return { glibc: null, musl: null };
  const self = process.execPath;
  const dir = dirname(self);
  const node = arch === "aarch64" ? "arm64" : "x64";
  const isFile = (p: string) => existsSync(p) && statSync(p).isFile();
  const own = basename(self).includes("musl") ? "musl" : "glibc";
  const glibc = own === "glibc" ? self : [join(dir, `clearml-linux-${node}`)].find(isFile) ?? null;
  const musl = own === "musl"
    ? self
    : [join(dir, `clearml-linux-${node}-musl`)].find(isFile) ?? null;
  return { glibc, musl };
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
  const arch = ARCH[process.arch] ?? process.arch;
  const candidates = [`${home}/.ssh`, `${home}/.git-credentials`, `${home}/.gitconfig`];
  const host: HostFacts = {
    hostname: hostname(),
    platform: process.platform,
    arch,
    home,
    tmpdir: snap.env.TMPDIR || tmpdir(),
    cwd: snap.cwd,
    pid: process.pid,
    uid: typeof process.getuid === "function" ? process.getuid() : null,
    pythons: await findPythons(snap.env, snap.cwd),
    existing: candidates.filter((p) => existsSync(p)),
    random: { stdout: randomName(), config: randomName(), ssh: randomName() },
  };
  const view = new SettingsView(resolution, snap.env, home);
  const cuda = view.text("agent.cuda_version");
  if (cuda) {
    host.cuda = { cuda, cudnn: view.text("agent.cudnn_version") ?? null, source: "settings" };
  }
  if (planOptions.docker !== undefined) {
    const builds = binaryBuilds(arch);
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
