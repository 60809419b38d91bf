/**
 * Which hosts doctor probes, from the resolved settings of both consumers: the API, web and files
 * hosts the SDK uses and, where they differ, the agent's (with the agent's derived hosts), each
 * with the credentials that consumer would log in with. Pure configuration interpretation.
 */
import type { DoctorInput } from "../types.ts";
import { lookup, type Resolution } from "../../settings/resolve.ts";
import type { Origin } from "../../settings/tree.ts";
import { deriveFilesHost, deriveWebHost, rstripSlash } from "../../settings/hosts.ts";
import type { Credentials } from "../../api/settings.ts";
import { credentialsOf } from "../../api/settings.ts";
import type { Consumer, MissingHost, Role } from "./server_snapshot.ts";

interface HostValue {
  value: string;
  origin: Origin;
}

function hostValue(r: Resolution, key: string): HostValue | undefined {
  const node = lookup(r, key);
  if (node?.type !== "scalar" || typeof node.value !== "string") return undefined;
  const value = rstripSlash(node.value);
  return value.trim() === "" ? undefined : { value, origin: node.origin };
}

function sameCredentials(a: Credentials, b: Credentials): boolean {
  return a.mode === b.mode && a.key === b.key && a.secret === b.secret && a.token === b.token;
}

export interface TargetSpec {
  role: Role;
  url: string;
  origin?: Origin;
  consumers: Consumer[];
  resolution: Resolution;
  credentials?: Credentials;
}

export interface Plan {
  targets: TargetSpec[];
  missing: MissingHost[];
}

function missingMessage(r: Resolution, key: string): string {
  const d = r.diagnostics.find((x) => x.subject === key || x.keys?.includes(key));
  return d?.message ?? `${key} is not set and cannot be derived`;
}

/** The hosts to probe, from the resolved settings of both consumers. Pure. */
export function planTargets(input: DoctorInput): Plan {
  const { sdk, agent } = input;
  const targets: TargetSpec[] = [];
  const missing: MissingHost[] = [];

  const sdkApi = hostValue(sdk, "api.api_server");
  const agentApi = hostValue(agent, "api.api_server");
  const sdkCreds = credentialsOf(sdk);
  const agentCreds = credentialsOf(agent);

  if (!agentApi) {
    missing.push({
      role: "api",
      consumer: "agent",
      message: "the agent has no API host and no built-in default: it stops with " +
        '"Could not find host server definition (missing ~/clearml.conf or Environment ' +
        'CLEARML_API_HOST)"',
    });
  }
  const agentSharesApi = agentApi !== undefined && agentApi.value === sdkApi?.value &&
    sameCredentials(sdkCreds, agentCreds);
  if (sdkApi) {
    targets.push({
      role: "api",
      url: sdkApi.value,
      origin: sdkApi.origin,
      consumers: agentSharesApi ? ["sdk", "agent"] : ["sdk"],
      resolution: sdk,
      credentials: sdkCreds,
    });
  } else {missing.push({
      role: "api",
      consumer: "sdk",
      message: missingMessage(sdk, "api.api_server"),
    });}
  if (agentApi && !agentSharesApi) {
    targets.push({
      role: "api",
      url: agentApi.value,
      origin: agentApi.origin,
      consumers: ["agent"],
      resolution: agent,
      credentials: agentCreds,
    });
  }

  for (const role of ["web", "files"] as const) {
    const key = role === "web" ? "api.web_server" : "api.files_server";
    const sdkHost = hostValue(sdk, key);
    let agentHost: HostValue | undefined = hostValue(agent, key);
    if (!agentHost && agentApi) {
      // The agent derives missing hosts from its API host like the SDK (server-api §1.1).
      const web = () => deriveWebHost(agentApi.value);
      const d = role === "web" ? web() : deriveFilesHost(agentApi.value, web);
      if (d.ok) {
        agentHost = {
          value: d.value,
          origin: { kind: "derived", from: `API host ${agentApi.value} (${d.rule})` },
        };
      }
    }
    const shared = agentHost !== undefined && agentHost.value === sdkHost?.value;
    if (sdkHost) {
      targets.push({
        role,
        url: sdkHost.value,
        origin: sdkHost.origin,
        consumers: shared ? ["sdk", "agent"] : ["sdk"],
        resolution: sdk,
      });
    } else missing.push({ role, consumer: "sdk", message: missingMessage(sdk, key) });
    if (agentHost && !shared) {
      targets.push({
        role,
        url: agentHost.value,
        origin: agentHost.origin,
        consumers: ["agent"],
        resolution: agent,
      });
    }
  }
  return { targets, missing };
}
