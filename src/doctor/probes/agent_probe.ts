/**
 * The agent category's probe: the host name (the default worker name, Python's
 * `platform.node()`), and where the programs the agent would start are on PATH (the child-count
 * command's executable, docker). Nothing is run.
 */
import { hostname } from "node:os";
import type { DoctorInput, ProbeTools } from "../types.ts";
import type { AgentSnapshot } from "./agent_snapshot.ts";
import { childCountArgv } from "../../agent/child_count_cmd.ts";
import { findExecutable } from "./_find_executable.ts";
import { childCountTemplate, servicesWorkerId } from "../agent_worker.ts";

export function probeAgent(input: DoctorInput, _tools?: ProbeTools): Promise<AgentSnapshot> {
  const host = hostname();
  const names = new Set(["docker"]);
  const argv = childCountArgv(childCountTemplate(input), servicesWorkerId(input, host).id);
  if (argv.ok && argv.argv[0]) names.add(argv.argv[0]);
  const executables: Record<string, string | null> = {};
  for (const name of names) executables[name] = findExecutable(name, input.env, input.cwd) ?? null;
  return Promise.resolve({ hostname: host, executables });
}
