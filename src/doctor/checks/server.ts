/**
 * Doctor's server category: is each ClearML host (API, web, files) well-formed, resolvable,
 * reachable, trusted, really what it claims to be, and do the resolved credentials log in? The
 * layers are reported separately (URL → DNS → TCP → TLS → HTTP → auth), each failure once, at the
 * layer where it happened (user-pain B16: the wizards collapse them all into "could not verify").
 * Every check is a pure function of the probe's snapshot.
 */
import { worstStatus } from "../worse_status.ts";
import type { Category, Check, CheckResult, DoctorInput, Fix, Status } from "../types.ts";
import { formatOrigin, type Origin } from "../../settings/tree.ts";
import { DEFAULT_API_HOST } from "../../settings/hosts.ts";
import { isInternalHost, isLoopback } from "../probes/_url.ts";
import {
  type HostProbe,
  type HttpFacts,
  probeServer,
  type ServerSnapshot,
  type StepResult,
} from "../probes/server_probe.ts";

export type { ServerSnapshot };

const DOCS_CONF = "https://clear.ml/docs/latest/docs/configs/clearml_conf#api-section";
const DOCS_ENV = "https://clear.ml/docs/latest/docs/configs/env_vars";
const DOCS_SERVER = "https://clear.ml/docs/latest/docs/deploying_clearml/clearml_server";

// ---------------------------------------------------------------------------------------------
// helpers

/** `api https://x:8008 (agent)`. */
function label(h: HostProbe): string {
  const who = h.consumers.length === 1 && h.consumers[0] === "agent" ? " (agent)" : "";
  return `${h.role} ${h.url.display}${who}`;
}

function from(origin: Origin | undefined): string {
  return origin ? formatOrigin(origin) : "default";
}

/** What a broken host costs: the API breaks everything; an explicit files host breaks uploads. */
function severity(h: HostProbe): "fail" | "warn" {
  if (h.role === "api") return "fail";
  if (h.role === "files") return h.origin?.kind === "derived" ? "warn" : "fail";
  return "warn";
}

function ms(step: StepResult<unknown>): string {
  return `${step.ms} ms`;
}

/** The reason a failed step gives, with the budget case spelled out. */
function why(step: StepResult<unknown>): string {
  if (step.budget) return "the run's time budget (--timeout) ran out";
  return step.error ?? "failed";
}

interface Row {
  status: Status;
  line: string;
}

const MARK: Record<Status, string> = {
  pass: "ok",
  warn: "warn",
  fail: "FAIL",
  skip: "skip",
  error: "ERROR",
};

function combine(
  rows: readonly Row[],
  pass: (rows: readonly Row[]) => string,
  extra: { fix?: Fix; evidence?: Record<string, unknown>; details?: string[] } = {},
): CheckResult {
  if (rows.length === 0) return { status: "skip", summary: "no host to check" };
  const status = worstStatus(rows.map((r) => r.status));
  const bad = rows.filter((r) => r.status === status);
  let summary: string;
  if (status === "pass") summary = pass(rows);
  else if (status === "skip") summary = rows[0]!.line;
  else summary = bad[0]!.line + (bad.length > 1 ? ` (+${bad.length - 1} more)` : "");
  const details = [
    ...(rows.length > 1 || status !== "pass"
      ? rows.map((r) => `${MARK[r.status]}: ${r.line}`)
      : []),
    ...(extra.details ?? []),
  ];
  return {
    status,
    summary,
    ...(details.length ? { details } : {}),
    ...(extra.evidence ? { evidence: extra.evidence } : {}),
    ...(extra.fix && status !== "pass" && status !== "skip" ? { fix: extra.fix } : {}),
  };
}

function offline(s: ServerSnapshot): CheckResult | undefined {
  return s.offline ? { status: "skip", summary: `skipped: ${s.offline}` } : undefined;
}

function apiTargets(s: ServerSnapshot): HostProbe[] {
  return s.targets.filter((t) => t.role === "api");
}

/** Why a host's HTTP layer was not reached, naming the check that says more. */
function notReached(h: HostProbe): string {
  if (!h.url.ok) return `${label(h)}: not probed, the URL is unusable (see server.url)`;
  if (h.dns && !h.dns.ok && !h.tcp) return `${label(h)}: not reached, DNS failed (see server.dns)`;
  if (h.tcp && !h.tcp.ok) return `${label(h)}: not reached, no TCP connection (see server.tcp)`;
  if (h.tls && !h.tls.ok) return `${label(h)}: not reached, TLS failed (see server.tls)`;
  return `${label(h)}: not reached (${h.skipped ?? "not probed"})`;
}

