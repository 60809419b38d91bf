/**
 * Which Python the agent would build task environments from (agent-exec §5.7), decided from the
 * python probe's snapshot: `agent.python_binary`, else the interpreter matching
 * `agent.default_python` (`python3.10`, shortened to `python3`, `python`), else the first of
 * `python3`, `python` on PATH. Pure.
 */
import type { DoctorInput } from "./types.ts";
import type { PyInterpreter, PythonSnapshot } from "./probes/python_snapshot.ts";
import { settingAt, settingText } from "./setting_at.ts";

export interface PythonSpec {
  /** Setting or variable that names an interpreter. */
  key: "agent.python_binary" | "CLEARML_AGENT_SKIP_PIP_VENV_INSTALL";
  spec: string;
  from: string;
}

/** The interpreters the settings name explicitly (the probe looks them up). */
export function pythonSpecs(input: DoctorInput): PythonSpec[] {
  const out: PythonSpec[] = [];
  const binary = settingAt(input.agent, "agent.python_binary");
  const text = settingText(binary);
  if (text) out.push({ key: "agent.python_binary", spec: text, from: binary.from });
  const skip = input.agent.variables.find((v) =>
    v.variable.name === "CLEARML_AGENT_SKIP_PIP_VENV_INSTALL"
  );
  if (skip?.status === "set" && typeof skip.value === "string" && skip.value !== "") {
    out.push({
      key: "CLEARML_AGENT_SKIP_PIP_VENV_INSTALL",
      spec: skip.value,
      from: `env ${skip.name}`,
    });
  }
  return out;
}

export interface PythonChoice {
  /** What was asked for, e.g. `agent.default_python = 3.10`. */
  requested: string;
  /** Where the request came from. */
  from: string;
  /** Names tried, in order. */
  candidates: string[];
  /** The interpreter the agent would use; undefined when none is found. */
  chosen?: PyInterpreter;
  /** What the agent warns about while choosing (a fallback). */
  fallback?: string;
}

/** `3.10.4` → `python3.10.4`, `python3.10`, `python3`, `python`. */
function shortenedNames(version: string): string[] {
  const parts = version.split(".").filter((p) => p !== "");
  const out: string[] = [];
  for (let n = parts.length; n >= 1; n--) out.push(`python${parts.slice(0, n).join(".")}`);
  out.push("python");
  return [...new Set(out)];
}

function onPath(snapshot: PythonSnapshot, name: string): PyInterpreter | undefined {
  return snapshot.onPath.find((i) => i.name === name);
}

function defaultChoice(
  snapshot: PythonSnapshot,
  requested: string,
  from: string,
  version?: string,
): PythonChoice {
  const candidates = version ? shortenedNames(version) : ["python3", "python"];
  const present = candidates.map((n) => onPath(snapshot, n)).filter((i): i is PyInterpreter =>
    i !== undefined
  );
  if (version) {
    const match = present.find((i) =>
      i.facts && (i.facts.version === version || i.facts.version.startsWith(`${version}.`))
    );
    if (match) return { requested, from, candidates, chosen: match };
    const first = present[0];
    return {
      requested,
      from,
      candidates,
      ...(first ? { chosen: first } : {}),
      fallback: first
        ? `no interpreter answers as Python ${version}; the agent warns and uses ${first.name}` +
          (first.facts ? ` (${first.facts.version})` : "")
        : `no ${candidates.join(", ")} on PATH`,
    };
  }
  const first = present[0];
  return { requested, from, candidates, ...(first ? { chosen: first } : {}) };
}

export function selectPython(snapshot: PythonSnapshot, input: DoctorInput): PythonChoice {
  const binary = settingAt(input.agent, "agent.python_binary");
  const binaryText = settingText(binary);
  const defaultPython = settingAt(input.agent, "agent.default_python");
  const version = settingText(defaultPython);
  const fallback = () =>
    version
      ? defaultChoice(snapshot, `agent.default_python = ${version}`, defaultPython.from, version)
      : defaultChoice(snapshot, "python3 or python on PATH", "default");

  if (binaryText) {
    const spec = snapshot.specs["agent.python_binary"];
    if (spec?.interpreter) {
      return {
        requested: `agent.python_binary = ${binaryText}`,
        from: binary.from,
        candidates: [binaryText],
        chosen: spec.interpreter,
      };
    }
    const rest = fallback();
    return {
      ...rest,
      requested: `agent.python_binary = ${binaryText}`,
      from: binary.from,
      candidates: [binaryText, ...rest.candidates],
      fallback: `${binaryText} is not found; the agent falls back to ${
        rest.chosen ? rest.chosen.name : rest.candidates.join(", ")
      }`,
    };
  }
  return fallback();
}
