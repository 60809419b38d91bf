/** What the python probe found, for the python checks: data flows probe → snapshot → check. */
import type { PythonFacts } from "../python_introspect.ts";

export interface PyInterpreter {
  /** The name it was found by (`python3`) or the configured spec. */
  name: string;
  /** The file found. */
  path: string;
  /** The file after symlinks. */
  realPath?: string;
  /** A pyenv shim: which Python it runs depends on the directory and PYENV_VERSION. */
  pyenvShim: boolean;
  /** It ran and answered. */
  ok: boolean;
  facts?: PythonFacts;
  code: number | null;
  timedOut: boolean;
  /** The first lines of what it printed when it did not answer. */
  stderr?: string;
}

export interface PythonSnapshot {
  /** The first `python`, `python3`, `python3.X` of each name on PATH. */
  onPath: PyInterpreter[];
  /** Later ones of the same names, hidden by the first (not run). */
  shadowed: Array<{ name: string; path: string }>;
  /** Interpreters named by the settings, looked up like the agent's `find_executable`. */
  specs: Partial<
    Record<
      "agent.python_binary" | "CLEARML_AGENT_SKIP_PIP_VENV_INSTALL",
      { spec: string; found: boolean; interpreter?: PyInterpreter }
    >
  >;
  /** Absolute entries of `CLEARML_AGENT_EXTRA_PYTHON_PATH` and whether they exist. */
  extraPathExists: Record<string, boolean>;
}
