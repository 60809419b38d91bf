/** Doctor's config category: files found and parsed, unknown keys, types, credentials. */
import { statSync } from "node:fs";
import type { Category, CheckResult, DoctorInput } from "../types.ts";
import {
  type ConfNode,
  formatOrigin,
  getNode,
  leaves,
  type Plain,
  toPlain,
} from "../../settings/tree.ts";
import { defaultsFor } from "../../settings/defaults/index.ts";
import { dottedPrefixes, knownConfigKeys } from "../../settings/defaults/known_keys.ts";
import { didYouMean } from "../../settings/did_you_mean.ts";
import { lastFour } from "../../settings/mask.ts";
import { tryStrtobool } from "../../settings/convert.ts";

export interface ConfigSnapshot {
  /** Permission bits of each parsed file (POSIX), by path. */
  modes: Record<string, number>;
}

const PLACEHOLDERS = /^(|<.*>|access_?key|secret_?key|your[_ -].*|xxx+|changeme|none|null)$/i;

function files(_s: ConfigSnapshot, input: DoctorInput): CheckResult {
  const reports = [
    ...input.sdk.files,
    ...input.agent.files.filter((f) => !input.sdk.files.some((g) => g.path === f.path)),
  ];
  const errors = reports.filter((f) => f.status === "error" || f.status === "unreadable");
  const parsed = reports.filter((f) => f.status === "parsed");
  const details = reports.map((f) => `${f.status.padEnd(10)} ${f.path}  (${f.reason})`);
  const fatal = [...input.sdk.fatal, ...input.agent.fatal].map((d) => d.message);
  if (errors.length || fatal.length) {
    return {
      status: "fail",
      summary: errors[0]?.error ?? fatal[0] ?? "a configuration file cannot be read",
      details: [...details, ...errors.map((f) => f.error ?? ""), ...fatal],
      fix: {
        text:
          "fix the file at the line and column shown; `clearml config parse FILE` re-checks one file",
      },
    };
  }
  const override = reports.find((f) =>
    /CLEARML_CONFIG_FILE|TRAINS_CONFIG_FILE|--config-file/.test(f.reason)
  );
  if (override && override.status !== "parsed") {
    return {
      status: "warn",
      summary: `${override.reason} points to ${override.path}, which is ${override.status}: ` +
        "no configuration file is read at all",
      details,
      fix: { text: "point it to an existing file, or unset it to use ~/clearml.conf" },
    };
  }
  if (parsed.length === 0) {
    return {
      status: "warn",
      summary: "no configuration file found: only environment variables and defaults apply",
      details,
      fix: {
        commands: ["clearml-init"],
        text:
          "Run clearml-init to write ~/clearml.conf, or set CLEARML_API_HOST and the credentials",
      },
    };
  }
  return { status: "pass", summary: `read ${parsed.map((f) => f.path).join(", ")}`, details };
}

function staleTrains(_s: ConfigSnapshot, input: DoctorInput): CheckResult {
  const trains = input.sdk.files.find((f) =>
    f.path.endsWith("/trains.conf") && f.status === "parsed"
  );
  if (!trains) return { status: "pass", summary: "no legacy ~/trains.conf is read" };
  return {
    status: "warn",
    summary: `${trains.path} is still read under ~/clearml.conf: its keys silently fill gaps`,
    fix: { text: `merge what you need into ~/clearml.conf and remove ${trains.path}` },
  };
}

/** Leaves set by files (not defaults or env), with their file position. */
function fileLeaves(tree: ConfNode): Array<[string, ConfNode]> {
  return leaves(tree).filter(([, n]) => n.origin.kind === "file").map(([p, n]) => [p.join("."), n]);
}

const FREE_FORM =
  /^(environment|files|sdk\.aws\.s3\.credentials|sdk\.azure|sdk\.google|agent\.default_docker\.match_rules|logging)/;

