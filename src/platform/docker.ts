/**
 * The docker platform adapter, one implementation for doctor and the agent:
 * - the CLI/daemon facts (docker_facts.ts): client, daemon, version, runtimes, socket, user;
 * - whether the daemon answers, and why not (docker_daemon.ts);
 * - image libc detection (docker_libc.ts): which build of this binary an image can run.
 */
export {
  DEFAULT_CDI_DIRS,
  type DockerEndpoint,
  type DockerFacts,
  endpointFromEnv,
  type EndpointSource,
  endpointTarget,
  gatherDockerFacts,
  type GatherDockerOptions,
  TOOLKIT_PROGRAMS,
} from "./docker_facts.ts";
export { type DaemonState, dockerDaemonState } from "./docker_daemon.ts";
export {
  detectImageLibc,
  type DetectImageLibcOptions,
  type DockerExec,
  dockerImageFacts,
  type ImageLibc,
  type ImageLibcFacts,
  imageLibcFrom,
  unameArch,
} from "./docker_libc.ts";
