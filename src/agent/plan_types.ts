/**
 * The agent's plan: what `clearml agent execute` will do for one task, as data (schema
 * `clearml.agent-plan/v1`). `plan()` (plan.ts) builds it purely from the task, the resolved
 * settings and the facts gathered at the edge (`HostFacts`); `runTask()` walks the steps.
 * Every step carries the setting or input that decided it (`why`) so a step that cannot run can
 * say what caused it.
 *
 * Secrets: the plan holds the real values (the runner needs them). `secretValues` lists them so
 * printers can mask (`maskPlan()` in plan_mask.ts); never print a plan without masking it.
 */
import type { Resolution } from "../settings/resolve.ts";

export const PLAN_SCHEMA = "clearml.agent-plan/v1" as const;

/** CLI choices that shape the plan (`execute`/`plan`/`build` flags). */
export interface PlanOptions {
  /** `--docker [IMAGE [ARGS…]]`: undefined = not docker; [] = agent default image. */
  docker?: string[];
  /** `--cpu-only` (or `CLEARML_CPU_ONLY`, ours). */
  cpuOnly?: boolean;
  /** `--gpus G`. */
  gpus?: string;
  /** `--services-mode [N]`: -1 unlimited, N>0 limit; undefined or 0 = off. */
  servicesMode?: number;
  /** The worker id of the agent (daemon id); else generated as the agent does. */
  workerId?: string;
  /** `--standalone-mode`: the image already has everything; no install block. */
  standalone?: boolean;
  /** `--debug`: with `CLEARML_AGENT_DEBUG_INFO=docker`, docker debug lines go to `messages`. */
  debug?: boolean;
  /** The command the plan is for: `build` prepares code and env only. */
  command?: "execute" | "build" | "daemon";
  /** `--force-current-version`: pin clearml-agent in the pip fallback script. */
  forceCurrentVersion?: boolean;
  /** `--child-report-tags`: worker tags of task runs. */
  childReportTags?: string[];
  /** A valid restart policy (services mode on an advanced server): `--restart`, no `--rm`. */
  restart?: string;
  /** The task document's path on the host (mounted into the container for our binary). */
  taskFile?: string;
  /** `--log-level` exported to the task (default INFO). */
  logLevel?: string;
}

/** Settings as the agent resolves them, plus the raw environment it sees. */
export interface PlanSettings {
  /** `resolveFor(snapshot, "agent", flags)`. */
  resolution: Resolution;
  /** The agent's process environment (after `--env-file`). */
  env: Readonly<Record<string, string>>;
  options: PlanOptions;
}

/** A Python interpreter found at the edge. */
export interface PythonFound {
  /** The name it was found by (`python3.10`, `python3`, or a path). */
  command: string;
  /** Absolute path. */
  path: string;
  /** Full version (`3.10.12`). */
  version: string;
}

/** libc family of a docker image, as the platform adapter detects it. */
export type ImageLibc = "glibc" | "musl" | "none" | "unknown";

/** Docker facts from the edge (platform adapter); all optional: absent means unknown. */
export interface DockerHostFacts {
  /** libc of the image the task will run in. */
  imageLibc?: ImageLibc;
  /** Image architecture in `uname -m` terms (`x86_64`, `aarch64`); null when unknown. */
  imageArch?: string | null;
  /** The image has `libstdc++.so.6` and `libgcc_s.so.1` (the musl build needs both). */
  imageHasLibstdcxx?: boolean;
  /** Path of the glibc build of this `clearml` binary, if present on the host. */
  binaryGlibc?: string | null;
  /** Path of the musl build of this `clearml` binary, if present on the host. */
  binaryMusl?: string | null;
  /** Architecture of those builds (`uname -m` terms). */
  binaryArch?: string | null;
  /** `docker inspect` network mode of the agent's own container (host-mount / k8s case). */
  ownNetworkMode?: string | null;
}