function unknownKeys(_s: ConfigSnapshot, input: DoctorInput): CheckResult {
  const known = new Set([...knownConfigKeys("sdk"), ...knownConfigKeys("agent")]);
  const knownList = [...known];
  const found: string[] = [];
  for (const [key, node] of fileLeaves(input.agent.tree)) {
    if (known.has(key) || FREE_FORM.test(key)) continue;
    // inside a known object value
    if (dottedPrefixes(key).some((p) => known.has(p))) continue;
    const o = node.origin.kind === "file"
      ? `${node.origin.file}:${node.origin.line}:${node.origin.col}`
      : "";
    const guesses = guessKey(key, knownList);
    found.push(`${key} (${o})${guesses.length ? ` — did you mean ${guesses.join(" or ")}?` : ""}`);
  }
  if (found.length === 0) {
    return { status: "pass", summary: "every key in the files is a known key" };
  }
  return {
    status: "warn",
    summary: `unknown key ${found[0]}` + (found.length > 1 ? ` (+${found.length - 1} more)` : ""),
    details: found,
    fix: {
      text: "rename the key as suggested: the SDK and the agent ignore keys they do not know",
    },
  };
}

/** Did-you-mean on the first unknown segment, keeping the rest of the path. */
function guessKey(key: string, known: string[]): string[] {
  const segs = key.split(".");
  for (let i = 1; i <= segs.length; i++) {
    const prefix = segs.slice(0, i).join(".");
    if (known.some((k) => k === prefix || k.startsWith(prefix + "."))) continue;
    const parent = segs.slice(0, i - 1).join(".");
    const siblings = [
      ...new Set(
        known.filter((k) => parent === "" || k.startsWith(parent + "."))
          .map((k) => k.split(".")[i - 1]!).filter(Boolean),
      ),
    ];
    const seg = segs[i - 1]!;
    return didYouMean(seg, siblings).map((s) =>
      [...segs.slice(0, i - 1), s, ...segs.slice(i)].join(".")
    );
  }
  return [];
}

function typeOf(v: Plain): string {
  return v === null ? "null" : Array.isArray(v) ? "list" : typeof v;
}

function types(_s: ConfigSnapshot, input: DoctorInput): CheckResult {
  const defaults = defaultsFor("agent");
  const bad: string[] = [];
  for (const [key, node] of fileLeaves(input.agent.tree)) {
    const d = getNode(defaults, key.split("."));
    if (!d || node.type !== "scalar") continue;
    const want = typeOf(toPlain(d));
    const got = typeOf(node.value);
    const pos = node.origin.kind === "file"
      ? ` at ${node.origin.file}:${node.origin.line}:${node.origin.col}`
      : "";
    if (want === "boolean" && got === "string" && key.endsWith("api.verify_certificate")) {
      bad.push(verifyCertificateString(key, String(node.value), pos));
    } else if (want === "boolean" && got === "string") {
      const v = String(node.value);
      bad.push(
        `${key} is the string ${JSON.stringify(v)}${pos}, not a boolean` +
          (/^(false|no|off|0)$/i.test(v)
            ? ": a non-empty string is true to Python, so this means TRUE"
            : ""),
      );
    } else if (want === "number" && got === "string" && !/^\d+(\.\d+)?$/.test(String(node.value))) {
      bad.push(`${key} is ${JSON.stringify(node.value)}${pos}, a number is expected`);
    } else if (want === "list" && got === "string") {
      bad.push(
        `${key} is a string${pos}, a list is expected (a string becomes one element or is split into characters)`,
      );
    }
  }
  if (bad.length === 0) {
    return { status: "pass", summary: "values have the types the programs expect" };
  }
  return {
    status: "warn",
    summary: bad[0]!,
    details: bad,
    fix: { text: "write booleans unquoted (true/false), numbers unquoted, lists in [ ]" },
  };
}

/**
 * `api.verify_certificate` as a string: the SDK runs strtobool on a string (`"false"` → no
 * verification, any other word → a CA bundle path); clearml-agent 1.9.2 hands any string to
 * requests as a CA bundle path, which fails at the first HTTPS request unless the file exists.
 */