function describeAnswer(f: HttpFacts): string {
  const type = f.contentType ? `, ${f.contentType.split(";")[0]}` : "";
  if (f.kind === "html") {
    return `an HTML page${f.title ? ` titled "${f.title}"` : ""} (HTTP ${f.status}${type})`;
  }
  if (f.kind === "clearml-api") {
    const e = f.envelope;
    return `HTTP ${f.status} ClearML ${e?.resultCode ?? "?"}/${e?.resultSubcode ?? 0}${
      e?.resultMsg ? ` "${e.resultMsg}"` : ""
    }`;
  }
  if (f.kind === "json") return `JSON that is not a ClearML answer (HTTP ${f.status})`;
  if (f.kind === "empty") return `an empty HTTP ${f.status} ${f.statusText}`.trim();
  return `text (HTTP ${f.status}${type}): "${f.snippet ?? ""}"`;
}

const isApiOk = (f: HttpFacts | undefined) =>
  f?.kind === "clearml-api" && f.status === 200 && (f.envelope?.resultCode ?? 200) === 200;

/** A guess at the API URL for someone who gave the web app's URL. */
function apiGuess(h: HostProbe): string {
  const u = h.url;
  const scheme = u.scheme ?? "http";
  const host = u.hostname ?? "host";
  if (u.port === 8080) return `${scheme}://${host}:8008`;
  if (host.startsWith("app.")) return `${scheme}://api.${host.slice(4)}`;
  if (u.port === 8008) return "";
  return `${scheme}://${host}:8008 or ${scheme}://api.<domain>`;
}

// ---------------------------------------------------------------------------------------------
// checks

function urlCheck(s: ServerSnapshot): CheckResult {
  const rows: Row[] = [];
  for (const h of s.targets) {
    const errors = h.url.problems.filter((p) => p.level === "error");
    const warnings = h.url.problems.filter((p) => p.level === "warning");
    const where = `(${from(h.origin)})`;
    if (errors.length) {
      rows.push({
        status: severity(h),
        line: `${label(h)} ${where}: ${errors.map((p) => p.message).join("; ")}`,
      });
    } else if (warnings.length) {
      rows.push({
        status: "warn",
        line: `${label(h)} ${where}: ${warnings.map((p) => p.message).join("; ")}`,
      });
    } else {
      rows.push({ status: "pass", line: `${label(h)} ${where}` });
    }
  }
  for (const m of s.missing) {
    if (m.consumer !== "sdk") continue; // the agent's missing host is server.default_host's
    // The SDK raises where it needs a host it cannot derive (Task.init).
    rows.push({ status: "fail", line: `no ${m.role} host: ${m.message}` });
  }
  // user-pain B15: the three roles are different services.
  const sdk = s.targets.filter((t) => t.consumers.includes("sdk"));
  const api = sdk.find((t) => t.role === "api");
  for (const other of sdk.filter((t) => t.role !== "api")) {
    if (api && other.url.display === api.url.display) {
      rows.push({
        status: "warn",
        line: `the ${other.role} host is the API URL ${api.url.display}: the API (8008), web app ` +
          "(8080) and files server (8081) are different services",
      });
    }
  }
  return combine(
    rows,
    (r) => `${r.length} server URL(s) well-formed: ${r.map((x) => x.line).join("; ")}`,
    {
      fix: {
        text: "Give each host as scheme://host[:port] with no endpoint path, e.g. " +
          "CLEARML_API_HOST=http://server:8008, CLEARML_WEB_HOST=http://server:8080, " +
          "CLEARML_FILES_HOST=http://server:8081",
        commands: [
          "clearml config get api.api_server --origin",
          "clearml env explain CLEARML_API_HOST",
        ],
        docs: [DOCS_CONF],
      },
      evidence: {
        hosts: s.targets.map((t) => ({
          role: t.role,
          url: t.url.display,
          origin: from(t.origin),
          problems: t.url.problems,
        })),
      },
    },
  );
}

function dnsCheck(s: ServerSnapshot): CheckResult {
  const rows: Row[] = [];
  const hosts: string[] = [];
  for (const h of s.targets) {
    if (!h.dns) continue;
    const proxied = h.tcp?.value?.via === "proxy" ||
      (h.proxy.url !== undefined && !h.proxy.unsupported);
    if (h.dns.ok) {
      const addrs = h.dns.value!.addresses.map((a) => a.address).join(", ");
      rows.push({
        status: "pass",
        line: `${label(h)}: ${h.url.hostname} → ${addrs} (${ms(h.dns)})`,
      });
    } else if (proxied) {
      rows.push({
        status: "pass",
        line: `${label(h)}: ${h.url.hostname} does not resolve here (${why(h.dns)}), ` +
          `but the proxy ${h.proxy.url} resolves it`,
      });
    } else {
      rows.push({
        status: severity(h),
        line: `${label(h)}: ${h.url.hostname} does not resolve: ${why(h.dns)}`,
      });
      if (h.url.hostname) hosts.push(h.url.hostname);
    }
  }
  return combine(rows, (r) => r.length === 1 ? r[0]!.line : `${r.length} host names resolve`, {
    fix: {
      text:
        "Check the spelling of the host name, your DNS server, /etc/hosts, or use the IP address",
      commands: hosts.map((h) => `getent hosts ${h}`),
    },
  });
}

