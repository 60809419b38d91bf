/**
 * What the task page shows besides charts and the console, read from the task document as the
 * SDK writes it: hyperparameter sections, configuration objects, artifacts.
 */
import type { Obj } from "../call_body.ts";
import { isObj } from "../doc_path.ts";
import { fmtValue } from "./format.ts";

export interface ParamSection {
  section: string;
  rows: { name: string; value: string; type: string; description: string }[];
}

export interface ConfigEntry {
  name: string;
  type: string;
  value: string;
}

export interface ArtifactEntry {
  key: string;
  type: string;
  mode: string;
  /** The stored location as the SDK wrote it. */
  uri: string;
  /** A link only for http(s) locations (never `javascript:` and the like). */
  href?: string;
  size?: number;
  hash: string;
  preview: string;
}

/** `hyperparams` sections in name order; the legacy `execution.parameters` as section `Args`. */
export function paramSections(doc: Obj): ParamSection[] {
  const out: ParamSection[] = [];
  const hp = isObj(doc.hyperparams) ? doc.hyperparams : {};
  for (const section of Object.keys(hp).sort()) {
    const params = hp[section];
    if (!isObj(params)) continue;
    const rows = Object.keys(params).sort().map((name) => {
      const p = params[name];
      return isObj(p)
        ? {
          name,
          value: fmtValue(p.value),
          type: fmtValue(p.type),
          description: fmtValue(p.description),
        }
        : { name, value: fmtValue(p), type: "", description: "" };
    });
    out.push({ section, rows });
  }
  const legacy = isObj(doc.execution) && isObj(doc.execution.parameters)
    ? doc.execution.parameters
    : {};
  const names = Object.keys(legacy);
  if (names.length && !hp.Args) {
    out.push({
      section: "Args",
      rows: names.sort().map((name) => ({
        name,
        value: fmtValue(legacy[name]),
        type: "",
        description: "",
      })),
    });
  }
  return out;
}

/** `configuration` objects in name order. */
export function configEntries(doc: Obj): ConfigEntry[] {
  const conf = isObj(doc.configuration) ? doc.configuration : {};
  return Object.keys(conf).sort().map((name) => {
    const c = conf[name];
    return isObj(c)
      ? { name, type: fmtValue(c.type), value: fmtValue(c.value) }
      : { name, type: "", value: fmtValue(c) };
  });
}

/**
 * The link of an artifact: only http(s) locations (never `javascript:` and the like); files of
 * this server's files server get `?download`, which it answers as an attachment.
 */
export function artifactHref(uri: string, filesUrl = ""): string | undefined {
  if (!/^https?:\/\/[^\s]+$/i.test(uri)) return undefined;
  if (filesUrl && uri.startsWith(`${filesUrl.replace(/\/+$/, "")}/`) && !uri.includes("?")) {
    return `${uri}?download`;
  }
  return uri;
}

/** `execution.artifacts` (a list, or a map keyed `key/mode`), outputs before inputs. */
export function artifactEntries(doc: Obj, filesUrl = ""): ArtifactEntry[] {
  const exec = isObj(doc.execution) ? doc.execution : {};
  const raw = Array.isArray(exec.artifacts)
    ? exec.artifacts
    : isObj(exec.artifacts)
    ? Object.values(exec.artifacts)
    : [];
  return raw.filter(isObj).map((a) => {
    const uri = typeof a.uri === "string" ? a.uri : "";
    const typeData = isObj(a.type_data) ? a.type_data : {};
    return {
      key: fmtValue(a.key),
      type: fmtValue(a.type),
      mode: fmtValue(a.mode) || "output",
      uri,
      href: artifactHref(uri, filesUrl),
      size: typeof a.content_size === "number" ? a.content_size : undefined,
      hash: fmtValue(a.hash),
      preview: fmtValue(typeData.preview),
    };
  }).sort((a, b) => a.mode.localeCompare(b.mode) * -1 || a.key.localeCompare(b.key));
}
