/**
 * `docker info --format '{{json .}}'`: the daemon facts doctor needs. Runtimes (`nvidia` is
 * registered by the NVIDIA Container Toolkit), the default runtime, CDI spec directories
 * (docker 25+), rootless mode, and the daemon's own warnings. With an unreachable daemon the
 * CLI still prints the object, with every server field empty.
 */
import { jsonObject, jsonObjectLine, jsonString } from "./json_object_line.ts";

export interface DockerInfoJson {
  serverVersion?: string;
  runtimes: string[];
  defaultRuntime?: string;
  /** Absent when the daemon does not report them (before docker 25). */
  cdiSpecDirs?: string[];
  rootless: boolean;
  storageDriver?: string;
  operatingSystem?: string;
  dockerRootDir?: string;
  warnings: string[];
  serverErrors: string[];
}

const strings = (v: unknown): string[] =>
  Array.isArray(v) ? v.filter((x): x is string => typeof x === "string") : [];

export function dockerInfoJson(text: string): DockerInfoJson | undefined {
  const root = jsonObjectLine(text);
  if (!root) return undefined;
  const out: DockerInfoJson = {
    runtimes: Object.keys(jsonObject(root.Runtimes) ?? {}).sort(),
    rootless: strings(root.SecurityOptions).some((o) => /(^|,)name=rootless(,|$)/.test(o)),
    warnings: strings(root.Warnings),
    serverErrors: strings(root.ServerErrors),
  };
  const set = <K extends keyof DockerInfoJson>(k: K, v: DockerInfoJson[K] | undefined) => {
    if (v !== undefined) out[k] = v;
  };
  set("serverVersion", jsonString(root, "ServerVersion"));
  set("defaultRuntime", jsonString(root, "DefaultRuntime"));
  set("storageDriver", jsonString(root, "Driver"));
  set("operatingSystem", jsonString(root, "OperatingSystem"));
  set("dockerRootDir", jsonString(root, "DockerRootDir"));
  if (Array.isArray(root.CDISpecDirs)) out.cdiSpecDirs = strings(root.CDISpecDirs);
  return out;
}