function tcpCheck(s: ServerSnapshot): CheckResult {
  const rows: Row[] = [];
  const urls: string[] = [];
  for (const h of s.targets) {
    if (!h.tcp) continue;
    const via = h.tcp.value?.via === "proxy" || (!h.tcp.ok && h.proxy.url && !h.proxy.unsupported)
      ? ` through the proxy ${h.proxy.url}`
      : "";
    if (h.tcp.ok) {
      rows.push({
        status: "pass",
        line: `${label(h)}: connected to ${h.tcp.value!.address ?? h.url.hostname}:${
          h.tcp.value!.port
        }${via} in ${ms(h.tcp)}`,
      });
    } else {
      const what = h.tcp.timedOut && !h.tcp.budget
        ? `no connection within ${ms(h.tcp)} (a firewall drops the packets, or the host is down)`
        : why(h.tcp);
      rows.push({ status: severity(h), line: `${label(h)}: port ${h.url.port}${via}: ${what}` });
      urls.push(h.url.display);
    }
  }
  return combine(
    rows,
    (r) => r.length === 1 ? r[0]!.line : `${r.length} hosts accept connections`,
    {
      fix: {
        text: "Is the server running and is the port open from here? A ClearML server listens on " +
          "8008 (API), 8080 (web app) and 8081 (files) unless a reverse proxy maps them",
        commands: urls.map((u) => `curl -v --max-time 5 ${u}/`),
        docs: [DOCS_SERVER],
      },
    },
  );
}

function tlsCheck(s: ServerSnapshot): CheckResult {
  const rows: Row[] = [];
  const commands: string[] = [];
  let advice = "";
  for (const h of s.targets) {
    if (h.url.scheme !== "https" || !h.trust) continue;
    const t = h.trust;
    const verifyFrom = t.verifyOrigin ? ` (${formatOrigin(t.verifyOrigin)})` : " (default)";
    const sev = severity(h);
    const hostPort = `${h.url.hostname}:${h.url.port}`;
    if (t.verify && t.bundle?.error) {
      const typo =
        t.bundle.source.includes("VERIFY_CERT") || t.bundle.source.includes("verify_certificate")
          ? ` ("${t.verifyText}" is not a true/false spelling, so it is taken as a CA bundle path)`
          : "";
      rows.push({
        status: sev,
        line: `${label(h)}:` +
          ` the CA bundle ${t.bundle.path} from ${t.bundle.source} ${t.bundle.error}${typo}`,
      });
      advice = "Point the setting at a readable PEM file, or fix the spelling of true/false";
      continue;
    }
    if (!h.tls) continue;
    if (!h.tls.ok) {
      rows.push({
        status: sev,
        line: `${label(h)}: TLS handshake with ${hostPort} failed: ${why(h.tls)}`,
      });
      commands.push(
        `openssl s_client -connect ${hostPort} -servername ${h.url.hostname} </dev/null`,
      );
      continue;
    }
    const f = h.tls.value!;
    const leaf = f.chain[0];
    const who = leaf ? `${leaf.subject} issued by ${leaf.issuer}` : "no certificate";
    const expiry = leaf
      ? leaf.daysLeft < 0
        ? `expired ${-leaf.daysLeft} day(s) ago (${leaf.validTo})`
        : `expires in ${leaf.daysLeft} day(s)`
      : "";
    const scope = t.scopeNote ? `; ${t.scopeNote}` : "";
    if (!t.verify) {
      const would = f.authorized && !f.hostnameError
        ? "it would pass"
        : `it would fail: ${f.authorizationError ?? f.hostnameError}`;
      rows.push({
        status: "warn",
        line: `${label(h)}:` +
          ` certificate verification is off (verify=${t.verifyText}${verifyFrom}); ${would}. ` +
          "Anyone on the path can read your keys",
      });
      continue;
    }
    if (leaf && leaf.daysLeft < 0) {
      rows.push({ status: sev, line: `${label(h)}: the certificate ${expiry}` });
      continue;
    }
    if (!f.authorized) {
      const trust = t.bundle
        ? `the CA bundle ${t.bundle.path} (${t.bundle.source})`
        : "the default trust store";
      const alt = f.defaultStore?.authorized
        ? `; the default trust store accepts it, so ${
          t.bundle?.source ?? "the bundle"
        } points at the wrong bundle`
        : "";
      rows.push({
        status: sev,
        line: `${label(h)}: ${trust} does not trust ${who}: ${
          tlsReason(f.authorizationError)
        }${alt}${scope}`,
      });
      commands.push(
        `openssl s_client -connect ${hostPort} -servername ${h.url.hostname} -showcerts </dev/null`,
      );
      advice = "Trust the server's CA: export CLEARML_API_HOST_VERIFY_CERT=/path/to/ca.pem " +
        "(or REQUESTS_CA_BUNDLE=/path/to/ca.pem); only as a last resort set CLEARML_API_HOST_VERIFY_CERT=false";
      continue;
    }
    if (f.hostnameError) {
      rows.push({
        status: sev,
        line: `${label(h)}: the certificate does not name ${h.url.hostname}: ${f.hostnameError}`,
      });
      continue;
    }
    if (leaf && leaf.daysLeft < 14) {
      rows.push({
        status: "warn",
        line: `${label(h)}: trusted, but the certificate ${expiry} (${leaf.validTo})`,
      });
      continue;
    }
    rows.push({
      status: "pass",
      line: `${label(h)}: ${f.protocol ?? "TLS"}, ${who}, ${expiry}, trusted via ${
        t.bundle ? `${t.bundle.path} (${t.bundle.source})` : "the default store"
      }${t.extra?.certs ? ` + NODE_EXTRA_CA_CERTS` : ""}${scope}`,
    });
  }
  if (rows.length === 0) {
    const reached = s.targets.some((h) => h.url.scheme === "https");
    return {
      status: "skip",
      summary: reached ? "no https host was reached" : "no host uses https",
    };
  }
  return combine(
    rows,
    (r) => r.length === 1 ? r[0]!.line : `${r.length} https hosts have valid, trusted certificates`,
    {
      fix: {
        ...(advice ? { text: advice } : {}),
        commands,
        docs: [DOCS_ENV],
      },
      evidence: {
        tls: s.targets.filter((h) => h.tls?.value).map((h) => ({
          host: label(h),
          ...h.tls!.value,
          trust: h.trust,
        })),
      },
    },
  );
}

