/**
 * The docker platform adapter, one implementation for doctor and the agent:
 * - image libc detection (docker_libc.ts): which build of this binary an image can run;
 * - the CLI/daemon facts (docker_facts.ts): client, daemon, version, runtimes, socket.
 */
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
