/**
 * PyTorch resolution (agent-exec §4) as a pure generator: it yields the HTTP requests it needs
 * (`GET` index/page probes, the final `HEAD`) and receives their answers, so the same algorithm
 * runs over recorded answers (`resolveTorchSync`, used by the pure `plan()`) or over the network
 * (`resolveTorchAsync` in pytorch_fetch.ts). Modes: `none` (untouched), `pip` (an extra index URL
 * per CUDA version, walking down), `direct` (a wheel URL from the `torch_stable.html` page).
 */
import {
  compareVersions,
  matchesSpecs,
  pipModeLine,
  type Spec,
  type TorchReq,
} from "./pytorch_requirement.ts";
import { allows111OrLater } from "./pytorch_requirement.ts";

export interface HttpRequest {
  method: "GET" | "HEAD";
  url: string;
}
export interface HttpAnswer {
  /** HTTP status; 0 = connection error. */
  status: number;
  body?: string;
}

export interface TorchSettings {
  mode: "none" | "pip" | "direct";
  /** `convert_cuda_version_to_int_10_base_str(agent.cuda_version)`: 118, 0 for CPU. */
  cuda: number;
  /** `major.minor` of the task's interpreter. */
  python: string;
  /** `linux`, `windows`, `macos`. */
  platform: string;
  /** `platform.machine().lower()`. */
  arch: string;
  /** `agent.package_manager.extra_index_url_template` (default …/whl/cu{}/). */
  indexTemplate: string;
  /** `agent.package_manager.torch_page` (default …/whl/cu{}/torch_stable.html). */
  pageTemplate: string;
  /** The built-in page table, keys → URL (`cpu` for 0). */
  pageTable: Record<number, string>;
  nightly: boolean;
  nightlyPageTemplate: string;
  urlTemplatePrefix: string;
}

export const TORCH_BASE = "https://download.pytorch.org/whl/";

/** The defaults of clearml-agent 1.9.2, all under `base` (configurable for tests and mirrors). */
export function torchDefaults(
  base = TORCH_BASE,
): Omit<TorchSettings, "mode" | "cuda" | "python" | "platform" | "arch"> {
  const table: Record<number, string> = { 0: `${base}cpu/torch_stable.html` };
  for (const k of [80, 90, 92, 100, 101, 102, 110]) table[k] = `${base}cu${k}/torch_stable.html`;
  return {
    indexTemplate: `${base}cu{}/`,
    pageTemplate: `${base}cu{}/torch_stable.html`,
    pageTable: table,
    nightly: false,
    nightlyPageTemplate: `${base}nightly/cu{}/torch_nightly.html`,
    urlTemplatePrefix: base.replace(/^https:/, "http:"),
  };
}

export interface TorchResult {
  /** The line pip installs (a URL in direct mode). */
  line: string;
  /** Index URL to add to every pip install (pip mode). */
  indexUrl: string | null;
  wheelUrl: string | null;
  /** `setuptools < 59` must be added. */
  setuptools: boolean;
  messages: string[];
}

export class TorchResolutionError extends Error {}

type Gen<T> = Generator<HttpRequest, T, HttpAnswer>;

const ok = (a: HttpAnswer) => a.status > 0 && a.status < 400;

/** Cache across requirements of one plan, like the agent's process-wide lookups. */
export interface TorchCache {
  index: Map<number, string>;
  pages: Map<number, string>;
}

export function newTorchCache(s: TorchSettings): TorchCache {
  return {
    index: new Map(),
    pages: new Map(Object.entries(s.pageTable).map(([k, v]) => [Number(k), v])),
  };
}

/** §4.3 step 1: the first index page that answers, walking down 15 CUDA versions. */
function* indexUrl(s: TorchSettings, cache: TorchCache, messages: string[]): Gen<string | null> {
  if (cache.index.has(s.cuda)) return cache.index.get(s.cuda)!;
  for (let c = s.cuda; c > Math.max(-1, s.cuda - 15); c--) {
    const url = s.indexTemplate.replace("{}", String(c));
    if (ok(yield { method: "GET", url })) {
      messages.push(`Torch CUDA ${c} index page found, adding \`${url}\``);
      cache.index.set(c, url);
      return url;
    }
  }
  const keys = [...cache.index.keys()].sort((a, b) => b - a);
  for (const k of keys) if (k <= s.cuda) return cache.index.get(k)!;
  return null;
}

