/** Hand-built plans for the runner's tests: the runner walks any plan, whoever built it. */
import { tmpdir } from "node:os";
import type {
  ChildEnvStep,
  CodeStep,
  CommandStep,
  HostFacts,
  Plan,
  PlanSettings,
  PlanStep,
  PythonEnvStep,
} from "../../../src/agent/plan_types.ts";
import type { Resolution } from "../../../src/settings/resolve.ts";
import { objectNode } from "../../../src/settings/tree.ts";
import type { LogSink } from "../../../src/agent/run_types.ts";
import { codeStepBase } from "../../../src/agent/code_step.ts";

export const PY = "/usr/bin/python3";

export function host(over: Partial<HostFacts> = {}): HostFacts {
  return {
    hostname: "host",
    platform: "linux",
    arch: "x86_64",
    home: process.env.HOME ?? "/root",
    tmpdir: tmpdir(),
    cwd: process.cwd(),
    pid: process.pid,
    pythons: [],
    existing: [],
    random: { stdout: Math.random().toString(36).slice(2, 10), config: "c", ssh: "s" },
    ...over,
  };
}

export function settings(env: Record<string, string> = {}): PlanSettings {
  return {
    resolution: {
      tree: objectNode({ kind: "default", source: "test" }),
    } as unknown as Resolution,
    env: { PATH: process.env.PATH ?? "/usr/bin:/bin", ...env },
    options: {},
  };
}

export function commandStep(argv: string[], cwd: string): CommandStep {
  return { kind: "command", argv, cwd, why: "test" };
}

export function childEnvStep(
  set: Record<string, string> = {},
  user: string | null = null,
): ChildEnvStep {
  return {
    kind: "child-env",
    set: Object.entries(set).map(([name, value]) => ({ name, value, secret: false, why: "test" })),
    unset: [],
    user,
  };
}

/** A git code step from the product's own empty fields (codeStepBase), the rest from `over`. */
export function codeStep(over: Partial<CodeStep>): CodeStep {
  return {
    ...codeStepBase(null),
    source: "git",
    why: "task script.repository",
    codeDir: "",
    workingDir: ".",
    cwd: "",
    entryPoint: "",
    scriptPath: "",
    messages: [],
    ...over,
  };
}

export function pythonEnvStep(over: Partial<PythonEnvStep>): PythonEnvStep {
  return {
    kind: "python-env",
    mode: "venv",
    why: "test",
    requestedVersion: null,
    interpreter: PY,
    pythonVersion: null,
    taskPython: PY,
    venvDir: null,
    createArgv: null,
    systemSitePackages: false,
    cache: { enabled: false, dir: null, keys: [], why: "test" },
    installs: [],
    installFlags: [],
    messages: [],
    ...over,
  };
}

export function localPlan(steps: PlanStep[], stdoutDir = tmpdir()): Plan {
  const random = Math.random().toString(36).slice(2, 10);
  return {
    schema: "clearml.agent-plan/v1",
    task: { id: "t1", name: "test" },
    mode: "local",
    workerId: "host:0",
    steps: [
      ...steps,
      {
        kind: "stdout-file",
        dir: stdoutDir,
        path: `${stdoutDir}/.clearml_agent_out.${random}.txt`,
        why: "CLEARML_AGENT_TEMP_STDOUT_FILE_DIR",
      },
    ],
    warnings: [],
    secretValues: [],
  };
}

/** A sink keeping every line, with the order it got them. */
export function memorySink(): LogSink & { lines: Array<[string, string]>; flushed: number } {
  const s = {
    lines: [] as Array<[string, string]>,
    flushed: 0,
    line(text: string, stream: string) {
      s.lines.push([text, stream]);
    },
    flush() {
      s.flushed++;
      return Promise.resolve();
    },
  };
  return s;
}
