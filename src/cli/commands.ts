import type { Register } from "./program.ts";
import { registerEnv } from "./env.ts";
import { registerConfig } from "./config.ts";
import { registerDoctor } from "./doctor.ts";
import { registerAgent } from "./agent.ts";
import { registerServe } from "./serve.ts";
import { registerTask } from "./task.ts";

/** Every subcommand, in help order. */
export const COMMANDS: readonly Register[] = [
  registerDoctor,
  registerEnv,
  registerConfig,
  registerAgent,
  registerServe,
  registerTask,
];
