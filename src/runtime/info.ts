/** Which runtime runs us, and which platform target a binary was built for. */
export type RuntimeName = "bun" | "deno" | "node";

// deno-lint-ignore no-explicit-any
const g = globalThis as any;

export function runtimeName(): RuntimeName {
  if (typeof g.Bun !== "undefined") return "bun";
  if (typeof g.Deno !== "undefined") return "deno";
  return "node";
}

export function runtimeVersion(): string {
  if (typeof g.Bun !== "undefined") return String(g.Bun.version);
  if (typeof g.Deno !== "undefined") return String(g.Deno.version.deno);
  return process.versions.node;
}

/** True when running as a `bun build --compile` executable. */
export function isCompiled(): boolean {
  if (typeof g.Bun === "undefined") return false;
  const main = String(g.Bun.main ?? "");
  return main.startsWith("/$bunfs/") || main.includes("~BUN") || main.startsWith("B:/~BUN");
}
