/**
 * `settingAt()`: one value of a resolved configuration with where it came from, in the shape the
 * doctor's checks print ("agent.git_user = me (env CLEARML_AGENT_GIT_USER)").
 */
import type { Resolution } from "../settings/resolve.ts";
import {
  formatOrigin,
  getNode,
  type Origin,
  originText,
  type Plain,
  splitPath,
  toPlain,
} from "../settings/tree.ts";
import { truthy } from "../settings/read_variable.ts";

export interface Setting {
  key: string;
  /** The plain value; undefined when the key is absent. */
  value: Plain | undefined;
  origin?: Origin;
  /** `formatOrigin(origin)`, or "not set". */
  from: string;
}

export function settingAt(r: Resolution, key: string): Setting {
  const node = getNode(r.tree, splitPath(key));
  if (!node) return { key, value: undefined, from: originText(undefined) };
  return { key, value: toPlain(node), origin: node.origin, from: formatOrigin(node.origin) };
}

/** The value as Python's `str()` would give it for a scalar, or undefined when absent or null. */
export function settingText(s: Setting): string | undefined {
  const v = s.value;
  if (v === undefined || v === null) return undefined;
  if (typeof v === "boolean") return v ? "True" : "False";
  if (typeof v === "object") return JSON.stringify(v);
  return String(v);
}

/** Python truthiness of the value (the agent tests most settings with `if value:`). */
export function settingTruthy(s: Setting): boolean {
  return truthy(s.value);
}
