/**
 * Lint of the environment (`clearml env check`, and doctor's env checks). Pure: a snapshot in,
 * findings out, each with a stable code, the subject, what is wrong and how to fix it.
 */
import type { Consumer } from "./variable.ts";
import { type ConfNode, getNode } from "./tree.ts";
import { CATALOGUE, knownNames } from "./catalogue.ts";
import { readVariable, ruleFor } from "./read_variable.ts";
import { invalidMessage } from "./invalid_message.ts";
import { didYouMean } from "./did_you_mean.ts";
import { isClearmlName } from "./env_report.ts";
import { DYNAMIC_PREFIX } from "./dynamic_env.ts";
import type { Diagnostic } from "./resolve.ts";

export interface Finding {
  level: "error" | "warning" | "info";
  code: string;
  subject: string;
  message: string;
  fix?: string;
}

export interface EnvCheckInput {
  env: Readonly<Record<string, string>>;
  /** The agent's resolved tree, for conflicts with configuration keys. */
  agentTree?: ConfNode;
  /** The SDK's resolution problems: hosts it cannot derive from the variables given. */
  sdkDiagnostics?: readonly Diagnostic[];
}

const DEAD: Record<string, string> = {
  CLEARML_NO_DEFAULT_SERVER: "no program reads it since the demo server was removed (SDK 1.8); " +
    "there is no default-server fallback to turn off",
  CLEARML_AGENT_CRASH_ON_EXCEPTION: "clearml-agent only reads the misspelled " +
    "CLEAMRL_AGENT_CRASH_ON_EXCEPTION; this spelling does nothing",
};

function isQuoted(v: string): boolean {
  const t = v.trim();
  return t.length >= 2 && ((t.startsWith('"') && t.endsWith('"')) ||
    (t.startsWith("'") && t.endsWith("'")));
}

