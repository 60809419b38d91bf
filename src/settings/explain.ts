/**
 * `clearml env explain NAME`: what a variable, a dynamic name or a config key does, and its
 * value here with the reason. Pure: takes the snapshot and both resolutions.
 */
import type { Consumer, ConsumerRule, Variable } from "./variable.ts";
import type { Resolution } from "./resolve.ts";
import { CATALOGUE, findVariable, knownNames } from "./catalogue.ts";
import { readVariable } from "./read_variable.ts";
import { DYNAMIC_PREFIX, dynamicPath } from "./dynamic_env.ts";
import { formatOrigin, getNode, type Plain, splitPath, toPlain } from "./tree.ts";
import { didYouMean } from "./did_you_mean.ts";
import { knownConfigKeys } from "./defaults/known_keys.ts";
import { MASK, maskPlain, maskText, maskTree } from "./mask.ts";

export interface ExplainInput {
  env: Readonly<Record<string, string>>;
  envFromFile: ReadonlyMap<string, string>;
  resolutions: Record<Consumer, Resolution>;
  showSecrets: boolean;
}

export interface Explanation {
  known: boolean;
  text: string;
  data: Record<string, unknown>;
}

const APPLY_TEXT: Record<ConsumerRule["apply"], string> = {
  "env-map": "written into the configuration at start-up, only when its value is truthy",
  "point-of-use": "replaces the configuration key where the value is used",
  "call-site": "read where it is used; it beats the configuration key",
  "none": "read directly, no configuration key",
};

/** A variable's converted value, masked by its name and by what it holds. */
function shown(value: Plain, name: string, showSecrets: boolean): Plain {
  return showSecrets ? value : maskPlain(value, [name]);
}

function explainVariable(v: Variable, input: ExplainInput): Explanation {
  const lines: string[] = [];
  // conversion errors quote the value
  const reveal = (text: string, raw?: string) =>
    input.showSecrets ? text : maskText(v.secret && raw ? text.replaceAll(raw, MASK) : text);
  lines.push(`${v.name}${v.aliases.length ? ` (also: ${v.aliases.join(", ")})` : ""}`);
  lines.push(`  ${v.description}`);
  lines.push(`  type: ${v.type}; read by: ${v.readers.join(", ")}${v.secret ? "; secret" : ""}`);
  if (v.docs.length) {
    lines.push(`  documented on the ClearML ${v.docs.join(" and ")} reference page`);
  }
  const consumers: Record<string, unknown> = {};
  for (const c of ["sdk", "agent"] as Consumer[]) {
    const rule = c === "sdk" ? v.sdk : v.agent;
    if (!rule) continue;
    const s = readVariable(v, c, input.env, input.envFromFile);
    const key = rule.key;
    const node = key ? getNode(input.resolutions[c].tree, splitPath(key)) : undefined;
    lines.push(`  ${c === "sdk" ? "SDK" : "agent"}:`);
    lines.push(
      `    parsing: ${rule.converter}; on a bad value: ${rule.onInvalid}` +
        (rule.default !== undefined ? `; default: ${JSON.stringify(rule.default)}` : ""),
    );
    if (key) lines.push(`    key: ${key} (${APPLY_TEXT[rule.apply]})`);
    if (rule.note) lines.push(`    note: ${rule.note}`);
    let now: string;
    if (s.status === "set") {
      now = `${JSON.stringify(shown(s.value as Plain, s.name ?? v.name, input.showSecrets))} ` +
        `from ${s.name}` +
        (s.origin?.kind === "env" && s.origin.file ? ` (in ${s.origin.file})` : "");
    } else if (s.status === "invalid") now = `INVALID: ${reveal(s.error ?? "", s.raw)}`;
    else now = "unset" + (s.empty.length ? ` (${s.empty.join(", ")} empty, counts as unset)` : "");
    lines.push(`    here: ${now}`);
    if (node && key) {
      const plain = toPlain(
        input.showSecrets ? node : maskTree(node, { path: splitPath(key) }),
      );
      lines.push(`    effective ${key} = ${JSON.stringify(plain)} ← ${formatOrigin(node.origin)}`);
    }
    consumers[c] = {
      ...rule,
      status: s.status,
      name: s.name,
      value: s.value === undefined
        ? undefined
        : shown(s.value, s.name ?? v.name, input.showSecrets),
      error: s.error === undefined ? undefined : reveal(s.error, s.raw),
      effective: node && key ? { key, origin: formatOrigin(node.origin) } : undefined,
    };
  }
  for (const n of v.notes ?? []) lines.push(`  ! ${n}`);
  if (v.spec) lines.push(`  spec: ${v.spec}`);
  return {
    known: true,
    text: lines.join("\n") + "\n",
    data: {
      kind: "variable",
      name: v.name,
      aliases: v.aliases,
      description: v.description,
      readers: v.readers,
      secret: v.secret,
      notes: v.notes ?? [],
      consumers,
    },
  };
}

