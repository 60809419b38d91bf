/**
 * `maskPlan()`: the printable copy of a plan. Every secret value (and its percent-encoded form)
 * becomes `********`, URL passwords are masked, the docker argv is the agent's printed form;
 * `secretValues` is dropped. With `showSecrets` only `secretValues` is dropped. Pure.
 */
import type { Plan } from "./plan_types.ts";
import { MASK, maskUrlPassword } from "../settings/mask.ts";

export type PrintedPlan = Omit<Plan, "secretValues">;

export function maskPlan(plan: Plan, showSecrets = false): PrintedPlan {
  const { secretValues, ...rest } = plan;
  if (showSecrets) return structuredClone(rest);
  const needles = [...new Set(secretValues.flatMap((s) => [s, encodeURIComponent(s)]))]
    .filter((s) => s.length > 0)
    .sort((a, b) => b.length - a.length);
  const maskText = (text: string) => {
    let out = text;
    for (const n of needles) out = out.split(n).join(MASK);
    return maskUrlPassword(out);
  };
  const walk = (v: unknown): unknown => {
    if (typeof v === "string") return maskText(v);
    if (Array.isArray(v)) return v.map(walk);
    if (v && typeof v === "object") {
      return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, walk(x)]));
    }
    return v;
  };
  const printed = walk(rest) as PrintedPlan;
  printed.steps = printed.steps.map((
    s,
  ) => (s.kind === "docker" ? { ...s, argv: s.argvDisplay } : s));
  return printed;
}