/** Facts gathered at the edge; `plan()` never looks anything up itself. */
export interface HostFacts {
  hostname: string;
  /** `process.platform`-style (`linux`, `darwin`, `win32`). */
  platform: string;
  /** `uname -m` (`x86_64`, `aarch64`). */
  arch: string;
  home: string;
  tmpdir: string;
  cwd: string;
  pid: number;
  uid?: number | null;
  /** Interpreters found on PATH (python3.X…, python3, python), in search order. */
  pythons: PythonFound[];
  /** CUDA/cuDNN from the detection chain (agent-exec §3), normalised; null = not found. */
  cuda?: { cuda: string | null; cudnn: string | null; source: string } | null;
  /** Paths that exist (`~/.ssh`, `~/.git-credentials`, `~/.gitconfig`, the force code dir…). */
  existing: string[];
  /** Randomness for temp names (8 chars of `[a-z0-9_]` each): stdout file, temp config, ssh copy. */
  random: { stdout: string; config: string; ssh: string; container?: string };
  /** Recorded HTTP answers (url → status and body) for PyTorch resolution; see pytorch_resolve.ts. */
  http?: Readonly<Record<string, { status: number; body?: string }>>;
  docker?: DockerHostFacts;
}

/** Why a value is what it is: a setting name, a config key, a flag, a task field. */
export type Why = string;

export interface CodeStep {
  kind: "code";
  /** force-dir: CLEARML_AGENT_FORCE_CODE_DIR; git: clone; script: task diff is the script; none. */
  source: "force-dir" | "git" | "script" | "none";
  why: Why;
  /** The task's repository URL as stored. */
  repository: string | null;
  /** The URL git clones (credentials injected: a secret). */
  cloneUrl: string | null;
  /** `cloneUrl` with the password masked. */
  cloneUrlDisplay: string | null;
  /** `injected`, `in-url`, `not-configured`, `other-host`, `not-https` (git_url.ts). */
  credentials: string | null;
  /** `none`, `https-to-ssh`, `ssh-rewritten`, `ssh-to-https`. */
  rewrite: string | null;
  /** `git clone <url> <dir> --recursive --quiet|--verbose`. */
  cloneArgv: string[] | null;
  /** The vcs cache mirror (agent.vcs_cache), null when disabled. */
  vcsCacheDir: string | null;
  /** What to check out: a commit (version_num) beats a tag beats a branch. */
  checkout: { kind: "commit" | "tag" | "branch" | "default"; ref: string | null } | null;
  /** The task's uncommitted diff, applied after checkout (git apply). */
  diff: string | null;
  /** Where the repository lands (or the forced dir). */
  codeDir: string;
  /** The task's working dir relative to codeDir, and the absolute one. */
  workingDir: string;
  cwd: string;
  entryPoint: string;
  /** Absolute path of the script file to run (for `script` source: where the diff is written). */
  scriptPath: string;
  messages: string[];
}

export interface PipInstall {
  /** `pip`, `cython`, `requirements`, `repo-requirements`. */
  what: string;
  argv: string[];
  /** For `requirements`: the file body (after PyTorch substitutions), written at the edge. */
  requirementsText?: string;
  /** Run only if this file exists (a repository's requirements.txt). */
  ifExists?: string;
}

export interface PythonEnvStep {
  kind: "python-env";
  /**
   * venv: create one; system: no venv (CLEARML_AGENT_SKIP_PIP_VENV_INSTALL), install into the
   * interpreter; skip: no env work at all (CLEARML_AGENT_SKIP_PYTHON_ENV_INSTALL);
   * activated-venv: the image's activated venv.
   */
  mode: "venv" | "system" | "skip" | "activated-venv";
  why: Why;
  /** Version the task asks for (from script.binary), null when none. */
  requestedVersion: string | null;
  /** The interpreter that builds the env (path or command). */
  interpreter: string;
  /** major.minor of the chosen interpreter (agent.default_python). */
  pythonVersion: string | null;
  /** The python the task runs with (inside the venv when there is one). */
  taskPython: string;
  venvDir: string | null;
  /** `<python> -m venv [--system-site-packages] <dir>`; null when no venv is created. */
  createArgv: string[] | null;
  systemSitePackages: boolean;
  cache: {
    enabled: boolean;
    dir: string | null;
    /** md5 keys of the task requirements (agent-exec §5.7); empty when the cache is not used. */
    keys: string[];
    why: Why;
  };
  /** Every `pip install`, in order. */
  installs: PipInstall[];
  /** The flags appended to every install (index URLs, extra flags). */
  installFlags: string[];
  messages: string[];
}

