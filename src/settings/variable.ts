/**
 * The shape of one catalogue entry. The catalogue (`catalogue.ts`) is data: the resolver,
 * `env explain`, `env check`, the README reference and doctor all read it.
 */
import type { Plain } from "./tree.ts";

export type Consumer = "sdk" | "agent";
export type Reader = "sdk" | "agent" | "server" | "k8s-glue";

/** Exact converters of the real programs (see `convert.ts`). */
export type ConverterId =
  | "text" // str, stripped
  | "raw" // os.environ.get: not stripped, empty is a value
  | "strict-bool" // SDK text_to_bool: strip, lower; y/yes/t/true/on/1 | n/no/f/false/off/0
  | "agent-bool" // agent EnvironmentConfig bool: NOT stripped, lower, same spellings
  | "safe-bool" // strict spellings, else any non-empty string is true
  | "int" // Python int(): whitespace, sign, `_` separators, Unicode digits
  | "shlex-list" // agent list: shlex.split(value.strip()); unbalanced quotes fail
  | "comma-list" // split on `,`, each stripped, empties dropped
  | "base64-text" // CPython b64decode (non-validating) then strict UTF-8
  | "verify-cert" // strtobool, else the string is a CA bundle path
  | "req-method" // GET/POST/PUT any case; the user's case is kept
  | "log-level" // SDK base logger level: 0/10/20/30/40/50 or a level name
  | "truthy-text" // any non-empty value means on (there is no false spelling)
  | "cuda-version" // text, then normalize_cuda_version
  | "pytorch-resolve" // lower-cased pip|direct|none; other → warning, pip
  | "skip-venv" // strtobool, else an interpreter path
  | "connect-retry" // safe bool; an integer string gives abs(int), other truthy gives 4
  | "env-name"; // raw; exactly default|demo|local

export type ConvertResult =
  | { ok: true; value: Plain; warning?: string }
  | { ok: false; error: string };

/** What happens when a value does not convert. */
export type OnInvalid =
  | "warn-fallback" // SDK EnvEntry: message, default, aliases not tried
  | "fatal" // agent EnvironmentConfig: ValueError stops the command (ours: exit 3)
  | "ignore"; // the converter never fails, or the real program ignores it

/** How a consumer uses the variable. */
export interface ConsumerRule {
  converter: ConverterId;
  /** Value when no name is set (documentation; the resolver uses it for `env`). */
  default?: Plain;
  /** The clearml.conf key it overrides or competes with (dotted path). */
  key?: string;
  /**
   * How the value reaches `key`: `env-map` (agent ENVIRONMENT_CONFIG: written into the tree when
   * truthy), `point-of-use` (replaces the key where it is read), `call-site` (SDK: read where used,
   * beats the key), `none` (no key).
   */
  apply: "env-map" | "point-of-use" | "call-site" | "none";
  onInvalid: OnInvalid;
  /** Presence matters (`exists()`): set-but-empty is not the same as unset. */
  presenceMatters?: boolean;
  /** Where the real program surprises, for `env explain`. */
  note?: string;
}

export type Category =
  | "connection"
  | "config"
  | "task"
  | "vcs"
  | "docker"
  | "gpu"
  | "git"
  | "python"
  | "fs"
  | "logging"
  | "k8s"
  | "storage"
  | "internal";

export interface Variable {
  /** Primary name. */
  name: string;
  /** Legacy and fallback names, in priority order after `name`. */
  aliases: readonly string[];
  type:
    | "string"
    | "bool"
    | "int"
    | "list"
    | "path"
    | "url"
    | "enum"
    | "base64"
    | "level"
    | "version";
  category: Category;
  readers: readonly Reader[];
  sdk?: ConsumerRule;
  agent?: ConsumerRule;
  secret: boolean;
  /** Which ClearML reference page lists it (empty: code only). */
  docs: ReadonlyArray<"sdk" | "agent">;
  /** One line. */
  description: string;
  /** Surprises of the real programs, and where ours deliberately differs. */
  notes?: readonly string[];
  /** Spec citation, e.g. "sdk-config.md §3 row 17". */
  spec?: string;
}