export function envCheck(input: EnvCheckInput): Finding[] {
  const { env } = input;
  const out: Finding[] = [];
  const known = knownNames();
  const knownSet = new Set(known);

  for (const v of CATALOGUE) {
    const names = [v.name, ...v.aliases];
    const present = names.filter((n) => env[n] !== undefined);
    if (present.length === 0) continue;

    for (const c of ["sdk", "agent"] as Consumer[]) {
      const rule = ruleFor(v, c);
      if (!rule) continue;
      const s = readVariable(v, c, env);
      if (s.status === "invalid") {
        out.push({
          level: rule.onInvalid === "fatal" ? "error" : "warning",
          code: "invalid-value",
          subject: s.name ?? v.name,
          message: invalidMessage(s, rule),
          fix: `run \`clearml env explain ${v.name}\` for the accepted values`,
        });
      }
      if (s.warning) {
        out.push({
          level: "warning",
          code: "value-changed",
          subject: s.name ?? v.name,
          message: s.warning,
        });
      }
    }

    for (const n of present) {
      const raw = env[n] ?? "";
      if (isQuoted(raw)) {
        out.push({
          level: "warning",
          code: "quoted-value",
          subject: n,
          message: `${n} is wrapped in quotes; the quotes are part of the value ` +
            `(a docker --env-file or compose file keeps them)`,
          fix: `remove the quotes around the value of ${n}`,
        });
      } else if (raw !== "" && raw.trim() !== raw && !v.secret) {
        out.push({
          level: "info",
          code: "whitespace",
          subject: n,
          message: `${n} has leading or trailing whitespace: the SDK strips it, ` +
            `the agent's booleans reject it`,
        });
      }
      if (raw.trim() === "") {
        const presence = v.sdk?.presenceMatters || v.agent?.presenceMatters;
        out.push({
          level: n === "CLEARML_API_DEFAULT_REQ_METHOD" ? "error" : presence ? "warning" : "info",
          code: "empty-value",
          subject: n,
          message: n === "CLEARML_API_DEFAULT_REQ_METHOD"
            ? `${n} is set but empty: \`import clearml\` crashes with AttributeError`
            : presence
            ? `${n} is set but empty, and its presence matters: ${v.notes?.[0] ?? v.description}`
            : `${n} is set but empty: it counts as unset` +
              (present.length > 1 ? ", so the next name is used" : ""),
          fix: `unset ${n}`,
        });
      }
    }

    const legacy = present.filter((n) => n !== v.name && n.startsWith("TRAINS_"));
    for (const n of legacy) {
      const winner = names.find((x) => (env[x] ?? "").trim() !== "");
      out.push({
        level: env[v.name] !== undefined && env[v.name] !== env[n] ? "warning" : "info",
        code: "legacy-name",
        subject: n,
        message: `${n} is the legacy name of ${v.name}` +
          (winner ? `; the value of ${winner} is the one used` : ""),
        fix: `rename ${n} to ${v.name}`,
      });
    }
  }

  for (const [n, why] of Object.entries(DEAD)) {
    if (env[n] !== undefined) {
      out.push({ level: "warning", code: "no-effect", subject: n, message: `${n}: ${why}` });
    }
  }

  for (const n of Object.keys(env).sort()) {
    if (n.startsWith("CLEARML__") || n.startsWith("TRAINS__")) {
      out.push({
        level: "warning",
        code: "unread-dynamic",
        subject: n,
        message: `${n} is a clearml-server dynamic variable: neither the SDK nor the agent ` +
          `reads it on this machine`,
        fix: `for the agent use ${DYNAMIC_PREFIX}${n.replace(/^(CLEARML|TRAINS)__/, "")}; ` +
          `the SDK has no dynamic variables (use clearml.conf or \${VAR} inside it)`,
      });
      continue;
    }
    if (n.startsWith(DYNAMIC_PREFIX) || !isClearmlName(n) || knownSet.has(n) || n in DEAD) {
      continue;
    }
    const guesses = didYouMean(n, known);
    out.push({
      level: "warning",
      code: "unknown-name",
      subject: n,
      message: `${n} is not a variable the SDK or the agent reads` +
        (guesses.length ? `; did you mean ${guesses.join(" or ")}?` : ""),
      fix: guesses.length ? `rename it to ${guesses[0]}` : "remove it, or check the spelling",
    });
  }

  if (
    env.CLEARML_AUTH_TOKEN?.trim() && (env.CLEARML_API_ACCESS_KEY || env.CLEARML_API_SECRET_KEY)
  ) {
    out.push({
      level: "info",
      code: "token-overrides-keys",
      subject: "CLEARML_AUTH_TOKEN",
      message: "CLEARML_AUTH_TOKEN is set: the access key and secret key are ignored",
    });
  }

  for (const d of input.sdkDiagnostics ?? []) {
    if (d.level !== "error" || d.stops !== "use") continue;
    out.push({
      level: "error",
      code: "host-derivation",
      subject: d.subject,
      message: d.message,
      fix: "run `clearml config get api.web_server --origin` to see what the SDK derives",
    });
  }

  const gitUser = env.CLEARML_AGENT_GIT_USER || env.TRAINS_AGENT_GIT_USER;
  const gitPass = env.CLEARML_AGENT_GIT_PASS || env.TRAINS_AGENT_GIT_PASS;
  const forceSsh = input.agentTree && getNode(input.agentTree, ["agent", "force_git_ssh_protocol"]);
  if ((gitUser || gitPass) && forceSsh?.type === "scalar" && forceSsh.value === true) {
    out.push({
      level: "warning",
      code: "git-auth-conflict",
      subject: "CLEARML_AGENT_GIT_USER",
      message: "git user/password are set but agent.force_git_ssh_protocol is true: the agent " +
        "rewrites https URLs to ssh and the credentials are not used",
      fix: "unset agent.force_git_ssh_protocol, or drop the git user/password and use ssh keys",
    });
  }
  if (gitUser && !gitPass) {
    out.push({
      level: "warning",
      code: "git-auth-incomplete",
      subject: "CLEARML_AGENT_GIT_USER",
      message: "CLEARML_AGENT_GIT_USER is set without CLEARML_AGENT_GIT_PASS",
    });
  }
  return out;
}
