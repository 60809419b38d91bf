/**
 * A requirement line as the PyTorch handler reads it (agent-exec §4): name, version specifiers,
 * environment marker, and the version comparisons it uses. Pure.
 */

export type Spec = [op: string, version: string];

export interface TorchReq {
  line: string;
  name: string;
  specs: Spec[];
  marker: string | null;
  /** `name @ url` form. */
  url: string | null;
}

/** The packages the handler substitutes. */
export const TORCH_PACKAGES = ["torch", "torchvision", "torchaudio", "torchcsprng", "torchtext"];

/** Parse one requirement line; null for comments, blanks and options (`-r`, `--index-url`). */
export function parseRequirement(line: string): TorchReq | null {
  const text = line.trim();
  if (!text || text.startsWith("#") || text.startsWith("-")) return null;
  const semi = text.indexOf(";");
  const body = (semi < 0 ? text : text.slice(0, semi)).replace(/\s+#.*$/, "").trim();
  const marker = semi < 0 ? null : text.slice(semi + 1).trim() || null;
  const m = /^([A-Za-z0-9][A-Za-z0-9._-]*)\s*(\[[^\]]*\])?\s*(.*)$/.exec(body);
  if (!m) return null;
  const rest = m[3]!.trim();
  let url: string | null = null;
  const specs: Spec[] = [];
  if (rest.startsWith("@")) url = rest.slice(1).trim();
  else if (rest) {
    for (const part of rest.replace(/^\(|\)$/g, "").split(",")) {
      const s = /^\s*(===|==|!=|~=|>=|<=|>|<)\s*(\S+)\s*$/.exec(part);
      if (s) specs.push([s[1]!, s[2]!]);
    }
  }
  return { line: text, name: m[1]!, specs, marker, url };
}

/** The numeric release parts of a version (`2.1.0+cu118` → [2, 1, 0], `1.13.0a0` → [1, 13, 0]). */
export function releaseParts(version: string): number[] {
  const out: number[] = [];
  for (const p of version.split("+")[0]!.split(".")) {
    const m = /^(\d+)/.exec(p);
    if (!m) break;
    out.push(Number(m[1]));
    if (m[1] !== p) break;
  }
  return out;
}

/** Compare two versions by release parts (missing parts count as 0). */
export function compareVersions(a: string, b: string): number {
  const x = releaseParts(a);
  const y = releaseParts(b);
  for (let i = 0; i < Math.max(x.length, y.length); i++) {
    const d = (x[i] ?? 0) - (y[i] ?? 0);
    if (d) return d < 0 ? -1 : 1;
  }
  return 0;
}

function satisfies(version: string, [op, want]: Spec): boolean {
  if (want.endsWith(".*")) {
    const prefix = releaseParts(want.slice(0, -2));
    const have = releaseParts(version);
    const eq = prefix.every((p, i) => (have[i] ?? 0) === p);
    return op === "!=" ? !eq : eq;
  }
  const c = compareVersions(version, want);
  switch (op) {
    case "==":
    case "===":
      return c === 0;
    case "!=":
      return c !== 0;
    case ">=":
      return c >= 0;
    case "<=":
      return c <= 0;
    case ">":
      return c > 0;
    case "<":
      return c < 0;
    case "~=": {
      const p = releaseParts(want);
      const upper = [...p.slice(0, Math.max(1, p.length - 1))];
      upper[upper.length - 1]! += 1;
      return c >= 0 && compareVersions(version, upper.join(".")) < 0;
    }
  }
  return false;
}

/** The version satisfies every specifier. */
export function matchesSpecs(version: string, specs: readonly Spec[]): boolean {
  return specs.every((s) => satisfies(version, s));
}

/** Some version ≥ 1.11.0 satisfies the specifiers (the setuptools < 59 rule, §4.3 step 3). */
export function allows111OrLater(specs: readonly Spec[]): boolean {
  for (const [op, v] of specs) {
    if ((op === "==" || op === "===") && !v.endsWith(".*") && compareVersions(v, "1.11.0") < 0) {
      return false;
    }
    if (op === "<" && compareVersions(v, "1.11.0") <= 0) return false;
    if (op === "<=" && compareVersions(v, "1.11.0") < 0) return false;
  }
  return true;
}

/** §4.3 step 4: `torch==2.1.0` → `torch ==2.1.0.*`; ranges and URLs stay as written. */
export function pipModeLine(req: TorchReq): string {
  const spec = req.specs.length === 1 && req.specs[0]![0] === "==" ? req.specs[0]! : null;
  if (!spec || req.url) return req.line;
  const parts = releaseParts(spec[1]);
  const max3 = parts.slice(0, 3);
  const padded = [...max3, 0, 0, 0].slice(0, 3);
  const text = `==${max3.join(".")}`;
  let line = max3.length === 3 && padded.join(".") === max3.join(".") && !spec[1].endsWith("*")
    ? `${req.name} ${text}.*`
    : `${req.name} ${text}`;
  if (req.marker) line += ` ; ${req.marker}`;
  return line;
}
