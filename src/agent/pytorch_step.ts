/**
 * The PyTorch step: every torch-family line of the task's pip requirements resolved as the
 * agent's `PytorchRequirement` handler does (agent-exec §4), over the recorded HTTP answers in
 * `HostFacts.http`. A line whose answers are missing is `pending`: the edge resolves it over the
 * network (pytorch_fetch.ts) and plans again with the answers. Pure.
 */
import type { HostFacts, PytorchStep, TorchRequirement } from "./plan_types.ts";
import type { SettingsView } from "./settings_view.ts";
import { parseRequirement, TORCH_PACKAGES } from "./pytorch_requirement.ts";
import {
  newTorchCache,
  resolveTorch,
  resolveTorchSync,
  TORCH_BASE,
  torchDefaults,
  TorchResolutionError,
  type TorchSettings,
} from "./pytorch_resolve.ts";
import { cudaVersionInt10 } from "../settings/normalize_cuda.ts";

const MODES = ["pip", "direct", "none"] as const;

/** The handler's settings from the agent's configuration. */
export function torchSettings(
  view: SettingsView,
  host: HostFacts,
  cuda: string,
  python: string | null,
): { settings: TorchSettings; messages: string[]; why: string } {
  const messages: string[] = [];
  const raw = String(view.text("agent.package_manager.pytorch_resolve") ?? "pip").toLowerCase();
  let mode = (MODES as readonly string[]).includes(raw) ? raw as TorchSettings["mode"] : "pip";
  if (mode !== raw) {
    messages.push(
      `WARNING: agent.package_manager.pytorch_resolve==${raw} not in ('pip', 'direct', 'none') reverting to 'pip'`,
    );
  }
  const node = view.node("agent.package_manager.pytorch_resolve");
  const why = node?.origin.kind === "env"
    ? node.origin.name
    : "agent.package_manager.pytorch_resolve";
  if (view.bool("agent.cpu_only", false)) mode = "none";
  let cudaInt = 0;
  try {
    cudaInt = Number(cudaVersionInt10(cuda));
  } catch {
    cudaInt = 0;
  }
  // Ours: a torch_page of the form <base>cu{}/… moves the built-in page table to <base> too, so a
  // mirror (or a test server) serves every page; the agent keeps the table on the public host.
  const page = view.text("agent.package_manager.torch_page");
  const at = page?.indexOf("cu{}/") ?? -1;
  const d = torchDefaults(page && at > 0 ? page.slice(0, at) : TORCH_BASE);
  const settings: TorchSettings = {
    ...d,
    mode,
    cuda: Number.isFinite(cudaInt) ? cudaInt : 0,
    python: python ?? "",
    platform: host.platform === "win32"
      ? "windows"
      : host.platform === "darwin"
      ? "macos"
      : "linux",
    arch: host.arch.toLowerCase(),
    indexTemplate: view.text("agent.package_manager.extra_index_url_template") ?? d.indexTemplate,
    pageTemplate: view.text("agent.package_manager.torch_page") ?? d.pageTemplate,
    nightly: view.bool("agent.package_manager.torch_nightly", false),
    nightlyPageTemplate: view.text("agent.package_manager.torch_nightly_page") ??
      d.nightlyPageTemplate,
    urlTemplatePrefix: view.text("agent.package_manager.torch_url_template_prefix") ??
      d.urlTemplatePrefix,
  };
  return { settings, messages, why };
}

export interface TorchOutcome {
  step: PytorchStep;
  /** Requirement text with the substitutions applied (and `setuptools < 59` when needed). */
  requirementsText: string | null;
}

export function pytorchStep(
  view: SettingsView,
  host: HostFacts,
  cuda: string,
  python: string | null,
  pipRequirements: string | undefined,
): TorchOutcome {
  const { settings, messages, why } = torchSettings(view, host, cuda, python);
  const step: PytorchStep = {
    kind: "pytorch",
    mode: settings.mode,
    why,
    cuda: String(settings.cuda),
    python: python ? python.replace(".", "") : null,
    requirements: [],
    extraIndexUrl: null,
    extraLines: [],
    probes: [],
    messages,
  };
  if (pipRequirements === undefined) return { step, requirementsText: null };
  const cache = newTorchCache(settings);
  const out: string[] = [];
  let setuptools = false;
  for (const line of pipRequirements.split("\n")) {
    const req = parseRequirement(line);
    if (!req || !TORCH_PACKAGES.includes(req.name) || settings.mode === "none") {
      out.push(line);
      if (req && TORCH_PACKAGES.includes(req.name)) {
        step.requirements.push({
          line: req.line,
          name: req.name,
          replacement: null,
          status: "unchanged",
        });
      }
      continue;
    }
    const entry: TorchRequirement = {
      line: req.line,
      name: req.name,
      replacement: null,
      status: "unchanged",
    };
    if (!python || !python.includes(".")) {
      entry.status = "failed";
      entry.error = `invalid python version '${python ?? ""}' defined in configuration file, key ` +
        "'agent.default_python': must have both major and minor parts of the version (for example: '3.7')";
      step.requirements.push(entry);
      out.push(line);
      continue;
    }
    try {
      const r = resolveTorchSync(resolveTorch(settings, cache, req), host.http ?? {}, step.probes);
      if ("pending" in r) {
        entry.status = "pending";
        out.push(line);
      } else if (r.result) {
        entry.status = "resolved";
        entry.replacement = r.result.line;
        entry.wheelUrl = r.result.wheelUrl;
        messages.push(...r.result.messages);
        if (r.result.indexUrl) step.extraIndexUrl ??= r.result.indexUrl;
        setuptools ||= r.result.setuptools;
        out.push(r.result.line);
      } else out.push(line);
    } catch (e: unknown) {
      if (!(e instanceof TorchResolutionError)) throw e;
      entry.status = "failed";
      entry.error = e.message;
      out.push(line);
    }
    step.requirements.push(entry);
  }
  const listed = out.some((l) => parseRequirement(l)?.name === "setuptools");
  if (setuptools && !listed) {
    step.extraLines.push("setuptools < 59");
    out.push("setuptools < 59");
  }
  return { step, requirementsText: out.join("\n") };
}
