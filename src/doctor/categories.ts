/** Every doctor category, in report order. */
import type { Category } from "./types.ts";
import { envCategory } from "./checks/env.ts";
import { configCategory } from "./checks/config.ts";
import { serverCategory } from "./checks/server.ts";
import { dockerCategory } from "./checks/docker.ts";
import { gpuCategory } from "./checks/gpu.ts";
import { gitCategory } from "./checks/git.ts";
import { pythonCategory } from "./checks/python.ts";
import { fsCategory } from "./checks/fs.ts";
import { agentCategory } from "./checks/agent.ts";

export const CATEGORIES: ReadonlyArray<Category<unknown>> = [
  envCategory,
  configCategory,
  serverCategory,
  dockerCategory,
  gpuCategory,
  gitCategory,
  pythonCategory,
  fsCategory,
  agentCategory,
] as ReadonlyArray<Category<unknown>>;
