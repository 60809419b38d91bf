/**
 * The image and default arguments clearml-agent's docker mode would start from (agent-exec
 * §2.1): `CLEARML_DOCKER_IMAGE` (as typed, stripped) else `agent.default_docker.image`, split on
 * single spaces into the image and its arguments; without arguments there,
 * `agent.default_docker.arguments` (a string counts as one argument).
 */
import type { Resolution } from "../../settings/resolve.ts";
import { variableState } from "../../settings/resolve.ts";
import { type ConfNode, getNode, type Origin } from "../../settings/tree.ts";

export interface AgentDockerImage {
  /** The whole value as the agent reads it (image and any arguments). */
  raw: string;
  origin?: Origin;
  /** Token 0 of the value split on single spaces. */
  image: string;
  /** The other tokens (empty strings included: two spaces give one). */
  imageArgs: string[];
  /** `agent.default_docker.arguments`, used only when `imageArgs` is empty. */
  defaultArgs?: { argv: string[]; origin: Origin; wasString: boolean };
}

function scalarText(node: ConfNode | undefined): string | undefined {
  if (node?.type !== "scalar" || node.value === null) return undefined;
  return String(node.value);
}

export function agentDockerImage(agent: Resolution): AgentDockerImage {
  const state = variableState(agent, "CLEARML_DOCKER_IMAGE");
  let raw: string;
  let origin: Origin | undefined;
  if (state?.status === "set" && typeof state.value === "string") {
    raw = state.value;
    origin = state.origin ?? { kind: "env", name: state.name ?? "CLEARML_DOCKER_IMAGE" };
  } else {
    const node = getNode(agent.tree, ["agent", "default_docker", "image"]);
    raw = scalarText(node) ?? "";
    origin = node?.origin;
  }
  const tokens = raw.split(" ");
  const out: AgentDockerImage = {
    raw,
    ...(origin ? { origin } : {}),
    image: tokens[0] ?? "",
    imageArgs: tokens.slice(1),
  };
  const argsNode = getNode(agent.tree, ["agent", "default_docker", "arguments"]);
  // With arguments in the image value the key is not used (the resolver even stores them there).
  if (argsNode && out.imageArgs.length === 0) {
    if (argsNode.type === "list") {
      out.defaultArgs = {
        argv: argsNode.items.map((i) => scalarText(i) ?? ""),
        origin: argsNode.origin,
        wasString: false,
      };
    } else if (argsNode.type === "scalar" && argsNode.value !== null && argsNode.value !== "") {
      out.defaultArgs = {
        argv: [String(argsNode.value)],
        origin: argsNode.origin,
        wasString: true,
      };
    }
  }
  return out;
}
