/**
 * Which GPUs clearml-agent hands to tasks, from `NVIDIA_VISIBLE_DEVICES`/`CUDA_VISIBLE_DEVICES`
 * as the agent reads and rewrites them (agent-exec §3.5) and the `docker run` GPU arguments it
 * derives from them (§2.4). `--gpus` on the agent's command line is not known to doctor.
 */

export interface VisibleDevices {
  /** `NVIDIA_VISIBLE_DEVICES` in the agent's environment after its rewrites (undefined: unset). */
  nvidia?: string;
  /** `CUDA_VISIBLE_DEVICES` after the rewrites; host-mode tasks inherit it. */
  cuda?: string;
  /** §2.4 `gpu_devices`: `NVIDIA_VISIBLE_DEVICES` if non-empty, else `CUDA_VISIBLE_DEVICES`, `:` → `.`. */
  gpuDevices?: string;
  /** The `docker run` GPU arguments (`["--gpus", "all"]`, `["--gpus", "\"device=0,1\""]`, `[]`). */
  dockerGpus: string[];
  /** The `NVIDIA_VISIBLE_DEVICES=<nv>` prefix of the in-container command. */
  containerNv: string;
  /** `CLEARML_DOCKER_SKIP_GPUS_FLAG` (any non-empty value) is set. */
  skipGpusFlag: boolean;
}

export function visibleDevices(
  env: Readonly<Record<string, string>>,
  cpuOnly: boolean,
): VisibleDevices {
  let nvidia = env.NVIDIA_VISIBLE_DEVICES;
  let cuda = env.CUDA_VISIBLE_DEVICES;
  if (cpuOnly) nvidia = cuda = "none";
  // The agent copies CUDA_ to NVIDIA_ when only CUDA_ is set, never the reverse.
  if (cuda && !nvidia) nvidia = cuda;
  const raw = nvidia ? nvidia : cuda;
  const gpuDevices = raw === undefined ? undefined : raw.replaceAll(":", ".");
  const skipGpusFlag = Boolean(
    env.CLEARML_DOCKER_SKIP_GPUS_FLAG || env.TRAINS_DOCKER_SKIP_GPUS_FLAG,
  );

  let dockerGpus: string[] = [];
  let containerNv = "all";
  if (gpuDevices === undefined || gpuDevices.trim().toLowerCase() === "all") {
    if (skipGpusFlag) containerNv = gpuDevices ?? "all";
    else dockerGpus = ["--gpus", "all"];
  } else if (gpuDevices === "none") {
    containerNv = "none";
  } else if (gpuDevices !== "") {
    if (skipGpusFlag) containerNv = gpuDevices;
    else dockerGpus = ["--gpus", `"device=${gpuDevices.replaceAll(".", ":")}"`];
  }
  return {
    ...(nvidia !== undefined ? { nvidia } : {}),
    ...(cuda !== undefined ? { cuda } : {}),
    ...(gpuDevices !== undefined ? { gpuDevices } : {}),
    dockerGpus,
    containerNv,
    skipGpusFlag,
  };
}
