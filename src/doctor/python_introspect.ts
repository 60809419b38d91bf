/**
 * What the doctor asks each Python interpreter, and how it reads the answer. The script runs on
 * Python 2.7 to 3.13 and only looks things up: it imports nothing it tests (modules are found with
 * `find_spec`), so a broken package cannot crash it.
 */

export const INTROSPECT_SCRIPT = [
  "import sys, os, json, platform",
  "try:",
  "    from importlib.util import find_spec as _fs",
  "    def has(m):",
  "        try:",
  "            return _fs(m) is not None",
  "        except Exception:",
  "            return False",
  "except ImportError:",
  "    import imp",
  "    def has(m):",
  "        try:",
  "            imp.find_module(m)",
  "            return True",
  "        except ImportError:",
  "            return False",
  "try:",
  "    import sysconfig",
  "    std = sysconfig.get_paths()['stdlib']",
  "except Exception:",
  "    std = ''",
  "print(json.dumps({",
  "    'version': '%d.%d.%d' % tuple(sys.version_info[:3]),",
  "    'executable': sys.executable,",
  "    'prefix': sys.prefix,",
  "    'base_prefix': getattr(sys, 'base_prefix', getattr(sys, 'real_prefix', sys.prefix)),",
  "    'machine': platform.machine(),",
  "    'platform': sys.platform,",
  "    'externally_managed': bool(std) and os.path.exists(os.path.join(std, 'EXTERNALLY-MANAGED')),",
  "    'modules': dict((m, has(m)) for m in ('venv', 'ensurepip', 'virtualenv', 'pip')),",
  "}))",
].join("\n");

export interface PythonFacts {
  /** `3.11.2`. */
  version: string;
  executable: string;
  prefix: string;
  basePrefix: string;
  machine: string;
  platform: string;
  /** PEP 668: pip refuses to install into it without --break-system-packages. */
  externallyManaged: boolean;
  modules: { venv: boolean; ensurepip: boolean; virtualenv: boolean; pip: boolean };
}

/** The facts from the script's output, or undefined when it is not the script's JSON. */
export function parseIntrospection(stdout: string): PythonFacts | undefined {
  const line = stdout.trim().split("\n").pop() ?? "";
  let data: unknown;
  try {
    data = JSON.parse(line);
  } catch {
    return undefined;
  }
  if (typeof data !== "object" || data === null) return undefined;
  const d = data as Record<string, unknown>;
  const str = (v: unknown) => (typeof v === "string" ? v : "");
  const mods = (typeof d.modules === "object" && d.modules !== null ? d.modules : {}) as Record<
    string,
    unknown
  >;
  if (typeof d.version !== "string") return undefined;
  return {
    version: d.version,
    executable: str(d.executable),
    prefix: str(d.prefix),
    basePrefix: str(d.base_prefix),
    machine: str(d.machine),
    platform: str(d.platform),
    externallyManaged: d.externally_managed === true,
    modules: {
      venv: mods.venv === true,
      ensurepip: mods.ensurepip === true,
      virtualenv: mods.virtualenv === true,
      pip: mods.pip === true,
    },
  };
}

/** A venv's interpreter: its prefix is not the base installation's. */
export function isVenv(f: PythonFacts): boolean {
  return f.prefix !== "" && f.basePrefix !== "" && f.prefix !== f.basePrefix;
}

/** The line of an interpreter's error output that says what is wrong (Python's last error line). */
export function errorLine(stderr: string): string | undefined {
  const lines = stderr.split("\n").map((l) => l.trim()).filter((l) => l !== "");
  const errors = lines.filter((l) => /error|not found|denied|no such/i.test(l));
  return errors.at(-1) ?? lines[0];
}
