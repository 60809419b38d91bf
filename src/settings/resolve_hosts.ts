/**
 * Place the three hosts the SDK would use into the tree (sdk-config.md §2.2, §5): the env
 * variable, else the config key, else (API) `api.host` then the built-in default, else (web,
 * files) derived. A web or files variable that strips to nothing (`/`) makes the SDK derive the
 * host without reading the config key. A host that cannot be derived is left out with one error
 * diagnostic, which names every key it leaves without a value.
 */
import { type ConfNode, deleteNode, getNode, type Origin, scalarNode, setNode } from "./tree.ts";
import type { VariableState } from "./read_variable.ts";
import type { Diagnostic } from "./diagnostic.ts";
import {
  DEFAULT_API_HOST,
  type Derived,
  deriveFilesHost,
  deriveWebHost,
  rstripSlash,
} from "./hosts.ts";

interface Host {
  value: string;
  origin: Origin;
}

function fromEnv(variables: readonly VariableState[], name: string): Host | undefined {
  let s: VariableState | undefined;
  for (const v of variables) {
    if (v.variable.name === name) {
      s = v;
      break;
    }
  }
  if (!s || s.status !== "set" || typeof s.value !== "string") return undefined;
  return {
    value: rstripSlash(s.value),
    origin: s.origin ?? { kind: "env", name: s.name ?? name },
  };
}

/** A config key's value when usable; null/non-string values are reported as the SDK crashes. */
function fromConfig(
  tree: ConfNode,
  key: string[],
  diagnostics: Diagnostic[],
): Host | undefined | "crash" {
  const node = getNode(tree, key);
  if (!node) return undefined;
  if (node.type !== "scalar") {
    diagnostics.push({
      level: "error",
      subject: key.join("."),
      keys: [key.join(".")],
      stops: "use",
      message: `${key.join(".")} is not a string: the SDK crashes when it reads it`,
    });
    return "crash";
  }
  if (node.value === null && key[1] !== "api_server" && key[1] !== "host") {
    diagnostics.push({
      level: "error",
      subject: key.join("."),
      keys: [key.join(".")],
      stops: "use",
      message: `${key.join(".")} is null: the SDK crashes with AttributeError (None.rstrip) ` +
        `unless the matching environment variable is set; remove the key or give a URL`,
    });
    return "crash";
  }
  if (typeof node.value === "number" || typeof node.value === "boolean") {
    diagnostics.push({
      level: "error",
      subject: key.join("."),
      keys: [key.join(".")],
      stops: "use",
      message: `${key.join(".")} is ${node.value}, not a URL: the SDK crashes when it reads it`,
    });
    return "crash";
  }
  if (typeof node.value !== "string" || node.value === "") return undefined;
  return { value: rstripSlash(node.value), origin: node.origin };
}

export function resolveSdkHosts(
  tree: ConfNode,
  variables: readonly VariableState[],
  diagnostics: Diagnostic[],
): ConfNode {
  // API host
  let api = fromEnv(variables, "CLEARML_API_HOST");
  if (api && api.value === "") {
    diagnostics.push({
      level: "error",
      subject: "CLEARML_API_HOST",
      keys: ["api.api_server"],
      stops: "use",
      message: "CLEARML_API_HOST strips to an empty host: the SDK raises " +
        '"ClearML host was not set, check your configuration file or environment variable"',
    });
  }
  if (!api) {
    const c = fromConfig(tree, ["api", "api_server"], diagnostics);
    if (c && c !== "crash") api = c;
  }
  if (!api) {
    const legacy = fromConfig(tree, ["api", "host"], diagnostics);
    if (legacy && legacy !== "crash") {
      api = { value: legacy.value, origin: { kind: "derived", from: "api.host (legacy key)" } };
    }
  }
  api ??= {
    value: DEFAULT_API_HOST,
    origin: { kind: "derived", from: "the SDK's built-in default host" },
  };
  tree = setNode(tree, ["api", "api_server"], scalarNode(api.value, api.origin));

  const place = (key: string, envName: string, derive: () => Derived): Derived => {
    const env = fromEnv(variables, envName);
    if (env && env.value !== "") {
      tree = setNode(tree, ["api", key], scalarNode(env.value, env.origin));
      return { ok: true, value: env.value, rule: envName };
    }
    if (!env) {
      const c = fromConfig(tree, ["api", key], diagnostics);
      if (c === "crash") return { ok: false, error: `api.${key} is unusable`, reported: true };
      if (c) {
        tree = setNode(tree, ["api", key], scalarNode(c.value, c.origin));
        return { ok: true, value: c.value, rule: `api.${key}` };
      }
    }
    const d = derive();
    if (d.ok) {
      const stripped = env ? `${envName} strips to nothing, so ` : "";
      tree = setNode(
        tree,
        ["api", key],
        scalarNode(d.value, {
          kind: "derived",
          from: `${stripped}API host ${api!.value} (${d.rule})`,
        }),
      );
    } else {
      // The SDK raises here: show no value rather than the empty default.
      tree = deleteNode(tree, ["api", key]);
      if (!d.reported) {
        const keys = key === "web_server" && !filesGiven
          ? ["api.web_server", "api.files_server"]
          : [`api.${key}`];
        diagnostics.push({
          level: "error",
          subject: `api.${key}`,
          keys,
          stops: "use",
          message: `${d.error}: the SDK raises ValueError when it needs ${
            keys.join(" and ")
          } (Task.init does); set ${
            keys.map((k) => k === "api.web_server" ? "CLEARML_WEB_HOST" : "CLEARML_FILES_HOST")
              .join(" and ")
          } (or ${keys.join(" and ")} in clearml.conf)`,
        });
        d.reported = true;
      }
    }
    return d;
  };

  // A files host given outright does not depend on the web host.
  const filesEnv = fromEnv(variables, "CLEARML_FILES_HOST");
  const filesConf = getNode(tree, ["api", "files_server"]);
  const filesGiven = (filesEnv !== undefined && filesEnv.value !== "") ||
    (filesEnv === undefined && filesConf?.type === "scalar" &&
      typeof filesConf.value === "string" && filesConf.value !== "");
  let webMemo: Derived | undefined;
  const web = (): Derived => (webMemo ??= place(
    "web_server",
    "CLEARML_WEB_HOST",
    () => deriveWebHost(api!.value),
  ));
  web();
  place("files_server", "CLEARML_FILES_HOST", () => deriveFilesHost(api!.value, web));
  return tree;
}