function tlsReason(code: string | undefined): string {
  switch (code) {
    case "DEPTH_ZERO_SELF_SIGNED_CERT":
      return "the certificate is self-signed";
    case "SELF_SIGNED_CERT_IN_CHAIN":
      return "the chain ends in a self-signed CA that is not trusted";
    case "UNABLE_TO_VERIFY_LEAF_SIGNATURE":
    case "UNABLE_TO_GET_ISSUER_CERT_LOCALLY":
    case "UNABLE_TO_GET_ISSUER_CERT":
      return "its issuer is not a trusted CA";
    case "CERT_HAS_EXPIRED":
      return "the certificate has expired";
    case "CERT_NOT_YET_VALID":
      return "the certificate is not valid yet (check the clock)";
    default:
      return code ?? "verification failed";
  }
}

function apiCheck(s: ServerSnapshot): CheckResult {
  const rows: Row[] = [];
  let fixText = "";
  for (const h of apiTargets(s)) {
    const ping = h.api?.ping;
    if (!h.api || !ping) {
      rows.push({ status: "skip", line: notReached(h) });
      continue;
    }
    const direct = h.api.direct;
    const directNote = direct?.ok && isApiOk(direct.value)
      ? `; without the proxy ${h.proxy.url} it answers (see server.proxy)`
      : "";
    if (!ping.ok) {
      const what = ping.timedOut && !ping.budget
        ? `accepts connections but sent no answer to debug.ping within ${
          ms(ping)
        } (wrong port, a ` +
          "firewall or proxy that swallows requests, or a hung server)"
        : `debug.ping failed: ${why(ping)}`;
      rows.push({ status: "fail", line: `${label(h)} ${what}${directNote}` });
      continue;
    }
    const f = ping.value!;
    if (f.kind === "clearml-api" && isApiOk(f)) {
      const info = h.api.info?.value;
      const versions = info && isApiOk(info) && info.version
        ? `; server ${info.version}${info.apiVersion ? `, API ${info.apiVersion}` : ""}`
        : "; server.info gave no version";
      rows.push({
        status: "pass",
        line: `${label(h)} is the ClearML API: debug.ping answered in ${ms(ping)}${versions}`,
      });
      continue;
    }
    if (f.kind === "clearml-api") {
      rows.push({
        status: "fail",
        line: `${label(h)} speaks the ClearML protocol but debug.ping gave ${describeAnswer(f)}: ` +
          "is the path after the host right?",
      });
      continue;
    }
    if (f.kind === "html") {
      rows.push({
        status: "fail",
        line:
          `${label(h)} is not the API: debug.ping returned ${describeAnswer(f)}, which is what ` +
          `the web app (or another web server) answers${directNote}`,
      });
      fixText = `Set the API URL, not the web app's: the API is usually ${
        apiGuess(h) || "on port 8008"
      } (currently from ${from(h.origin)})`;
      continue;
    }
    rows.push({
      status: "fail",
      line: `${label(h)} is not the ClearML API: debug.ping returned ${
        describeAnswer(f)
      }${directNote}`,
    });
    const guess = apiGuess(h);
    fixText ||= guess
      ? `Point the API host at the ClearML API server (usually ${guess})`
      : `Something other than the ClearML API answers on ${h.url.display}: check the port and ` +
        "any reverse proxy in front of the server";
  }
  return combine(
    rows,
    (r) => r.length === 1 ? r[0]!.line : `${r.length} API hosts answer as the ClearML API`,
    {
      fix: {
        ...(fixText ? { text: fixText } : {}),
        commands: apiTargets(s).map((h) => `curl -sS --max-time 5 ${h.url.display}/debug.ping`),
        docs: [DOCS_CONF],
      },
      evidence: {
        api: apiTargets(s).map((h) => ({ host: label(h), ping: h.api?.ping, info: h.api?.info })),
      },
    },
  );
}

