/** Doctor's env category: every `clearml env check` finding, grouped into stable checks. */
import type { Category, Check, CheckResult, DoctorInput } from "../types.ts";
import { envCheck, type Finding } from "../../settings/env_check.ts";
import { DYNAMIC_PREFIX } from "../../settings/dynamic_env.ts";

export interface EnvSnapshot {
  findings: Finding[];
}

function fromFindings(
  findings: Finding[],
  codes: string[],
  okSummary: string,
): CheckResult {
  const mine = findings.filter((f) => codes.includes(f.code));
  if (mine.length === 0) return { status: "pass", summary: okSummary };
  const worst = mine.some((f) => f.level === "error")
    ? "fail"
    : mine.some((f) => f.level === "warning")
    ? "warn"
    : "pass";
  const first = mine[0]!;
  const fixes = [...new Set(mine.map((f) => f.fix).filter((f): f is string => Boolean(f)))];
  return {
    status: worst,
    summary: mine.length === 1 ? first.message : `${first.message} (+${mine.length - 1} more)`,
    ...(mine.length > 1 ? { details: mine.map((f) => `${f.level}: ${f.message}`) } : {}),
    evidence: { findings: mine.map(({ code, subject, level }) => ({ code, subject, level })) },
    ...(fixes.length ? { fix: { text: fixes.join("; ") } } : {}),
  };
}

const check = (
  id: string,
  title: string,
  codes: string[],
  okSummary: string,
): Check<EnvSnapshot> => ({
  id,
  title,
  run: (s) => fromFindings(s.findings, codes, okSummary),
});

function consumers(_s: EnvSnapshot, input: DoctorInput): CheckResult {
  const set = {
    sdk: input.sdk.variables.filter((v) => v.status === "set"),
    agent: input.agent.variables.filter((v) => v.status === "set"),
  };
  const lines = (["sdk", "agent"] as const).map((c) =>
    `${c}: ${set[c].map((v) => v.name).join(", ") || "(none)"}`
  );
  const dyn = Object.keys(input.env).filter((n) => n.startsWith(DYNAMIC_PREFIX));
  if (dyn.length) lines.push(`agent only (dynamic): ${dyn.join(", ")}; the SDK ignores them`);
  const agentOnly = set.agent.filter((v) => !v.variable.sdk).length;
  return {
    status: "pass",
    summary: `the SDK reads ${set.sdk.length} set variable(s), the agent ${set.agent.length}` +
      (agentOnly ? ` (${agentOnly} only by the agent)` : ""),
    details: lines,
  };
}

export const envCategory: Category<EnvSnapshot> = {
  name: "env",
  title: "Environment variables",
  probe: (input) =>
    Promise.resolve({ findings: envCheck({ env: input.env, agentTree: input.agent.tree }) }),
  checks: [
    check(
      "env.values",
      "variable values parse",
      ["invalid-value", "value-changed", "empty-value"],
      "every set variable parses for the programs that read it",
    ),
    check(
      "env.names",
      "variable names are known",
      ["unknown-name", "no-effect"],
      "no unknown or ineffective CLEARML_/TRAINS_ names",
    ),
    check(
      "env.quoting",
      "no quoted or padded values",
      ["quoted-value", "whitespace"],
      "no value is wrapped in quotes or padded",
    ),
    check("env.legacy", "legacy TRAINS_ names", ["legacy-name"], "no legacy TRAINS_ names"),
    check(
      "env.dynamic",
      "dynamic variables reach a program",
      ["unread-dynamic"],
      "no server-only CLEARML__ names on this machine",
    ),
    check("env.conflicts", "no conflicting settings", [
      "git-auth-conflict",
      "git-auth-incomplete",
      "token-overrides-keys",
    ], "no conflicting variables"),
    { id: "env.consumers", title: "which program reads which value", run: consumers },
  ],
};
