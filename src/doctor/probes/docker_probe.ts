/**
 * Doctor's docker probe: the platform's docker facts (src/platform/docker_facts.ts) with the
 * run's step runner, the agent's default image looked up locally (and, when present, its libc:
 * which build of this binary the agent mounts into it), and the in-container side of
 * `CLEARML_AGENT_*_HOST_MOUNT`.
 */
import type { DoctorInput, ProbeTools } from "../types.ts";
import { variableState } from "../../settings/resolve.ts";
import { stepRunner } from "./_step_runner.ts";
import { type HostFacts, nodeHostFacts, type StatResult } from "../../platform/host_facts.ts";
import { type DockerFacts, gatherDockerFacts } from "../../platform/docker_facts.ts";
import { agentDockerImage } from "../parse/agent_docker_image.ts";
import { dockerImageRef } from "../parse/docker_image_ref.ts";
import { detectImageLibc, type ImageLibcFacts } from "../../platform/docker_libc.ts";

export {
  DEFAULT_CDI_DIRS,
  type DockerEndpoint,
  endpointFromEnv,
  type EndpointSource,
  endpointTarget,
  TOOLKIT_PROGRAMS,
} from "../../platform/docker_facts.ts";

export interface DockerSnapshot extends DockerFacts {
  /** The in-container side of `CLEARML_AGENT_*_HOST_MOUNT`, when set. */
  hostMountTarget?: { path: string; stat: StatResult };
  /** The default image's libc, when it is present locally (what the agent mounts into it). */
  imageLibc?: ImageLibcFacts;
}

export async function probeDocker(
  input: DoctorInput,
  tools: ProbeTools,
  host: HostFacts = nodeHostFacts(tools.stepTimeoutMs),
  platform: string = process.platform,
): Promise<DockerSnapshot> {
  const env = input.env;
  const skipped: string[] = [];
  // the snapshot's environment (DOCKER_HOST, DOCKER_CONTEXT, PATH…), English messages
  const run = stepRunner(tools, env, skipped);

  const hostMount = variableState(input.agent, "CLEARML_AGENT_K8S_HOST_MOUNT");
  const hostMountValue = hostMount?.status === "set" ? String(hostMount.value ?? "") : "";
  const podPath = hostMountValue.includes(":")
    ? hostMountValue.slice(hostMountValue.indexOf(":") + 1)
    : "";
  const ref = agentDockerImage(input.agent).image;

  const [facts, hostMountTarget] = await Promise.all([
    gatherDockerFacts({
      env,
      cwd: input.cwd,
      host,
      run,
      platform,
      skipped,
      ...(dockerImageRef(ref).ok ? { image: ref } : {}),
    }),
    podPath ? host.stat(podPath).then((stat) => ({ path: podPath, stat })) : undefined,
  ]);
  // The image is here: which build of this binary it can run (nothing is pulled or started).
  const imageLibc = facts.cliPath && facts.image?.inspect.code === 0 && !tools.signal.aborted
    ? await detectImageLibc(facts.image.ref, {
      docker: facts.cliPath,
      env: { ...env, LC_ALL: "C", LANG: "C" },
      pull: false,
      timeoutMs: tools.stepTimeoutMs,
      exec: (cmd, args, o) => tools.exec(cmd, args, o),
    })
    : undefined;
  return {
    ...facts,
    ...(hostMountTarget ? { hostMountTarget } : {}),
    ...(imageLibc ? { imageLibc } : {}),
  };
}
