/**
 * The server probe: for the API, web and files hosts the SDK (and, where it differs, the agent)
 * would use, it gathers URL shape, proxy choice, DNS, TCP, TLS and HTTP facts, and for the API
 * host debug.ping, server.info, a GET with a body and auth.login with exactly the resolved
 * credentials. Every network step has its own timeout and stops when the run's budget is spent.
 * Nothing secret enters the snapshot: keys by their last four characters, tokens never.
 * Which hosts: `server_targets.ts`; the steps: `_server_steps.ts`; the data: `server_snapshot.ts`.
 */
import type { DoctorInput, ProbeTools } from "../types.ts";
import { lastFour, maskUrlPassword } from "../../settings/mask.ts";
import { offlineReason } from "../offline.ts";
import { detectContainer } from "../../platform/container.ts";
import { nodeHostFacts } from "../../platform/host_facts.ts";
import { VERSION } from "../../version.ts";
import { chooseProxy, noProxyWarnings, proxyVariables } from "../../api/proxy.ts";
import { type Credentials, methodOf } from "../../api/settings.ts";
import { type ConnectOptions, type Endpoint, httpRequest, tcpConnect } from "../../runtime/http.ts";
import { urlFacts } from "./_url.ts";
import { describeResponse } from "./_http_facts.ts";
import { tokenFacts } from "./_token_facts.ts";
import { buildTrust, type Ctx, handshake, lookupAll, step } from "./_server_steps.ts";
import { planTargets, type TargetSpec } from "./server_targets.ts";
import type {
  ApiFacts,
  AuthFacts,
  HostProbe,
  HttpFacts,
  LoginFacts,
  ServerSnapshot,
  StepResult,
  TcpFacts,
  UrlFacts,
  WhereFacts,
} from "./server_snapshot.ts";

export type * from "./server_snapshot.ts";
export { credentialsOf } from "../../api/settings.ts";
export { describeResponse } from "./_http_facts.ts";
export { parseCertDate } from "./_cert_facts.ts";
export { planTargets } from "./server_targets.ts";

// Loaded on first use: a static import of node:tls would cost every command at startup.
const loadTls = () => import("node:tls");

export interface ServerProbeOptions {
  /** Replace the container detection (tests). */
  where?: WhereFacts;
}

const MARKER_KEY = "clearml_doctor";

function endpointOf(facts: UrlFacts): Endpoint {
  return { host: facts.hostname!, port: facts.port!, tls: facts.scheme === "https" };
}

/** What the client would log in with, secrets reduced to facts. */
function authFacts(creds: Credentials): AuthFacts {
  return {
    mode: creds.mode,
    explicit: [creds.keyOrigin, creds.secretOrigin, creds.tokenOrigin].some((o) =>
      o !== undefined && o.kind !== "default"
    ),
    ...(creds.key ? { accessKey: lastFour(creds.key) } : {}),
    ...(creds.keyOrigin ? { accessKeyOrigin: creds.keyOrigin } : {}),
    ...(creds.secretOrigin ? { secretOrigin: creds.secretOrigin } : {}),
    ...(creds.tokenOrigin ? { tokenOrigin: creds.tokenOrigin } : {}),
  };
}

