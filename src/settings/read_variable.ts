/**
 * Read one catalogue variable from an environment snapshot the way one consumer does
 * (sdk-config.md §0.1 for the SDK's EnvEntry, agent-exec.md §0.1 for the agent's
 * EnvironmentConfig).
 */
import type { Consumer, ConsumerRule, Variable } from "./variable.ts";
import type { Origin, Plain } from "./tree.ts";
import { convert } from "./convert.ts";
import { pyStrip } from "./py_str.ts";

/** Converters whose variable the program reads raw: not stripped, and empty is a value. */
const RAW = new Set(["raw", "env-name"]);

const NO_NAMES: readonly string[] = [];

export interface VariableState {
  variable: Variable;
  consumer: Consumer;
  /** The name that supplied the value (or failed to convert). */
  name?: string;
  raw?: string;
  value?: Plain;
  status: "set" | "unset" | "invalid";
  /** Conversion error, in the words of the real program. */
  error?: string;
  /** A converter warning (value accepted with a change, e.g. pytorch_resolve reverting). */
  warning?: string;
  /** Names present but empty (they count as unset, except where presence matters). */
  empty: readonly string[];
  origin?: Origin;
}

export function ruleFor(v: Variable, consumer: Consumer): ConsumerRule | undefined {
  return consumer === "sdk" ? v.sdk : v.agent;
}

export function readVariable(
  v: Variable,
  consumer: Consumer,
  env: Readonly<Record<string, string>>,
  fromFile?: ReadonlyMap<string, string>,
): VariableState {
  const rule = ruleFor(v, consumer);
  // one shared empty list until a name is found empty: an array per variable read (every variable
  // at every start) would take a butterfly each, a heap block's worth in all
  const state: VariableState = { variable: v, consumer, status: "unset", empty: NO_NAMES };
  let emptyNames: string[] | undefined;
  if (!rule) return state;
  for (let i = -1; i < v.aliases.length; i++) {
    const name = i < 0 ? v.name : v.aliases[i]!;
    const raw = env[name];
    if (raw === undefined) continue;
    // SDK EnvEntry strips before the emptiness test; the agent tests the raw value.
    const strip = consumer === "sdk" && !RAW.has(rule.converter);
    const empty = strip ? pyStrip(raw) === "" : raw === "" && rule.converter !== "env-name";
    // CLEARML_API_DEFAULT_REQ_METHOD: present-but-empty crashes `import clearml` (sdk #73)
    if (empty && !(rule.converter === "req-method" && consumer === "sdk")) {
      (emptyNames ??= []).push(name);
      state.empty = emptyNames;
      continue;
    }
    state.name = name;
    state.raw = raw;
    const file = fromFile?.get(name);
    state.origin = file ? { kind: "env", name, file } : { kind: "env", name };
    const input = strip ? pyStrip(raw) : raw;
    const r = convert(rule.converter, input);
    if (r.ok) {
      state.status = "set";
      state.value = r.value;
      if (r.warning) state.warning = r.warning;
    } else {
      state.status = "invalid";
      state.error = r.error;
    }
    // A conversion error stops the alias chain in both programs.
    return state;
  }
  return state;
}

/** Python truthiness of a converted value. */
export function truthy(value: Plain | undefined): boolean {
  if (value === undefined || value === null || value === false || value === "" || value === 0) {
    return false;
  }
  if (Array.isArray(value)) return value.length > 0;
  if (typeof value === "object") return Object.keys(value).length > 0;
  return true;
}