function keyText(h: HostProbe): string {
  const a = h.api!.auth;
  if (a.mode === "token") return `the token from ${from(a.tokenOrigin)}`;
  return `key ${a.accessKey ?? "(none)"} from ${from(a.accessKeyOrigin)} with the secret from ${
    from(a.secretOrigin)
  }`;
}

function authCheck(s: ServerSnapshot): CheckResult {
  const rows: Row[] = [];
  const details: string[] = [];
  let fixText = "";
  for (const h of apiTargets(s)) {
    if (!h.api) {
      rows.push({ status: "skip", line: notReached(h) });
      continue;
    }
    const a = h.api.auth;
    if (a.mode === "none") {
      rows.push({
        status: "fail",
        line:
          `${label(h)}: no credentials are set; the SDK stops with MissingConfigError and the ` +
          "agent cannot log in",
      });
      fixText =
        "Create credentials in the web app (Settings → Workspace → Create new credentials), then " +
        "run clearml-init or set CLEARML_API_ACCESS_KEY and CLEARML_API_SECRET_KEY";
      continue;
    }
    if (a.mode === "key-only" || a.mode === "secret-only") {
      const has = a.mode === "key-only"
        ? `access key ${a.accessKey} (${from(a.accessKeyOrigin)}) has no secret key`
        : `a secret key (${from(a.secretOrigin)}) has no access key`;
      rows.push({
        status: "fail",
        line: `${label(h)}: ${has}; the SDK's login crashes instead of reporting it`,
      });
      fixText =
        "Set both CLEARML_API_ACCESS_KEY and CLEARML_API_SECRET_KEY (or both api.credentials keys)";
      continue;
    }
    if (!h.api.ping) {
      rows.push({ status: "skip", line: notReached(h) });
      continue;
    }
    if (h.api.ping.ok && !isApiOk(h.api.ping.value)) {
      rows.push({
        status: "skip",
        line: `${label(h)}: not the ClearML API, so no login (see server.api)`,
      });
      continue;
    }
    const login = h.api.auth.login;
    if (!login) {
      rows.push({
        status: "skip",
        line: `${label(h)}: login not tried: ${a.skipped ?? "the API was not reached"}`,
      });
      continue;
    }
    if (!login.ok) {
      rows.push({
        status: "fail",
        line: `${label(h)}: auth.login with ${keyText(h)} got no answer: ${why(login)}`,
      });
      continue;
    }
    const f = login.value!;
    if (f.status === 200 && f.kind === "clearml-api") {
      const t = f.token;
      const who = t?.user ? ` as ${t.user}${t.company ? ` (${t.company})` : ""}` : "";
      const api = t?.apiVersion ? `; token API ${t.apiVersion}` : "";
      rows.push({ status: "pass", line: `${label(h)}: logged in${who} with ${keyText(h)}${api}` });
      if (t?.expiresInDays !== undefined) {
        details.push(`${label(h)}: the token expires in ${t.expiresInDays} day(s)`);
      }
      continue;
    }
    if (f.status === 401) {
      const msg = f.envelope?.resultMsg ? `: "${f.envelope.resultMsg}"` : "";
      rows.push({
        status: "fail",
        line: `${label(h)}: the server rejected ${keyText(h)} (HTTP 401${msg})`,
      });
      fixText = a.mode === "token"
        ? "CLEARML_AUTH_TOKEN is expired or revoked, and it wins over the keys: unset it or log in again"
        : "These keys do not exist on this server: compare the key's last 4 characters with the " +
          "server's (web app → Settings → Workspace), or create a new pair there and set it at the " +
          "origin shown";
      continue;
    }
    rows.push({
      status: "fail",
      line: `${label(h)}: auth.login with ${keyText(h)} returned ${describeAnswer(f)}`,
    });
  }
  return combine(rows, (r) => r.length === 1 ? r[0]!.line : `${r.length} credential sets log in`, {
    details,
    fix: {
      ...(fixText ? { text: fixText } : {}),
      commands: apiTargets(s).filter((h) => h.api?.auth.mode === "keys").map((h) =>
        `curl -sS -u "$CLEARML_API_ACCESS_KEY:$CLEARML_API_SECRET_KEY" ${h.url.display}/auth.login`
      ),
      docs: [DOCS_ENV],
    },
    evidence: {
      auth: apiTargets(s).map((h) => ({
        host: label(h),
        mode: h.api?.auth.mode,
        accessKey: h.api?.auth.accessKey,
        accessKeyOrigin: h.api?.auth.accessKeyOrigin && formatOrigin(h.api.auth.accessKeyOrigin),
        status: h.api?.auth.login?.value?.status,
        resultMsg: h.api?.auth.login?.value?.envelope?.resultMsg,
      })),
    },
  });
}

