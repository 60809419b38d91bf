/**
 * The task process's environment: the agent's own, then the plan's child-env step (set and
 * unset), then, for CLEARML_AGENT_EXEC_USER, that user's HOME, USER and LOGNAME.
 */
import type { ChildEnvStep } from "./plan_types.ts";
import type { ExecUser } from "./exec_user.ts";

export function childEnvironment(
  agentEnv: Readonly<Record<string, string>>,
  step: ChildEnvStep | undefined,
  user?: ExecUser,
): Record<string, string> {
  const env: Record<string, string> = { ...agentEnv };
  for (const name of step?.unset ?? []) delete env[name];
  for (const e of step?.set ?? []) env[e.name] = e.value;
  if (user) {
    env.HOME = user.home;
    env.USER = user.name;
    env.LOGNAME = user.name;
  }
  return env;
}