function verifyCertificateString(key: string, v: string, pos: string): string {
  const bool = tryStrtobool(v);
  const sdk = bool === undefined
    ? `the SDK uses it as a CA bundle path`
    : `the SDK reads it as ${bool} (it runs strtobool on strings)`;
  return `${key} is the string ${JSON.stringify(v)}${pos}: ${sdk}, but clearml-agent hands ` +
    `${JSON.stringify(v)} to requests as a CA bundle path, so its first HTTPS request fails ` +
    `with "Could not find a suitable TLS CA certificate bundle, invalid path: ${v}"; write ` +
    `${bool === undefined ? "the path as it is only if it is one, else " : ""}${
      bool === false ? "false" : "true"
    } unquoted`;
}

function credentials(_s: ConfigSnapshot, input: DoctorInput): CheckResult {
  const tree = input.sdk.tree;
  const key = getNode(tree, ["api", "credentials", "access_key"]);
  const secret = getNode(tree, ["api", "credentials", "secret_key"]);
  const token = (input.env.CLEARML_AUTH_TOKEN ?? "").trim();
  const k = key?.type === "scalar" ? String(key.value ?? "") : "";
  const s = secret?.type === "scalar" ? String(secret.value ?? "") : "";
  if (token) {
    return { status: "pass", summary: "CLEARML_AUTH_TOKEN is set: it replaces key and secret" };
  }
  const keyOrigin = key ? `(key ${lastFour(k)} from ${formatOrigin(key.origin)})` : "";
  if (!k && !s) {
    return {
      status: "warn",
      summary: 'no credentials: the SDK stops with "It seems ClearML is not configured"',
      fix: {
        commands: ["clearml-init"],
        text: "Run clearml-init to write the credentials to ~/clearml.conf, or set " +
          "CLEARML_API_ACCESS_KEY and CLEARML_API_SECRET_KEY",
      },
    };
  }
  if (PLACEHOLDERS.test(k) || PLACEHOLDERS.test(s)) {
    return {
      status: "fail",
      summary: `the credentials look like placeholders ${keyOrigin}`,
      fix: { text: "create real credentials in the web app (Settings → Workspace) and paste them" },
    };
  }
  if (k && !s) {
    return {
      status: "fail",
      summary: `an access key without a secret key ${keyOrigin}: the SDK crashes at login`,
      fix: { text: "set api.credentials.secret_key or CLEARML_API_SECRET_KEY" },
    };
  }
  return { status: "pass", summary: `credentials set ${keyOrigin}` };
}

function permissions(s: ConfigSnapshot, input: DoctorInput): CheckResult {
  const secretFiles = new Set<string>();
  for (const [path, n] of leaves(input.agent.tree)) {
    if (n.origin.kind === "file" && /secret|pass|token/i.test(path[path.length - 1] ?? "")) {
      secretFiles.add(n.origin.file);
    }
  }
  const open = [...secretFiles].filter((f) => ((s.modes[f] ?? 0) & 0o077) !== 0);
  if (secretFiles.size === 0) {
    return { status: "pass", summary: "no secret is stored in a configuration file" };
  }
  if (open.length === 0) {
    return { status: "pass", summary: "files holding secrets are private to their owner" };
  }
  return {
    status: "warn",
    summary: `${open[0]} holds secrets and is readable by others (mode ${
      (s.modes[open[0]!] ?? 0).toString(8)
    })`,
    fix: { commands: open.map((f) => `chmod 600 ${f}`) },
  };
}

export const configCategory: Category<ConfigSnapshot> = {
  name: "config",
  title: "Configuration files",
  probe: (input) => {
    const modes: Record<string, number> = {};
    for (const f of [...input.sdk.files, ...input.agent.files]) {
      if (f.status !== "parsed") continue;
      try {
        modes[f.path] = statSync(f.path).mode & 0o777;
      } catch { /* vanished since it was read: nothing to report */ }
    }
    return Promise.resolve({ modes });
  },
  checks: [
    { id: "config.files", title: "configuration files found and parsed", run: files },
    { id: "config.legacy_file", title: "no stale ~/trains.conf", run: staleTrains },
    { id: "config.unknown_keys", title: "keys are known", run: unknownKeys },
    { id: "config.types", title: "values have the right types", run: types },
    { id: "config.credentials", title: "credentials present and real", run: credentials },
    { id: "config.permissions", title: "credential files are private", run: permissions },
  ],
};
