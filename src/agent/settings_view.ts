/**
 * `SettingsView`: typed reads of the agent's resolved settings for `plan()`. Config keys come from
 * the resolution tree (which already holds the env overrides the agent applies), variables from
 * their catalogue state, raw process variables from `env`. A variable the plan uses whose value
 * does not convert stops the plan with a `ConfigError` naming the variable and the expected form.
 */
import { ConfigError } from "../errors.ts";
import type { Resolution } from "../settings/resolve.ts";
import { lookup, variableState } from "../settings/resolve.ts";
import { type ConfNode, type Plain, toPlain } from "../settings/tree.ts";
import type { VariableState } from "../settings/read_variable.ts";
import { truthy } from "../settings/read_variable.ts";
import { invalidMessage } from "../settings/invalid_message.ts";
import { expandUser } from "../settings/expand_user.ts";

export class SettingsView {
  constructor(
    readonly resolution: Resolution,
    readonly env: Readonly<Record<string, string>>,
    readonly home: string,
  ) {}

  node(key: string): ConfNode | undefined {
    return lookup(this.resolution, key);
  }

  plain(key: string): Plain | undefined {
    const n = this.node(key);
    return n ? toPlain(n) : undefined;
  }

  /** A scalar as text; null/absent → undefined. */
  text(key: string): string | undefined {
    const v = this.plain(key);
    if (v === undefined || v === null || typeof v === "object") return undefined;
    return String(v);
  }

  /** Python truthiness of a key, with the code's default when absent. */
  bool(key: string, fallback: boolean): boolean {
    const v = this.plain(key);
    return v === undefined || v === null ? fallback : truthy(v);
  }

  /** A list key; a string counts as one element (the agent's `[x] if str`), absent → undefined. */
  list(key: string): string[] | undefined {
    const v = this.plain(key);
    if (v === undefined || v === null) return undefined;
    if (Array.isArray(v)) return v.map((x) => (x === null ? "" : String(x)));
    return [String(v)];
  }

  /** A path key with `~` and `$VAR` expanded, as the agent's `load_path`. */
  path(key: string, fallback?: string): string | undefined {
    const v = this.text(key) ?? fallback;
    if (!v) return undefined;
    return expandUser(expandVars(v, this.env), this.home);
  }

  /** The state of a catalogue variable; an invalid value throws (it stops the agent too). */
  variable(name: string): VariableState | undefined {
    const s = variableState(this.resolution, name);
    if (s?.status === "invalid") {
      const rule = s.variable.agent;
      throw new ConfigError(rule ? invalidMessage(s, rule) : `${s.name}: ${s.error}`);
    }
    return s;
  }

  /** The converted value of a set catalogue variable. */
  value(name: string): Plain | undefined {
    const s = this.variable(name);
    return s?.status === "set" ? s.value : undefined;
  }

  /** The first non-empty raw value among names (EnvironmentConfig's rule), stripped. */
  envText(...names: string[]): string | undefined {
    for (const n of names) {
      const v = this.env[n];
      if (v !== undefined && v !== "") return v.trim();
    }
    return undefined;
  }
}

/** Python's `os.path.expandvars` (POSIX): `$NAME` and `${NAME}`; unknown names stay literal. */
export function expandVars(text: string, env: Readonly<Record<string, string>>): string {
  if (!text.includes("$")) return text;
  return text.replace(/\$(\w+|\{[^}]*\})/g, (whole, name: string) => {
    const key = name.startsWith("{") ? name.slice(1, -1) : name;
    const v = env[key];
    return v === undefined ? whole : v;
  });
}
