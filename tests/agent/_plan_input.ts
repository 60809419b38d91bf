/** Builders for plan and docker-step inputs with the §2.13 common inputs (HOME /home/u, …). */
import { memoryFs } from "../../src/settings/fs_view.ts";
import { resolve } from "../../src/settings/resolve.ts";
import { SettingsView } from "../../src/agent/settings_view.ts";
import type { HostFacts } from "../../src/agent/plan_types.ts";
import type { TaskDoc } from "../../src/agent/task.ts";
import type { DockerCase } from "./_docker_cases.ts";
import type { DockerContext } from "../../src/agent/docker_argv.ts";

export const HOME = "/home/u";
export const TASK_ID = "a1b2c3d4e5f6";

export function hostFacts(extra: Partial<HostFacts> = {}): HostFacts {
  return {
    hostname: "host",
    platform: "linux",
    arch: "x86_64",
    home: HOME,
    tmpdir: "/tmp",
    cwd: `${HOME}/project`,
    pid: 4242,
    pythons: [],
    existing: [`${HOME}/.ssh`],
    random: { stdout: "abcd1234", config: "XXXXXXXX", ssh: "YYYYYYYY" },
    ...extra,
  };
}

export function viewOf(env: Record<string, string> = {}, conf?: string): SettingsView {
  const fullEnv = { HOME, ...env };
  const resolution = resolve({
    consumer: "agent",
    env: fullEnv,
    home: HOME,
    cwd: `${HOME}/project`,
    fs: memoryFs(conf === undefined ? {} : { [`${HOME}/clearml.conf`]: conf }),
  });
  return new SettingsView(resolution, fullEnv, HOME);
}

export function taskOf(extra: Partial<TaskDoc> = {}): TaskDoc {
  return { id: TASK_ID, script: {}, container: {}, hyperparams: {}, runtime: {}, ...extra };
}

export function dockerContext(c: DockerCase, host: Partial<HostFacts> = {}): DockerContext {
  return {
    view: viewOf(c.env, c.conf),
    task: taskOf({ container: c.container ?? {} }),
    host: hostFacts({ existing: [`${HOME}/.ssh`, ...(c.existing ?? [])], ...host }),
    options: { docker: [], ...c.options },
    workerId: c.workerId ?? "host:0",
    parentWorkerId: c.parentWorkerId ?? "host:0",
  };
}
