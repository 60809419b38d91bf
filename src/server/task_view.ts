/**
 * A stored task as a client of a given API version sees it (server-api.md §1.8, §2.12): the legacy
 * `execution.docker_cmd` below 2.13, flat `execution.parameters` below 2.9, merged tags below 2.3,
 * the hidden fields removed, and the `only_fields` projection.
 */
import type { Obj } from "./call_body.ts";
import { isObj, project } from "./doc_path.ts";
import { atLeast, type Version } from "./version.ts";

const HIDDEN = ["enqueue_status", "unique_metrics", "company_origin"];

/** `image` + " " + `arguments`, empty parts dropped. */
export function dockerCmd(container: unknown): string {
  if (!isObj(container)) return "";
  return [container.image, container.arguments]
    .filter((x): x is string => typeof x === "string" && x.length > 0)
    .join(" ");
}

/** The reverse, for input from old clients: split at the first space. */
export function containerFromDockerCmd(cmd: string): Obj {
  const text = cmd.trim();
  const i = text.indexOf(" ");
  return i < 0
    ? { image: text, arguments: "" }
    : { image: text.slice(0, i), arguments: text.slice(i + 1).trim() };
}

function legacyParameters(hyperparams: unknown): Obj {
  const out: Obj = {};
  if (!isObj(hyperparams)) return out;
  for (const section of Object.values(hyperparams)) {
    if (!isObj(section)) continue;
    for (const p of Object.values(section)) {
      if (isObj(p) && p.type === "legacy" && typeof p.name === "string") out[p.name] = p.value;
    }
  }
  return out;
}

export function taskView(doc: Obj, version: Version, onlyFields?: readonly string[]): Obj {
  const t = structuredClone(doc);
  const projectedHidden = onlyFields?.some((f) => HIDDEN.includes(f.split(".")[0]!)) ?? false;
  if (!projectedHidden) { for (const k of HIDDEN) delete t[k]; }
  if (!atLeast(version, "2.13")) {
    const exec = isObj(t.execution) ? t.execution : (t.execution = {});
    const cmd = dockerCmd(t.container);
    if (cmd) exec.docker_cmd = cmd;
  }
  if (!atLeast(version, "2.9")) {
    const exec = isObj(t.execution) ? t.execution : (t.execution = {});
    exec.parameters = legacyParameters(t.hyperparams);
  }
  if (!atLeast(version, "2.3")) {
    const tags = [...(t.tags as string[] ?? []), ...(t.system_tags as string[] ?? [])];
    t.tags = [...new Set(tags)].sort();
  }
  return onlyFields?.length ? project(t, onlyFields) : t;
}