/** The `torch_stable.html` page for a CUDA key (table first, else probing, else lower keys). */
function* torchPage(
  s: TorchSettings,
  cache: TorchCache,
  cuda: number,
  messages: string[],
  nightly = false,
): Gen<[string, number] | null> {
  if (nightly) {
    for (let c = cuda; c > Math.max(-1, cuda - 15); c--) {
      const url = s.nightlyPageTemplate.replace("{}", String(c));
      if (ok(yield { method: "GET", url })) {
        messages.push(`Torch nightly CUDA ${c} download page found`);
        return [url, c];
      }
    }
    return null;
  }
  if (cache.pages.has(cuda)) return [cache.pages.get(cuda)!, cuda];
  for (let c = cuda; c > Math.max(-1, cuda - 15); c--) {
    const url = s.pageTemplate.replace("{}", String(c));
    if (ok(yield { method: "GET", url })) {
      messages.push(`Torch CUDA ${c} download page found`);
      cache.pages.set(c, url);
      return [url, c];
    }
  }
  const keys = [...cache.pages.keys()].sort((a, b) => b - a);
  for (const k of keys) if (k <= cuda) return [cache.pages.get(k)!, k];
  return [cache.pages.get(0) ?? s.pageTable[0]!, 0];
}

/** Anchor texts of an HTML page (what the agent's link parser collects). */
export function anchorTexts(html: string): string[] {
  const out: string[] = [];
  for (const m of html.matchAll(/<a\b[^>]*>([^<]*)<\/a>/gi)) {
    const t = m[1]!.replace(/&amp;/g, "&").trim();
    if (t) out.push(t);
  }
  return out;
}

/** §4.4 step 4: the best matching wheel on a page. */
function* linkFromPage(
  s: TorchSettings,
  req: TorchReq,
  specs: Spec[],
  pageUrl: string,
): Gen<[string | null, string | null]> {
  const answer = yield { method: "GET", url: pageUrl };
  const links = ok(answer) ? anchorTexts(answer.body ?? "") : [];
  const platform = s.platform === "windows" ? "win" : s.platform;
  const py = s.python.replace(".", "");
  let url: string | null = null;
  let last: string | null = null;
  let closest: string | null = null;
  for (const l of links) {
    const parts = l.split("/").pop()!.split("-");
    if (parts.length < 5 || parts[0] !== req.name) continue;
    const v = parts[1]!.split("%")[0]!.split("+")[0]!;
    if (!parts[2]!.endsWith(py)) continue;
    const tag = parts[4]!.toLowerCase();
    if (!tag.includes(platform) || !tag.includes(s.arch)) continue;
    if (py.startsWith("2") && !parts[3]!.endsWith("u")) continue;
    if (!matchesSpecs(v, specs) || (last && compareVersions(last, v) > 0)) continue;
    if (!closest) closest = v;
    else if (compareVersions(closest, v) >= 0 && compareVersions(v, specs[0]![1]) >= 0) closest = v;
    url = [...pageUrl.split("/").slice(0, -1), ...l.split("/")].join("/");
    last = v;
    if (specs[0]![0] === "==" && compareVersions(specs[0]![1], v) === 0) break;
  }
  return [url, last ?? closest];
}

