/**
 * The server probe's network steps: each step with its own timeout inside the run's budget, DNS
 * lookups, the TLS handshake facts, and the trust (CA files) the client would use.
 */
import type * as tls from "node:tls";
import { deadline, StepTimeout } from "./_deadline.ts";
import { type ConnectOptions, openChannel, ProxyRefused } from "../../runtime/http.ts";
import { trustFor } from "../../api/trust.ts";
import { verifySetting } from "../../api/settings.ts";
import { certFacts, formatName } from "./_cert_facts.ts";
import type { CertFacts, DnsFacts, StepResult, TlsFacts, TrustFacts } from "./server_snapshot.ts";
import type { TargetSpec } from "./server_targets.ts";

// Loaded on first use: static imports of node:dns/node:tls would cost every command at startup.
const loadTls = () => import("node:tls");

export interface Ctx {
  signal: AbortSignal;
  stepMs: number;
  env: Readonly<Record<string, string>>;
  cwd: string;
}

const ERRNO_TEXT: Record<string, string> = {
  ENOTFOUND: "the name does not resolve",
  EAI_AGAIN: "temporary DNS failure",
  EAI_NONAME: "the name does not resolve",
  ECONNREFUSED: "connection refused: nothing listens on that port",
  ECONNRESET: "the connection was reset",
  EHOSTUNREACH: "no route to the host",
  ENETUNREACH: "the network is unreachable",
  ETIMEDOUT: "the connection timed out",
  EPIPE: "the peer closed the connection",
  ERR_SSL_WRONG_VERSION_NUMBER: "TLS handshake failed: is this port plain HTTP?",
  EPROTO: "TLS handshake failed",
};

export async function step<T>(
  ctx: Ctx,
  fn: (signal: AbortSignal) => Promise<T>,
): Promise<StepResult<T>> {
  const t0 = performance.now();
  const d = deadline(ctx.signal, ctx.stepMs);
  const ms = () => Math.round(performance.now() - t0);
  try {
    const value = await fn(d.signal);
    return { ok: true, ms: ms(), value };
  } catch (e: unknown) {
    if (e instanceof StepTimeout) {
      return { ok: false, ms: ms(), timedOut: true, budget: e.budget, error: e.message };
    }
    if (e instanceof ProxyRefused) {
      return { ok: false, ms: ms(), code: "PROXY_REFUSED", error: e.message };
    }
    const err = e as { code?: unknown; message?: unknown };
    const code = typeof err.code === "string" ? err.code : undefined;
    const message = String(err.message ?? e);
    const human = code && ERRNO_TEXT[code] ? `${ERRNO_TEXT[code]} (${code})` : message;
    return { ok: false, ms: ms(), ...(code ? { code } : {}), error: human };
  } finally {
    d.clear();
  }
}

export function lookupAll(hostname: string, signal: AbortSignal): Promise<DnsFacts> {
  return new Promise((resolve, reject) => {
    const onAbort = () => reject(signal.reason);
    if (signal.aborted) return onAbort();
    signal.addEventListener("abort", onAbort, { once: true });
    import("node:dns").then((dns) =>
      dns.lookup(hostname, { all: true }, (err, addresses) => {
        signal.removeEventListener("abort", onAbort);
        if (err) reject(err);
        else {
          resolve({ addresses: addresses.map((a) => ({ address: a.address, family: a.family })) });
        }
      }), reject);
  });
}

export interface Trust {
  facts: TrustFacts;
  /** The CA list for verification (undefined: the runtime's default store). */
  ca?: string[];
  /** A bundle replaced the default store. */
  replacesDefault: boolean;
}

export async function buildTrust(target: TargetSpec, ctx: Ctx): Promise<Trust> {
  const v = verifySetting(target.resolution, target.role);
  const t = await trustFor(v, ctx.env, ctx.cwd);
  const facts: TrustFacts = {
    verify: v.verify,
    verifyText: v.text,
    ...(v.origin ? { verifyOrigin: v.origin } : {}),
    ...(v.scopeNote ? { scopeNote: v.scopeNote } : {}),
    ...(t.bundle ? { bundle: t.bundle } : {}),
    ...(t.extra ? { extra: t.extra } : {}),
  };
  return { facts, ...(t.ca ? { ca: t.ca } : {}), replacesDefault: t.replacesDefault };
}

export async function handshake(
  opts: ConnectOptions,
  hostname: string,
  signal: AbortSignal,
): Promise<TlsFacts> {
  const channel = await openChannel(opts, signal);
  const s = channel.tlsSocket!;
  try {
    const now = Date.now();
    const tls = await loadTls();
    const leaf = s.getPeerCertificate(true) as tls.DetailedPeerCertificate;
    const chain: CertFacts[] = [];
    const seen = new Set<string>();
    let cert: tls.DetailedPeerCertificate | undefined = leaf && leaf.subject ? leaf : undefined;
    while (cert && chain.length < 10) {
      const id = cert.fingerprint256 ?? `${formatName(cert.subject)}|${cert.serialNumber}`;
      if (seen.has(id)) break;
      seen.add(id);
      chain.push(certFacts(cert, now));
      const next: tls.DetailedPeerCertificate | undefined = cert.issuerCertificate;
      cert = next && next.subject ? next : undefined;
    }
    const identity = leaf && leaf.subject ? tls.checkServerIdentity(hostname, leaf) : undefined;
    const error = s.authorizationError;
    return {
      protocol: s.getProtocol() ?? undefined,
      authorized: s.authorized,
      ...(error ? { authorizationError: String((error as { code?: string }).code ?? error) } : {}),
      ...(identity ? { hostnameError: identity.message } : {}),
      chain,
    };
  } finally {
    s.destroy();
  }
}