export interface TorchRequirement {
  /** The requirement line as the task gives it. */
  line: string;
  name: string;
  /** The line pip installs instead (null = unchanged). */
  replacement: string | null;
  /** Wheel URL (direct mode). */
  wheelUrl?: string | null;
  /** `pending`: the index has to be fetched at the edge first (no recorded answer). */
  status: "unchanged" | "resolved" | "pending" | "failed";
  error?: string;
}

export interface PytorchStep {
  kind: "pytorch";
  mode: "none" | "pip" | "direct";
  why: Why;
  /** CUDA as the handler uses it (`convert_cuda_version_to_int_10_base_str`): `118`, `0` CPU. */
  cuda: string;
  /** Python digits for wheel tags (`310`). */
  python: string | null;
  requirements: TorchRequirement[];
  /** Index URL added to every pip install (pip mode). */
  extraIndexUrl: string | null;
  /** Extra lines added (`setuptools<59`). */
  extraLines: string[];
  /** URLs fetched, in order, and their outcome. */
  probes: Array<{ url: string; status: number | "pending" }>;
  messages: string[];
}

/** What runs inside the container: this binary, or the agent's pip-install script (fallback). */
export interface InContainer {
  runner: "glibc" | "musl" | "pip-fallback";
  why: Why;
  /** Host path of the binary mounted read-only (null for the fallback). */
  binary: string | null;
  /** Where it is mounted in the container. */
  target: string | null;
}

export interface DockerStep {
  kind: "docker";
  why: Why;
  image: string;
  /** The full `docker run …` argv, unmasked. */
  argv: string[];
  /** The printed form (agent-exec §2.10 masking). */
  argvDisplay: string[];
  /** The `bash -c` script (last argv element). */
  script: string;
  inContainer: InContainer;
  /** Host temp config written before the run and mounted at /tmp/clearml.conf. */
  configPath: string;
  /** Container configuration overrides (agent-exec §2.2), dotted key → value. */
  configOverrides: Record<string, string | boolean | null>;
  /** Fresh copy of ~/.ssh to make before the run (null = no ssh mount). */
  sshCopy: { from: string; to: string } | null;
  /** Host cache directories to `mkdir -p`. */
  mkdirs: string[];
  /** Debug lines (CLEARML_AGENT_DEBUG_INFO=docker with --debug) and warnings. */
  messages: string[];
}

export interface EnvEntry {
  name: string;
  value: string;
  secret: boolean;
  why: Why;
}

export interface ChildEnvStep {
  kind: "child-env";
  /** Variables set for the task process, on top of the inherited environment. */
  set: EnvEntry[];
  /** Variables removed from the inherited environment. */
  unset: string[];
  /** CLEARML_AGENT_EXEC_USER: run as this user (null = the agent's user). */
  user: string | null;
}

export interface CommandStep {
  kind: "command";
  argv: string[];
  cwd: string;
  why: Why;
}

export interface StdoutFileStep {
  kind: "stdout-file";
  dir: string;
  path: string;
  why: Why;
}

export interface ServicesStep {
  kind: "services";
  /** -1 unlimited, N>0 limit. */
  limit: number;
  /** Child-count command (null when unlimited). */
  countArgv: string[] | null;
  why: Why;
}

export type PlanStep =
  | CodeStep
  | PythonEnvStep
  | PytorchStep
  | DockerStep
  | ChildEnvStep
  | CommandStep
  | StdoutFileStep
  | ServicesStep;

export type StepKind = PlanStep["kind"];

export interface Plan {
  schema: typeof PLAN_SCHEMA;
  task: { id: string; name: string | null };
  /** local: run on this machine; docker: the docker step runs everything. */
  mode: "local" | "docker";
  workerId: string;
  /**
   * In order: code, python-env, pytorch, child-env, command, stdout-file (local); docker,
   * stdout-file (docker, the container does the rest); services when in services mode.
   */
  steps: PlanStep[];
  warnings: string[];
  /** Secret values present in the plan; printers mask them (never printed). */
  secretValues: string[];
}

/** The step of a kind, if the plan has one. */
export function stepOf<K extends StepKind>(
  plan: Plan,
  kind: K,
): Extract<PlanStep, { kind: K }> | undefined {
  return plan.steps.find((s) => s.kind === kind) as Extract<PlanStep, { kind: K }> | undefined;
}
