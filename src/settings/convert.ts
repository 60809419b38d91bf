/**
 * The exact converters of the real programs, one per `ConverterId`. Each takes the raw text of
 * a variable and returns the typed value, or the error text the Python program would show.
 * Which name won and whether an empty value counts as unset is the resolver's business.
 */
import type { Plain } from "./tree.ts";
import type { ConverterId, ConvertResult } from "./variable.ts";
import { normalizeCudaVersion } from "./normalize_cuda.ts";
import { pyB64decodeText } from "./py_base64.ts";
import { pyInt } from "./py_int.ts";
import { pyRepr, pyStrip } from "./py_str.ts";
import { shlexSplit } from "./shlex_split.ts";

const TRUE_SPELLINGS = new Set(["y", "yes", "t", "true", "on", "1"]);
const FALSE_SPELLINGS = new Set(["n", "no", "f", "false", "off", "0"]);

/** `strtobool`: lower-cased (Unicode-aware), not stripped; throws `invalid truth value '…'`. */
export function strtobool(value: string): boolean {
  const b = tryStrtobool(value);
  if (b === undefined) throw new Error(`invalid truth value ${pyRepr(value.toLowerCase())}`);
  return b;
}

/** `strtobool`, or undefined where it would raise. */
export function tryStrtobool(value: string): boolean | undefined {
  const lower = value.toLowerCase();
  if (TRUE_SPELLINGS.has(lower)) return true;
  if (FALSE_SPELLINGS.has(lower)) return false;
  return undefined;
}

/** Python's `int()` error text; `%.200R` cuts the quoted value at 200 characters. */
export function intError(raw: string): string {
  const quoted = Array.from(pyRepr(raw)).slice(0, 200).join("");
  return `invalid literal for int() with base 10: ${quoted}`;
}

/** Level names of Python's `logging`, which the SDK's base logger accepts in any case. */
const LEVEL_NAMES: Readonly<Record<string, number>> = {
  CRITICAL: 50,
  FATAL: 50,
  ERROR: 40,
  WARN: 30,
  WARNING: 30,
  INFO: 20,
  DEBUG: 10,
  NOTSET: 0,
};
const LEVEL_NUMBERS = new Set([0, 10, 20, 30, 40, 50]);

const REQ_METHOD_ERROR =
  "CLEARML_API_DEFAULT_REQ_METHOD environment variable must be 'get' or 'post' (any case is allowed).";

const PYTORCH_RESOLVE = new Set(["pip", "direct", "none"]);
const ENV_NAMES = new Set(["default", "demo", "local"]);

function ok(value: Plain): ConvertResult {
  return { ok: true, value };
}

function fail(error: string): ConvertResult {
  return { ok: false, error };
}

function attempt(run: () => ConvertResult): ConvertResult {
  try {
    return run();
  } catch (e) {
    return fail(e instanceof Error ? e.message : String(e));
  }
}

/** Convert the raw text of a variable the way converter `id` of the real program does. */
export function convert(id: ConverterId, raw: string): ConvertResult {
  switch (id) {
    case "text":
      return ok(pyStrip(raw));
    case "raw":
      return ok(raw);
    case "strict-bool":
      // The SDK's EnvEntry and the agent's EnvEntry strip first; stripping again is harmless.
      return attempt(() => ok(strtobool(pyStrip(raw))));
    case "agent-bool":
      // The agent's EnvironmentConfig does not strip: " true" is an error (agent-exec T02).
      return attempt(() => ok(strtobool(raw)));
    case "safe-bool": {
      const value = pyStrip(raw);
      return ok(tryStrtobool(value) ?? value !== "");
    }
    case "int": {
      const n = pyInt(raw);
      return n === undefined ? fail(intError(raw)) : ok(n);
    }
    case "shlex-list":
      return attempt(() => ok(shlexSplit(pyStrip(raw))));
    case "comma-list":
      return ok(raw.split(",").map(pyStrip).filter((s) => s !== ""));
    case "base64-text":
      return attempt(() => ok(pyB64decodeText(raw)));
    case "verify-cert": {
      // Not a bool spelling: the string is handed to `requests` as a CA bundle path.
      const value = pyStrip(raw);
      const bool = tryStrtobool(value);
      if (bool !== undefined) return ok(bool);
      // A word with no path separator and no extension is a misspelled boolean, not a bundle.
      if (/[/\\.]/.test(value)) return ok(value);
      return {
        ok: true,
        value,
        warning: `${pyRepr(value)} is not a true/false spelling, so the SDK uses it as the path ` +
          `of a CA bundle: its first request fails with "Could not find a suitable TLS CA ` +
          `certificate bundle, invalid path: ${value}" (accepted: y, yes, t, true, on, 1 or ` +
          `n, no, f, false, off, 0, or a CA file path)`,
      };
    }
    case "req-method": {
      const value = pyStrip(raw);
      // Present but empty: the SDK calls `.upper()` on None and `import clearml` fails.
      if (value === "") return fail("'NoneType' object has no attribute 'upper'");
      return ["GET", "POST", "PUT"].includes(value.toUpperCase())
        ? ok(value)
        : fail(REQ_METHOD_ERROR);
    }
    case "log-level": {
      const value = pyStrip(raw);
      const n = pyInt(value);
      if (n !== undefined) {
        return LEVEL_NUMBERS.has(n)
          ? ok(n)
          : fail(`Invalid value in environment variable CLEARML_LOG_LEVEL: ${raw}`);
      }
      const level = LEVEL_NAMES[value.toUpperCase()];
      return level === undefined
        ? fail(`Invalid value in environment variable CLEARML_LOG_LEVEL: ${raw}`)
        : ok(level);
    }
    case "truthy-text":
      return ok(pyStrip(raw));
    case "cuda-version":
      return ok(normalizeCudaVersion(pyStrip(raw)));
    case "pytorch-resolve": {
      const value = pyStrip(raw).toLowerCase();
      if (PYTORCH_RESOLVE.has(value)) return ok(value);
      return {
        ok: true,
        value: "pip",
        warning:
          `agent.package_manager.pytorch_resolve==${value} not in ('pip', 'direct', 'none') reverting to 'pip'`,
      };
    }
    case "skip-venv": {
      // Not a bool spelling: the value is the path of the interpreter to install into.
      const value = pyStrip(raw);
      return ok(tryStrtobool(value) ?? value);
    }
    case "connect-retry": {
      const value = pyStrip(raw);
      const truthy = tryStrtobool(value) ?? value !== "";
      if (!truthy) return ok(false);
      const n = pyInt(value);
      return ok(n === undefined ? 4 : Math.abs(n));
    }
    case "env-name":
      if (raw === "") return fail("Missing environment in either init of environment variable");
      return ENV_NAMES.has(raw) ? ok(raw) : fail("Invalid environment None");
  }
}