/** debug.ping, then server.info, a GET with a body and auth.login; fills `api`. */
async function probeApi(
  creds: Credentials,
  api: ApiFacts,
  host: HostProbe,
  opts: ConnectOptions,
  ctx: Ctx,
): Promise<void> {
  const auth = api.auth;
  const base = host.url.path;
  const headers = {
    Accept: "application/json",
    "User-Agent": `clearml-doctor/${VERSION}`,
    "X-ClearML-Client": `clearml-doctor-${VERSION}`,
  };
  const call = (
    method: string,
    endpoint: string,
    extra: { headers?: Record<string, string>; body?: string } = {},
    via: ConnectOptions = opts,
  ) =>
    step(ctx, async (signal) => {
      const r = await httpRequest(via, {
        method,
        path: `${base}/${endpoint}`,
        headers: { ...headers, ...extra.headers },
        ...(extra.body !== undefined ? { body: extra.body } : {}),
      }, signal);
      return { response: r, facts: describeResponse(r) };
    });
  const factsOnly = <T extends { facts: HttpFacts }>(s: StepResult<T>): StepResult<HttpFacts> => {
    const { value, ...rest } = s;
    return value ? { ...rest, value: value.facts } : rest;
  };

  const ping = await call("GET", "debug.ping");
  api.ping = factsOnly(ping);
  const isApi = ping.value?.facts.kind === "clearml-api";
  if (!isApi && opts.proxy) {
    api.direct = factsOnly(await call("GET", "debug.ping", {}, { ...opts, proxy: undefined }));
  }
  if (!isApi) {
    // Never send the keys to something that is not the API.
    api.skipped = ping.ok ? "debug.ping was not answered by the ClearML API" : "debug.ping failed";
    auth.skipped = ping.ok ? "the host is not the ClearML API" : "the API host did not answer";
    return;
  }

  const nonce = Math.random().toString(36).slice(2, 10);
  const body = JSON.stringify({ [MARKER_KEY]: nonce });
  const withBody = (method: string) =>
    call(method, "debug.ping", { headers: { "Content-Type": "application/json" }, body }).then(
      (s) => {
        const out = factsOnly(s);
        if (s.value && out.value) {
          let echoed = false;
          try {
            const json = JSON.parse(s.value.response.body) as { data?: Record<string, unknown> };
            echoed = json.data?.[MARKER_KEY] === nonce;
          } catch {
            echoed = false;
          }
          out.value = { ...out.value, echoed };
        }
        return out;
      },
    );

  const login = async (): Promise<StepResult<LoginFacts> | undefined> => {
    let authorization: string;
    if (creds.mode === "token") authorization = `Bearer ${creds.token}`;
    else if (creds.mode === "keys") {
      authorization = `Basic ${Buffer.from(`${creds.key}:${creds.secret}`).toString("base64")}`;
    } else {
      auth.skipped = creds.mode === "none"
        ? "no credentials are set"
        : creds.mode === "key-only"
        ? "an access key without a secret key"
        : "a secret key without an access key";
      return undefined;
    }
    const s = await call(host.method, "auth.login", { headers: { Authorization: authorization } });
    const out = factsOnly(s) as StepResult<LoginFacts>;
    if (s.value && out.value) {
      try {
        const json = JSON.parse(s.value.response.body) as { data?: { token?: unknown } };
        const token = json.data?.token;
        if (typeof token === "string") {
          const claims = tokenFacts(token);
          if (claims) out.value = { ...out.value, token: claims };
        }
      } catch {
        // not JSON: the facts say what it was
      }
    }
    return out;
  };

  const [info, getBody, loginResult] = await Promise.all([
    call("GET", "server.info").then(factsOnly),
    withBody("GET"),
    login(),
  ]);
  api.info = info;
  api.getBody = getBody;
  if (loginResult) auth.login = loginResult;
  if (!(getBody.ok && getBody.value?.status === 200 && getBody.value.echoed)) {
    api.postBody = await withBody("POST");
  }
}