function proxyCheck(s: ServerSnapshot): CheckResult {
  const rows: Row[] = [];
  const toBypass = new Set<string>();
  for (const w of s.noProxyWarnings) rows.push({ status: "warn", line: w });
  if (s.proxyVariables.length === 0) {
    return {
      status: "pass",
      summary: "no proxy variables are set: every host is reached directly",
    };
  }
  for (const h of s.targets) {
    if (!h.url.ok) continue;
    const p = h.proxy;
    if (p.bypassEntry !== undefined) {
      rows.push({
        status: "pass",
        line: `${label(h)}: direct (NO_PROXY entry "${p.bypassEntry}" in ${
          p.bypassVariable ?? "NO_PROXY"
        })`,
      });
      continue;
    }
    if (!p.url) {
      rows.push({
        status: "pass",
        line: `${label(h)}: direct (no proxy variable for ${h.url.scheme})`,
      });
      continue;
    }
    if (p.unsupported) {
      rows.push({
        status: "warn",
        line: `${label(h)}:` +
          ` through ${p.url} (${p.variable}); not probed through it: ${p.unsupported}`,
      });
      continue;
    }
    const refused = [h.tls, h.api?.ping, h.http].find((x) => x?.code === "PROXY_REFUSED");
    const direct = h.api?.direct;
    const pingBad = h.api?.ping && !(h.api.ping.ok && isApiOk(h.api.ping.value));
    if (refused) {
      rows.push({
        status: severity(h),
        line: `${label(h)}: ${refused.error} (proxy ${p.url} from ${p.variable})`,
      });
      if (h.url.hostname) toBypass.add(h.url.hostname);
    } else if (pingBad && direct?.ok && isApiOk(direct.value)) {
      rows.push({
        status: "fail",
        line: `${label(h)}:` +
          ` through the proxy ${p.url} (${p.variable}) the API call fails, directly it works`,
      });
      if (h.url.hostname) toBypass.add(h.url.hostname);
    } else if (h.tcp && !h.tcp.ok) {
      const internal = h.url.hostname && isInternalHost(h.url.hostname)
        ? `; ${h.url.hostname} is internal and should bypass the proxy`
        : "";
      rows.push({
        status: severity(h),
        line: `${label(h)}: the proxy ${p.url} (${p.variable}) did not accept a connection: ` +
          `${why(h.tcp)}${internal}`,
      });
      if (internal) toBypass.add(h.url.hostname!);
    } else if (h.url.hostname && isInternalHost(h.url.hostname)) {
      rows.push({
        status: "warn",
        line: `${label(h)}:` +
          ` the internal host ${h.url.hostname} is reached through the proxy ${p.url} ` +
          `(${p.variable}); internal traffic usually must bypass it`,
      });
      toBypass.add(h.url.hostname);
    } else {
      rows.push({
        status: "pass",
        line: `${label(h)}: through the proxy ${p.url} (${p.variable})`,
      });
    }
  }
  const list = [...toBypass].join(",");
  return combine(
    rows,
    (r) => r.length === 1 ? r[0]!.line : `proxy settings fit every host (${r.length} checked)`,
    {
      details: [`variables: ${s.proxyVariables.map((v) => `${v.name}=${v.value}`).join(" ")}`],
      fix: {
        text: "Let ClearML traffic bypass the proxy with NO_PROXY (set both cases: tools differ)",
        commands: list ? [`export NO_PROXY=${list},$NO_PROXY no_proxy=${list},$no_proxy`] : [],
      },
      evidence: {
        variables: s.proxyVariables,
        hosts: s.targets.map((h) => ({ host: label(h), ...h.proxy })),
      },
    },
  );
}

