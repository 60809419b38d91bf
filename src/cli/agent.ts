/**
 * `clearml agent …`: run ClearML tasks as clearml-agent would. Each subcommand lives in its own
 * `agent_<sub>.ts` and is listed in `AGENT_SUBCOMMANDS` (one import and one entry each, so
 * helpers adding subcommands do not collide).
 */
import { Command } from "@commander-js/extra-typings";
import type { Register } from "./program.ts";
import { addGlobalOptions } from "./global_options.ts";
import { registerAgentDaemon } from "./agent_daemon.ts";
import { registerAgentList } from "./agent_list.ts";
import { registerAgentPlan } from "./agent_plan.ts";
import { registerAgentK8sPod } from "./agent_k8s_pod.ts";
import { registerAgentExecute } from "./agent_execute.ts";
import { registerAgentBuild } from "./agent_build.ts";

/** Subcommand registrars, in help order; each adds its command to the `agent` group. */
export const AGENT_SUBCOMMANDS: Register[] = [
  registerAgentPlan,
  registerAgentExecute,
  registerAgentBuild,
  registerAgentK8sPod,
  registerAgentDaemon,
  registerAgentList,
];

export const registerAgent: Register = (parent, ctx) => {
  const agent = addGlobalOptions(
    new Command("agent").description(
      "run ClearML tasks like clearml-agent: plan (dry run), execute, build, k8s-pod",
    ),
  );
  for (const register of AGENT_SUBCOMMANDS) register(agent, ctx);
  parent.addCommand(agent);
};
