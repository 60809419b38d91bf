/**
 * `docker info --format '{{json .}}'`: the daemon facts doctor needs. Runtimes (`nvidia` is
 * registered by the NVIDIA Container Toolkit), the default runtime, CDI spec directories
 * (docker 25+), rootless mode, and the daemon's own warnings. With an unreachable daemon the
 * CLI still prints the object, with every server field empty.
 */

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

type Json = Record<string, unknown>;

const obj = (v: unknown): Json | undefined =>
  v !== null && typeof v === "object" && !Array.isArray(v) ? v as Json : undefined;

const strings = (v: unknown): string[] =>
  Array.isArray(v) ? v.filter((x): x is string => typeof x === "string") : [];

const str = (o: Json, k: string): string | undefined =>
  typeof o[k] === "string" && o[k] !== "" ? o[k] as string : undefined;

export function dockerInfoJson(text: string): DockerInfoJson | undefined {
  const line = text.split("\n").find((l) => l.trim().startsWith("{"));
  if (line === undefined) return undefined;
  let root: Json | undefined;
  try {
    root = obj(JSON.parse(line));
  } catch {
    return undefined;
  }
  if (!root) return undefined;
  const out: DockerInfoJson = {
    runtimes: Object.keys(obj(root.Runtimes) ?? {}).sort(),
    rootless: strings(root.SecurityOptions).some((o) => /(^|,)name=rootless(,|$)/.test(o)),
    warnings: strings(root.Warnings),
    serverErrors: strings(root.ServerErrors),
  };
  const set = <K extends keyof DockerInfoJson>(k: K, v: DockerInfoJson[K] | undefined) => {
    if (v !== undefined) out[k] = v;
  };
  set("serverVersion", str(root, "ServerVersion"));
  set("defaultRuntime", str(root, "DefaultRuntime"));
  set("storageDriver", str(root, "Driver"));
  set("operatingSystem", str(root, "OperatingSystem"));
  set("dockerRootDir", str(root, "DockerRootDir"));
  if (Array.isArray(root.CDISpecDirs)) out.cdiSpecDirs = strings(root.CDISpecDirs);
  return out;
}