function explainKey(key: string, input: ExplainInput, via?: string): Explanation {
  const lines: string[] = [];
  const path = splitPath(key);
  const data: Record<string, unknown> = { kind: "key", key, consumers: {} };
  lines.push(via ? `${via} sets the agent's configuration key ${key}` : `configuration key ${key}`);
  let found = false;
  for (const c of ["sdk", "agent"] as Consumer[]) {
    const r = input.resolutions[c];
    const node = getNode(r.tree, path);
    const knownKey = knownConfigKeys(c).includes(key);
    if (node) found = true;
    const plain = node ? toPlain(input.showSecrets ? node : maskTree(node, { path })) : undefined;
    lines.push(
      `  ${c === "sdk" ? "SDK" : "agent"}: ${
        node ? `${JSON.stringify(plain)} ← ${formatOrigin(node.origin)}` : "not set"
      }` +
        (!knownKey && !node ? " (not a key this program knows)" : ""),
    );
    (data.consumers as Record<string, unknown>)[c] = {
      value: plain,
      origin: node ? formatOrigin(node.origin) : undefined,
    };
  }
  const vars = CATALOGUE.filter((v) => v.sdk?.key === key || v.agent?.key === key);
  if (vars.length) {
    lines.push(`  variables that override it: ${vars.map((v) => v.name).join(", ")}`);
    data.variables = vars.map((v) => v.name);
  }
  if (via) {
    lines.push(`  (dynamic variables are read by the agent only; fixed variables beat them)`);
  }
  const known = found || knownConfigKeys("agent").includes(key) ||
    knownConfigKeys("sdk").includes(key);
  if (!known) {
    const guesses = didYouMean(key, [
      ...new Set([...knownConfigKeys("sdk"), ...knownConfigKeys("agent")]),
    ]);
    if (guesses.length) lines.push(`  did you mean ${guesses.join(" or ")}?`);
    data.didYouMean = guesses;
  }
  return { known: known || Boolean(via), text: lines.join("\n") + "\n", data };
}

export function explain(asked: string, input: ExplainInput): Explanation {
  // `clearml_api_host` is the variable CLEARML_API_HOST, not a configuration key; the programs
  // read names case-sensitively, so say which spelling they read
  const upper = asked.toUpperCase();
  const variableName = findVariable(asked) || !findVariable(upper) ? asked : upper;
  const name = asked.startsWith(DYNAMIC_PREFIX.toLowerCase()) ? upper : variableName;
  const caseNote = name !== asked
    ? `  (names are case-sensitive: the programs read ${name}, not ${asked})\n`
    : "";
  const e = explainName(name, input);
  if (caseNote) {
    e.text = e.text.replace("\n", `\n${caseNote}`);
    e.data.asked = asked;
  }
  return e;
}

function explainName(name: string, input: ExplainInput): Explanation {
  const v = findVariable(name);
  if (v) return explainVariable(v, input);
  if (name.startsWith(DYNAMIC_PREFIX)) {
    const d = input.resolutions.agent.dynamic.find((x) => x.name === name);
    const e = explainKey(dynamicPath(name), input, name);
    const error = d?.error && !input.showSecrets ? maskText(d.error) : d?.error;
    if (error) e.text += `  error: ${error}\n`;
    e.data.dynamic = { name, path: dynamicPath(name), error };
    return e;
  }
  if (name.includes(".") || /^[a-z_]+$/.test(name)) return explainKey(name, input);
  const guesses = didYouMean(name, knownNames());
  return {
    known: false,
    text: `${name} is not a variable the SDK or the agent reads` +
      (guesses.length ? `; did you mean ${guesses.join(" or ")}?` : "") + "\n",
    data: { kind: "unknown", name, didYouMean: guesses },
  };
}