function getBodyCheck(s: ServerSnapshot): CheckResult {
  const rows: Row[] = [];
  let advise = false;
  for (const h of apiTargets(s)) {
    const ping = h.api?.ping;
    if (!h.api || !ping) {
      rows.push({ status: "skip", line: notReached(h) });
      continue;
    }
    if (!ping.ok || !isApiOk(ping.value)) {
      const what = ping.ok ? "not the ClearML API" : "debug.ping failed";
      rows.push({ status: "skip", line: `${label(h)}: ${what} (see server.api)` });
      continue;
    }
    const g = h.api.getBody;
    if (!g) {
      rows.push({
        status: "skip",
        line: `${label(h)}: not probed (${h.api.skipped ?? "stopped early"})`,
      });
      continue;
    }
    const usesGet = h.method === "GET";
    const methodFrom = h.methodOrigin ? ` (${formatOrigin(h.methodOrigin)})` : " (default)";
    const post = h.api.postBody;
    const postOk = post?.ok && post.value?.status === 200 && post.value.echoed;
    let problem: string | undefined;
    if (!g.ok) problem = `a GET with a JSON body got no answer: ${why(g)}`;
    else if (g.value!.status === 411) {
      problem =
        "a GET with a JSON body was answered 411 Length Required (a proxy rejects GET bodies)";
    } else if (g.value!.status === 200 && !g.value!.echoed) {
      problem = "a GET with a JSON body arrived without its body (something on the way drops it)";
    } else if (g.value!.status !== 200) {
      problem = `a GET with a JSON body was answered ${describeAnswer(g.value!)}`;
    }
    if (!problem) {
      rows.push({
        status: "pass",
        line: `${label(h)}:` +
          ` a GET with a JSON body reaches the API intact; the client uses ${h.method}${methodFrom}`,
      });
      continue;
    }
    const postNote = post ? (postOk ? "; POST with the same body works" : "; POST fails too") : "";
    if (!usesGet) {
      rows.push({
        status: "pass",
        line: `${label(h)}: ${problem}, but the client uses ${h.method}${methodFrom}${postNote}`,
      });
      continue;
    }
    rows.push({
      status: "fail",
      line: `${label(h)}: ${problem}; ClearML clients send most calls that way${postNote}`,
    });
    advise = true;
  }
  return combine(
    rows,
    (r) => r.length === 1 ? r[0]!.line : "GET with a body works for every API host",
    {
      fix: advise
        ? {
          text: "Make the clients send POST: set CLEARML_API_DEFAULT_REQ_METHOD=POST, or " +
            "api.http.default_method: post in clearml.conf (older agents do not support it: upgrade)",
          commands: ["export CLEARML_API_DEFAULT_REQ_METHOD=POST"],
          docs: [DOCS_ENV],
        }
        : {},
    },
  );
}

function defaultHostCheck(s: ServerSnapshot): CheckResult {
  const api = apiTargets(s).find((h) => h.consumers.includes("sdk"));
  const agentMissing = s.missing.find((m) => m.consumer === "agent" && m.role === "api");
  const details = agentMissing ? [`agent: ${agentMissing.message}`] : [];
  if (!api) return { status: "skip", summary: "the SDK has no API host (see server.url)" };
  const isDefault = api.origin?.kind === "derived" && api.url.display === DEFAULT_API_HOST;
  if (!isDefault) {
    return {
      status: "pass",
      summary: `the API host ${api.url.display} is set explicitly (${from(api.origin)})`,
      ...(details.length ? { details } : {}),
    };
  }
  const a = api.api?.auth;
  const fix: Fix = {
    text:
      "If your server is self-hosted, set its API URL: CLEARML_API_HOST or api.api_server in clearml.conf",
    commands: ["export CLEARML_API_HOST=http://<your-server>:8008", "clearml config files"],
    docs: [DOCS_CONF],
  };
  const creds = a &&
    (a.mode === "token"
      ? `the token from ${from(a.tokenOrigin)}`
      : `key ${a.accessKey ?? ""} from ${from(a.accessKeyOrigin)}`);
  if (!a || !a.explicit) {
    return {
      status: "skip",
      summary:
        `no credentials are set, so nothing is sent to the built-in default ${DEFAULT_API_HOST} (see server.auth)`,
      details: [`the API host is ${from(api.origin)}`, ...details],
    };
  }
  const login = a.login?.value;
  if (login?.status === 200) {
    return {
      status: "pass",
      summary:
        `no API host is configured, so the SDK uses the hosted ${DEFAULT_API_HOST}, and it accepts ${creds}`,
      details,
    };
  }
  if (login?.status === 401) {
    return {
      status: "fail",
      summary:
        `no API host is configured, so ${creds} went to the hosted ${DEFAULT_API_HOST}, which rejected them: ` +
        "keys of a self-hosted server need its URL",
      details,
      fix,
    };
  }
  return {
    status: "warn",
    summary:
      `the API host is the SDK's built-in default ${DEFAULT_API_HOST} (hosted service) while ${creds} ` +
      "was set explicitly: keys of a self-hosted server are sent to the hosted service",
    details,
    fix,
  };
}

function localhostCheck(s: ServerSnapshot): CheckResult {
  const loop = s.targets.filter((h) => h.url.hostname && isLoopback(h.url.hostname));
  if (!s.where.inContainer) {
    return {
      status: "pass",
      summary: loop.length
        ? `not in a container, so ${
          loop.map((h) => h.url.hostname).filter(uniq).join(", ")
        } is this machine`
        : "not in a container",
    };
  }
  const where = s.where.evidence.join(", ");
  if (loop.length === 0) {
    return { status: "pass", summary: `in a container (${where}); no host points at localhost` };
  }
  return {
    status: "warn",
    summary:
      `in a container (${where}), ${loop.map((h) => `${h.role} ${h.url.display}`).join(", ")} ` +
      "means this container, not the machine running ClearML",
    details: [
      ...loop.map((h) =>
        `${label(h)} (${from(h.origin)}): ${h.tcp?.ok ? "reachable here" : "not reachable here"}${
          h.role === "files"
            ? "; file URLs stored with uploads will point at localhost for everyone"
            : ""
        }`
      ),
    ],
    fix: {
      text:
        "Use an address the container can reach: the host's IP or DNS name, the compose service " +
        "name of the server, host.docker.internal (Docker Desktop), or run with --network host",
      docs: [DOCS_ENV],
    },
  };
}

