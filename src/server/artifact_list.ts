/**
 * A task's artifact list (`execution.artifacts`) as the real server keeps it: one entry per
 * (key, mode), `mode` defaulting to `output`, a later entry with the same key and mode replacing
 * the earlier one, listed sorted by key.
 */
import type { Obj } from "./call_body.ts";
import { errors } from "./call_error.ts";
import { isObj } from "./doc_path.ts";

export const ARTIFACT_MODES = ["input", "output"] as const;
const DEFAULT_MODE = "output";

const STRING_FIELDS = ["key", "type", "mode", "uri", "hash"] as const;
const INT_FIELDS = ["content_size", "timestamp"] as const;
const TYPE_DATA_FIELDS = ["preview", "content_type", "data_hash"] as const;

/** Python's `sorted()` order of strings: by code point, not by UTF-16 unit. */
export function codePointCompare(a: string, b: string): number {
  const x = [...a];
  const y = [...b];
  for (let i = 0; i < Math.min(x.length, y.length); i++) {
    const d = x[i]!.codePointAt(0)! - y[i]!.codePointAt(0)!;
    if (d) return d;
  }
  return x.length - y.length;
}

/** One artifact checked against the real server's data model (400/12), `mode` defaulted. */
export function checkArtifact(raw: unknown): Obj {
  if (!isObj(raw)) throw errors.wrongType("artifacts", "dict", raw);
  for (const k of STRING_FIELDS) {
    const v = raw[k];
    if (v !== undefined && v !== null && typeof v !== "string") {
      throw errors.wrongType(k, "basestring", v);
    }
  }
  for (const k of INT_FIELDS) {
    const v = raw[k];
    if (v !== undefined && v !== null && !(typeof v === "number" && Number.isInteger(v))) {
      throw errors.wrongType(k, "int", v);
    }
  }
  if (typeof raw.key !== "string") throw errors.missingField("key");
  if (typeof raw.type !== "string") throw errors.missingField("type");
  const mode = raw.mode ?? DEFAULT_MODE;
  if (!(ARTIFACT_MODES as readonly unknown[]).includes(mode)) {
    throw errors.validation(`error for field 'mode'. value '${mode}' is not a valid choice.`);
  }
  const out: Obj = {};
  for (const [k, v] of Object.entries(raw)) if (v !== null && v !== undefined) out[k] = v;
  out.mode = mode;
  if (isObj(raw.type_data)) {
    const td: Obj = {};
    for (const k of TYPE_DATA_FIELDS) {
      if (raw.type_data[k] !== undefined && raw.type_data[k] !== null) td[k] = raw.type_data[k];
    }
    out.type_data = td;
  }
  return out;
}

export const artifactId = (a: Obj) => `${a.key}\u0000${a.mode ?? DEFAULT_MODE}`;

/** `existing` with `updates` added or replacing the same (key, mode); sorted by key. */
export function mergeArtifacts(existing: readonly Obj[], updates: readonly Obj[]): Obj[] {
  const byId = new Map<string, Obj>();
  for (const a of existing) byId.set(artifactId(a), a);
  for (const a of updates) byId.set(artifactId(a), a);
  return [...byId.values()].sort((a, b) => codePointCompare(String(a.key), String(b.key)));
}

/** The artifacts list of `tasks.create`/`tasks.edit` input, stored the real server's way. */
export function normalizeArtifacts(raw: unknown): Obj[] {
  if (raw === undefined || raw === null) return [];
  if (!Array.isArray(raw)) throw errors.wrongType("artifacts", "list", raw);
  return mergeArtifacts([], raw.map(checkArtifact));
}