async function probeTarget(target: TargetSpec, ctx: Ctx): Promise<HostProbe> {
  const url = urlFacts(target.url, target.role);
  const m = methodOf(target.resolution);
  const host: HostProbe = {
    role: target.role,
    consumers: target.consumers,
    url,
    ...(target.origin ? { origin: target.origin } : {}),
    method: m.method,
    ...(m.origin ? { methodOrigin: m.origin } : {}),
    proxy: {},
  };
  if (target.role === "api") {
    // Local facts: known even when the network steps stop early.
    host.api = { auth: authFacts(target.credentials ?? { mode: "none" }) };
  }
  if (!url.ok) {
    host.skipped = "the URL is not usable";
    return host;
  }
  const choice = chooseProxy(
    ctx.env,
    url.scheme!,
    url.hostname!,
    url.explicitPort ? url.port : undefined,
  );
  host.proxy = {
    ...(choice.url ? { url: maskUrlPassword(choice.url) } : {}),
    ...(choice.variable ? { variable: choice.variable } : {}),
    ...(choice.bypassEntry !== undefined ? { bypassEntry: choice.bypassEntry } : {}),
    ...(choice.bypassVariable ? { bypassVariable: choice.bypassVariable } : {}),
    ...(choice.unsupported ? { unsupported: choice.unsupported } : {}),
  };
  const proxy = choice.endpoint;
  const endpoint = endpointOf(url);
  const trust = endpoint.tls ? await buildTrust(target, ctx) : undefined;
  if (trust) host.trust = trust.facts;

  host.dns = await step(ctx, (signal) => lookupAll(url.hostname!, signal));
  if (!host.dns.ok && !proxy) {
    host.skipped = "the host name did not resolve";
    return host;
  }
  host.tcp = await step(ctx, async (signal) => {
    const socket = await tcpConnect(
      proxy?.host ?? endpoint.host,
      proxy?.port ?? endpoint.port,
      signal,
    );
    const facts: TcpFacts = {
      ...(socket.remoteAddress ? { address: socket.remoteAddress } : {}),
      port: proxy?.port ?? endpoint.port,
      via: proxy ? "proxy" : "direct",
    };
    socket.destroy();
    return facts;
  });
  if (!host.tcp.ok) {
    host.skipped = proxy
      ? "the proxy did not accept a connection"
      : "the port did not accept a connection";
    return host;
  }
  const opts: ConnectOptions = { target: endpoint, ...(proxy ? { proxy } : {}) };
  if (trust) {
    const tls = await loadTls();
    host.tls = await step(ctx, async (signal) => {
      // Always an explicit CA list: on the runtime's shared default context, Deno resumes an
      // earlier session and then reports it as verified.
      const facts = await handshake(
        { ...opts, ca: trust.ca ?? [...tls.rootCertificates] },
        url.hostname!,
        signal,
      );
      if (!facts.authorized && trust.replacesDefault) {
        const other = await handshake(
          { ...opts, ca: [...tls.rootCertificates] },
          url.hostname!,
          signal,
        );
        facts.defaultStore = {
          authorized: other.authorized,
          ...(other.authorizationError ? { error: other.authorizationError } : {}),
        };
      }
      return facts;
    });
    if (!host.tls.ok) {
      host.skipped = "the TLS handshake did not complete";
      return host;
    }
  }
  if (target.role === "api") {
    await probeApi(target.credentials ?? { mode: "none" }, host.api!, host, opts, ctx);
  } else {
    host.http = await step(ctx, async (signal) =>
      describeResponse(
        await httpRequest(opts, {
          method: "GET",
          path: `${url.path}/`,
          headers: { Accept: "*/*", "User-Agent": `clearml-doctor/${VERSION}` },
        }, signal),
      ));
  }
  return host;
}

/** A host with its URL facts only, and why nothing else was probed. */
function unprobed(t: TargetSpec, skipped: string): HostProbe {
  return {
    role: t.role,
    consumers: t.consumers,
    url: urlFacts(t.url, t.role),
    ...(t.origin ? { origin: t.origin } : {}),
    method: methodOf(t.resolution).method,
    proxy: {},
    skipped,
  };
}

export async function probeServer(
  input: DoctorInput,
  tools: ProbeTools,
  options: ServerProbeOptions = {},
): Promise<ServerSnapshot> {
  const where = options.where ??
    await detectContainer(input.env, nodeHostFacts(tools.stepTimeoutMs));
  const vars = proxyVariables(input.env).map((v) => ({
    name: v.name,
    value: maskUrlPassword(v.value),
  }));
  const snapshot: ServerSnapshot = {
    where,
    proxyVariables: vars,
    noProxyWarnings: noProxyWarnings(input.env["no_proxy"] || input.env["NO_PROXY"]),
    stepTimeoutMs: tools.stepTimeoutMs,
    budgetExhausted: false,
    targets: [],
    missing: [],
  };
  const offline = offlineReason(input);
  const plan = planTargets(input);
  snapshot.missing = plan.missing;
  if (offline) {
    // No network, but the URLs themselves are still checked (server.url).
    const targets = plan.targets.map((t) => unprobed(t, `offline: ${offline}`));
    return { ...snapshot, targets, offline };
  }
  const ctx: Ctx = {
    signal: tools.signal,
    stepMs: tools.stepTimeoutMs,
    env: input.env,
    cwd: input.cwd,
  };
  snapshot.targets = await Promise.all(
    plan.targets.map((t) =>
      // A bug in one host's probe must not hide the others.
      probeTarget(t, ctx).catch((e: unknown) =>
        unprobed(t, `the probe failed: ${e instanceof Error ? e.message : String(e)}`)
      )
    ),
  );
  snapshot.budgetExhausted = tools.signal.aborted;
  return snapshot;
}
