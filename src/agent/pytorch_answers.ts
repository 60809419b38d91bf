/**
 * `fetchTorchAnswers()`: run the PyTorch resolution of a plan's pending torch lines over the
 * network and return every answer, for `plan()` to replay from `HostFacts.http`.
 */
import type { HostFacts, Plan, PlanSettings } from "./plan_types.ts";
import { stepOf } from "./plan_types.ts";
import { SettingsView } from "./settings_view.ts";
import { torchSettings } from "./pytorch_step.ts";
import { newTorchCache, resolveTorch, TorchResolutionError } from "./pytorch_resolve.ts";
import { parseRequirement } from "./pytorch_requirement.ts";
import { type Fetcher, resolveTorchAsync } from "./pytorch_fetch.ts";
import type { HttpAnswer } from "./pytorch_resolve.ts";

export async function fetchTorchAnswers(
  plan: Plan,
  settings: PlanSettings,
  host: HostFacts,
  fetcher: Fetcher,
): Promise<Record<string, HttpAnswer>> {
  const record: Record<string, HttpAnswer> = { ...(host.http ?? {}) };
  const step = stepOf(plan, "pytorch");
  if (!step || !step.python) return record;
  const view = new SettingsView(settings.resolution, settings.env, host.home);
  const python = `${step.python.slice(0, 1)}.${step.python.slice(1)}`;
  const { settings: s } = torchSettings(view, host, step.cuda, python);
  const cache = newTorchCache(s);
  for (const r of step.requirements) {
    if (r.status !== "pending") continue;
    const req = parseRequirement(r.line);
    if (!req) continue;
    try {
      await resolveTorchAsync(resolveTorch(s, cache, req), fetcher, record);
    } catch (e: unknown) {
      if (!(e instanceof TorchResolutionError)) throw e;
    }
  }
  return record;
}
