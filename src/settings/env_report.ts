/**
 * What `clearml env` shows: every catalogue variable as each consumer reads it, plus ClearML
 * names we do not know and the agent's dynamic variables. Pure.
 */
import type { Consumer, Reader, Variable } from "./variable.ts";
import type { Plain } from "./tree.ts";
import { CATALOGUE } from "./catalogue.ts";
import { readVariable, ruleFor } from "./read_variable.ts";
import { DYNAMIC_PREFIX, dynamicPath } from "./dynamic_env.ts";
import { MASK, maskEnvValue, maskPlain, maskText } from "./mask.ts";

export interface ConsumerView {
  status: "set" | "unset" | "invalid";
  value?: Plain;
  error?: string;
  name?: string;
}

export interface EnvRow {
  name: string;
  aliases: readonly string[];
  /** The names present in the environment (any value, even empty). */
  present: string[];
  /** The name whose value is shown (the first non-empty one). */
  shownName?: string;
  value?: string;
  /** `env` or the `.env` file the value came from. */
  source?: string;
  readers: readonly Reader[];
  secret: boolean;
  status: "valid" | "invalid" | "unset";
  consumers: Partial<Record<Consumer, ConsumerView>>;
  description: string;
}

export interface EnvReport {
  rows: EnvRow[];
  /** CLEARML_/TRAINS_ names that no program reads under that spelling. */
  unknown: string[];
  dynamic: Array<{ name: string; path: string; value: string; source: string }>;
}

export interface EnvReportOptions {
  all?: boolean;
  consumer?: Consumer;
  showSecrets?: boolean;
}

/**
 * String values of one row already masked, with the name they were masked at: the row and its
 * readers often hold the same long value (read as it is, or stripped alike), masked once.
 */
type Masked = Array<{ name: string; value: string; masked: string }>;

function maskedAt(memo: Masked, name: string, value: Plain): Plain {
  if (typeof value !== "string") return maskPlain(value, [name]);
  for (const m of memo) if (m.name === name && m.value === value) return m.masked;
  const masked = maskPlain(value, [name]) as string;
  memo.push({ name, value, masked });
  return masked;
}

function view(
  v: Variable,
  consumer: Consumer,
  env: Readonly<Record<string, string>>,
  showSecrets: boolean,
  memo: Masked,
) {
  const s = readVariable(v, consumer, env);
  const out: ConsumerView = { status: s.status };
  if (s.name) out.name = s.name;
  const name = s.name ?? v.name;
  if (s.value !== undefined) out.value = showSecrets ? s.value : maskedAt(memo, name, s.value);
  if (s.error) {
    // the message quotes the value: hide it whole when the name is secret
    const quoted = v.secret && s.raw ? s.error.replaceAll(s.raw, MASK) : s.error;
    out.error = showSecrets ? s.error : maskText(quoted);
  }
  return out;
}

export function isClearmlName(name: string): boolean {
  return /^(CLEARML|TRAINS|CLEAMRL)_/.test(name);
}

export function envReport(
  env: Readonly<Record<string, string>>,
  fromFile: ReadonlyMap<string, string>,
  opts: EnvReportOptions = {},
): EnvReport {
  const showSecrets = Boolean(opts.showSecrets);
  const known = new Set<string>();
  const rows: EnvRow[] = [];
  for (const v of CATALOGUE) {
    // most variables are not set: decided in plain loops before any array is made for them
    // (this runs at every `clearml env`, before the JIT warms up)
    known.add(v.name);
    let set = env[v.name] !== undefined;
    for (const alias of v.aliases) {
      known.add(alias);
      if (env[alias] !== undefined) set = true;
    }
    if (!opts.all && !set) continue;
    const names = [v.name, ...v.aliases];
    const consumers: Consumer[] = (["sdk", "agent"] as const).filter((c) =>
      ruleFor(v, c) && (!opts.consumer || opts.consumer === c)
    );
    if (opts.consumer && consumers.length === 0) continue;
    const present = names.filter((n) => env[n] !== undefined);
    const row: EnvRow = {
      name: v.name,
      aliases: v.aliases,
      present,
      readers: v.readers,
      secret: v.secret,
      status: "unset",
      consumers: {},
      description: v.description,
    };
    const shownName = names.find((n) => (env[n] ?? "").trim() !== "") ?? present[0];
    const memo: Masked = [];
    if (shownName !== undefined) {
      row.shownName = shownName;
      const raw = env[shownName] ?? "";
      row.value = showSecrets ? raw : maskEnvValue(shownName, raw);
      row.source = fromFile.get(shownName) ?? "env";
      // maskEnvValue is maskPlain at [name] for a catalogue name (tests/settings/env_report)
      memo.push({ name: shownName, value: raw, masked: row.value });
    }
    for (const c of consumers) row.consumers[c] = view(v, c, env, showSecrets, memo);
    const views = Object.values(row.consumers);
    if (views.some((x) => x.status === "invalid")) row.status = "invalid";
    else if (views.some((x) => x.status === "set")) row.status = "valid";
    rows.push(row);
  }
  const dynamicNames: string[] = [];
  const unknown: string[] = [];
  for (const n of Object.keys(env)) {
    if (n.startsWith(DYNAMIC_PREFIX)) dynamicNames.push(n);
    else if (isClearmlName(n) && !known.has(n)) unknown.push(n);
  }
  unknown.sort();
  const dynamic = dynamicNames.sort().map((n) => ({
    name: n,
    path: dynamicPath(n),
    value: showSecrets ? env[n] ?? "" : maskEnvValue(n, env[n] ?? ""),
    source: fromFile.get(n) ?? "env",
  }));
  return { rows, unknown, dynamic: opts.consumer === "sdk" ? [] : dynamic };
}