const uniq = <T>(v: T, i: number, a: readonly T[]) => a.indexOf(v) === i;

function reachCheck(role: "web" | "files") {
  return (s: ServerSnapshot): CheckResult => {
    const rows: Row[] = [];
    const hosts = s.targets.filter((h) => h.role === role);
    for (const h of hosts) {
      if (
        role === "files" && h.url.hostname && !h.url.hostname.includes(".") &&
        !isLoopback(h.url.hostname) && !h.url.hostname.includes(":")
      ) {
        rows.push({
          status: "warn",
          line:
            `${label(h)}: ${h.url.hostname} is a single-label name (a compose service?): URLs of ` +
            "uploaded files are stored with the task and will not open outside that network",
        });
      }
      if (!h.http) {
        rows.push({ status: "skip", line: notReached(h) });
        continue;
      }
      if (!h.http.ok) {
        const what = h.http.timedOut && !h.http.budget
          ? `no answer within ${ms(h.http)}`
          : why(h.http);
        rows.push({ status: severity(h), line: `${label(h)}: ${what}` });
        continue;
      }
      const f = h.http.value!;
      if (f.kind === "clearml-api") {
        rows.push({
          status: "warn",
          line: `${label(h)} answers like the ClearML API (${describeAnswer(f)}): ` +
            `api.${
              role === "web" ? "web_server" : "files_server"
            } probably points at the API server`,
        });
      } else if (f.status >= 500) {
        rows.push({
          status: "warn",
          line: `${label(h)}: the server answered ${describeAnswer(f)}`,
        });
      } else if (role === "web" && f.status >= 400) {
        rows.push({
          status: "warn",
          line: `${label(h)}: the web app answered ${describeAnswer(f)}`,
        });
      } else {
        rows.push({
          status: "pass",
          line: `${label(h)}: answered ${describeAnswer(f)} in ${ms(h.http)} (${from(h.origin)})`,
        });
      }
    }
    for (const m of s.missing.filter((x) => x.role === role && x.consumer === "sdk")) {
      rows.push({ status: "skip", line: `no ${role} host (see server.url): ${m.message}` });
    }
    if (rows.length === 0) return { status: "skip", summary: `no ${role} host is configured` };
    const envName = role === "web" ? "CLEARML_WEB_HOST" : "CLEARML_FILES_HOST";
    return combine(rows, (r) => r.length === 1 ? r[0]!.line : `${r.length} ${role} hosts answer`, {
      fix: {
        text:
          `Check ${envName} / api.${role === "web" ? "web_server" : "files_server"}: a ClearML ` +
          `server serves the ${
            role === "web" ? "web app on 8080" : "files on 8081"
          } unless a reverse proxy maps it`,
        commands: hosts.map((h) =>
          `curl -sS -o /dev/null -w '%{http_code}\\n' --max-time 5 ${h.url.display}/`
        ),
        docs: [DOCS_CONF],
      },
    });
  };
}

function guarded(
  id: string,
  title: string,
  run: (s: ServerSnapshot, input: DoctorInput) => CheckResult,
): Check<ServerSnapshot> {
  return { id, title, run: (s, input) => offline(s) ?? run(s, input) };
}

export const serverChecks: ReadonlyArray<Check<ServerSnapshot>> = [
  // Pure URL checks: they run offline too.
  { id: "server.url", title: "server URLs are well-formed", run: (s) => urlCheck(s) },
  guarded("server.default_host", "the API host is not a silent default", defaultHostCheck),
  guarded("server.localhost_in_container", "no localhost host inside a container", localhostCheck),
  guarded("server.proxy", "proxy settings fit the servers", proxyCheck),
  guarded("server.dns", "server host names resolve", dnsCheck),
  guarded("server.tcp", "server ports accept connections", tcpCheck),
  guarded("server.tls", "TLS certificates are valid and trusted", tlsCheck),
  guarded("server.api", "the API host is the ClearML API", apiCheck),
  guarded("server.auth", "the credentials log in", authCheck),
  guarded("server.get_body", "GET requests keep their body", getBodyCheck),
  guarded("server.web", "the web app answers", reachCheck("web")),
  guarded("server.files", "the files server answers", reachCheck("files")),
];

export const serverCategory: Category<ServerSnapshot> = {
  name: "server",
  title: "Server",
  probe: (input, tools) => probeServer(input, tools),
  external: true,
  checks: serverChecks,
};
