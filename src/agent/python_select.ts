/**
 * Which interpreter builds the task's environment (agent-exec §5.5 step 7, §5.7): the version
 * the task asks for (`script.binary`), else `agent.python_binary`, `agent.default_python`, else
 * the first python found; candidates `python<X.Y>`, `python<X>`, `python`, matched by their
 * `--version` output (from `HostFacts.pythons`). Pure.
 */
import { FailureError } from "../errors.ts";
import type { PythonFound } from "./plan_types.ts";

/** `script.binary` → requested version: `python3.10` → `3.10`, `python3` → `3.0`. */
export function requestedPython(binary: string | undefined): string | null {
  const name = (binary ?? "").split("/").pop() ?? "";
  if (!name.startsWith("python")) return null;
  const v = name.replace("python", "");
  const [major, rest] = [v.split(".")[0]!, v.split(".").slice(1).join(".")];
  const minor = rest.split(".")[0] || "0";
  if (!/^\d+$/.test(major) || !/^\d+$/.test(minor)) return null;
  return `${Number(major)}.${Number(minor)}`;
}

export interface Selected {
  /** What the interpreter was found by (`python3.10`, a path). */
  executable: string;
  path: string;
  /** Full version (`3.10.12`). */
  version: string;
  /** `agent.default_python` afterwards (`3.10`). */
  suffix: string;
  messages: string[];
}

function suffixOf(spec: string): string {
  const name = spec.split("/").pop()!.replace(/\.exe$/, "");
  const at = name.lastIndexOf("python");
  return at < 0 ? name : name.slice(0, at) + name.slice(at + 6);
}

function find(pythons: readonly PythonFound[], exe: string): PythonFound | undefined {
  return pythons.find((p) => p.command === exe || p.path === exe);
}

/** `find_python_executable_for_version`; undefined when nothing is found. */
function forVersion(pythons: readonly PythonFound[], config: string): Selected | undefined {
  const parts = suffixOf(config).split(".").filter((p) => p !== "");
  const versions: string[] = [];
  for (let i = parts.length; i >= 0; i--) versions.push(parts.slice(0, i).join("."));
  let first: Selected | undefined;
  const escaped = config.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
  for (const version of versions) {
    const exe = config.includes("/") ? config : `python${version}`;
    const p = find(pythons, exe);
    if (!p) continue;
    const output = `Python ${p.version}`;
    const any = /Python (\d+(?:\.\d+)*)/.exec(output);
    if (!any) continue;
    const suffix = version.includes(".") ? version : any[1]!.split(".").slice(0, 2).join(".");
    first ??= { executable: exe, path: p.path, version: any[1]!, suffix, messages: [] };
    const want = new RegExp(`Python (${config.includes("/") ? "\\d+" : escaped}(?:\\.\\d+)*)`);
    const m = want.exec(output);
    if (m) return { executable: exe, path: p.path, version: m[1]!, suffix, messages: [] };
  }
  if (first) {
    first.messages.push(
      `Python executable with version '${config}' requested by the Task, not found in path, ` +
        `using '${first.path}' (v${first.version}) instead`,
    );
  }
  return first;
}

export interface SelectInput {
  requested: string | null;
  ignoreRequested: boolean;
  pythonBinary: string | undefined;
  defaultPython: string | undefined;
  pythons: readonly PythonFound[];
}

export function selectPython(input: SelectInput): Selected {
  const own = input.pythons[0];
  const ownVersion = own ? own.version.split(".").slice(0, 2).join(".") : "3";
  const requested = (input.ignoreRequested ? null : input.requested) || input.pythonBinary ||
    input.defaultPython || ownVersion;
  const hit = forVersion(input.pythons, requested);
  if (hit) return hit;
  const fallback = input.pythonBinary || input.defaultPython || ownVersion;
  const second = forVersion(input.pythons, fallback);
  if (second) {
    second.messages.unshift(
      `Warning: could not locate requested Python version ${requested}, reverting to version ${fallback}`,
    );
    return second;
  }
  throw new FailureError(
    `Python executable with version '${requested}' requested by the Task, key ` +
      `'agent.default_python', not found in path (set agent.python_binary or install python${requested})`,
  );
}