/** `/`-normalised path, percent-quoted like Python's `quote(path)`. */
function normaliseUrl(url: string): string {
  const head = url.split("/").slice(0, 3).join("/");
  const path = "/" + url.split("/").slice(3).join("/");
  const segs: string[] = [];
  for (const seg of path.split("/").slice(1)) {
    if (seg === "..") segs.pop();
    else if (seg !== ".") segs.push(seg);
  }
  const decoded = segs.map((p) => {
    try {
      return decodeURIComponent(p);
    } catch {
      return p;
    }
  });
  const quoted = decoded.map((p) =>
    encodeURIComponent(p).replace(
      /[!'()*]/g,
      (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`,
    )
  );
  return head + "/" + quoted.join("/");
}

/** §4.4: direct wheel URL; throws `TorchResolutionError` when nothing matches. */
function* direct(
  s: TorchSettings,
  cache: TorchCache,
  req: TorchReq,
  messages: string[],
): Gen<TorchResult> {
  const specs: Spec[] = req.specs.length ? req.specs.map(([o, v]) => [o, v]) : [[">", "0"]];
  specs[0] = [specs[0]![0], specs[0]![1].split("+")[0]!];
  const version = specs[0]![1];
  const show = `${req.name}${specs.map(([o, v]) => `${o}${v}`).join(",")}`;
  let page: [string, number] | null = yield* torchPage(s, cache, s.cuda, messages);
  if (!page) throw new TorchResolutionError("no page");
  let [url, closest] = yield* linkFromPage(s, req, specs, page[0]);
  if (!url && s.nightly) {
    const n = yield* torchPage(s, cache, s.cuda, messages, true);
    if (n) {
      page = n;
      [url, closest] = yield* linkFromPage(s, req, specs, page[0]);
    }
  }
  while (!url && page[1] > 0) {
    const previous: number = page[1];
    messages.push(
      `Warning, could not locate PyTorch ${show} matching CUDA version ${previous}, best candidate ${
        closest ?? "None"
      }`,
    );
    [url, closest] = yield* linkFromPage(s, req, specs, page[0]);
    if (url) break;
    page = (yield* torchPage(s, cache, previous - 1, messages))!;
    if (page[1] < 1) {
      messages.push(
        `Error! Could not locate PyTorch version ${show} matching CUDA version ${previous}`,
      );
      throw new TorchResolutionError(
        `Could not locate PyTorch version ${show} matching CUDA version ${s.cuda}`,
      );
    }
    messages.push(`Trying PyTorch CUDA version ${page[1]} support`);
  }
  const setuptools = req.name === "torch" && closest !== null &&
    compareVersions(closest, "1.11.0") < 0;
  if (!url) {
    const py = s.python.replace(".", "");
    const os = s.platform === "windows" ? "win_amd64" : "linux_x86_64";
    const cu = s.cuda ? `cu${s.cuda}` : "cpu";
    url = `${s.urlTemplatePrefix}${cu}/torch-${version}-cp${py}-cp${py}m${
      py.startsWith("2") ? "u" : ""
    }-${os}.whl`;
  }
  url = normaliseUrl(url);
  messages.push(`Found PyTorch version ${show} matching CUDA version ${page[1]}`);
  const head = yield { method: "HEAD", url };
  if (head.status === 0) throw new TorchResolutionError(`HEAD ${url} failed`);
  return { line: url, indexUrl: null, wheelUrl: url, setuptools, messages };
}

/** The whole handler for one requirement line (§4.2-§4.4 with the fallback chain of step 10). */
export function* resolveTorch(
  s: TorchSettings,
  cache: TorchCache,
  req: TorchReq,
): Gen<TorchResult | null> {
  const messages: string[] = [];
  if (s.mode === "none") return null;
  if (s.mode === "direct") {
    try {
      return yield* direct(s, cache, req, messages);
    } catch (e: unknown) {
      if (!(e instanceof TorchResolutionError)) throw e;
      messages.push(
        "Warning: Failed resolving using `pytorch_resolve=direct` reverting to `pytorch_resolve=pip`",
      );
    }
  }
  const index = yield* indexUrl(s, cache, messages);
  if (index) {
    const line = pipModeLine(req);
    messages.push(`PyTorch: Adding index \`${index}\` and installing \`${line}\``);
    return {
      line,
      indexUrl: index,
      wheelUrl: null,
      setuptools: req.name === "torch" && !allows111OrLater(req.specs),
      messages,
    };
  }
  try {
    const r = yield* direct(s, cache, req, messages);
    return r;
  } catch (e: unknown) {
    if (!(e instanceof TorchResolutionError)) throw e;
    const specs = req.specs.map(([o, v]) => `${o}${v}`).join(",");
    throw new TorchResolutionError(
      `Exception when trying to resolve python wheel: Could not find pytorch wheel URL for: ${req.name}${specs} with cuda ${s.cuda} support`,
    );
  }
}

/** Drive a resolution over recorded answers; `pending` names the first request not recorded. */
export function resolveTorchSync(
  gen: Gen<TorchResult | null>,
  recorded: Readonly<Record<string, HttpAnswer>>,
  probes: Array<{ url: string; status: number | "pending" }>,
): { result: TorchResult | null } | { pending: string } {
  let step = gen.next();
  while (!step.done) {
    const req = step.value;
    const key = req.method === "HEAD" ? `HEAD ${req.url}` : req.url;
    const answer = recorded[key] ?? (req.method === "HEAD" ? recorded[req.url] : undefined);
    if (!answer) {
      probes.push({ url: key, status: "pending" });
      return { pending: key };
    }
    probes.push({ url: key, status: answer.status });
    step = gen.next(answer);
  }
  return { result: step.value };
}
