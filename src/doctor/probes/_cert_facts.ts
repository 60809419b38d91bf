/** Certificate facts from a TLS peer certificate: names, validity, self-signed. Pure. */
import type * as tls from "node:tls";
import type { CertFacts } from "./server_snapshot.ts";

export function formatName(name: unknown): string {
  if (!name || typeof name !== "object") return "";
  return Object.entries(name as Record<string, unknown>)
    .map(([k, v]) => `${k}=${Array.isArray(v) ? v.join("+") : String(v)}`)
    .join(", ");
}

const MONTHS = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"];

/** OpenSSL's `Nov 24 13:24:05 2026 GMT`. */
export function parseCertDate(text: string): number {
  const m = /^(\w{3}) +(\d{1,2}) (\d{2}):(\d{2}):(\d{2}) (\d{4}) GMT$/.exec(text.trim());
  if (m) {
    const month = MONTHS.indexOf(m[1]!);
    if (month >= 0) {
      return Date.UTC(Number(m[6]), month, Number(m[2]), Number(m[3]), Number(m[4]), Number(m[5]));
    }
  }
  return Date.parse(text);
}

export function certFacts(cert: tls.PeerCertificate, now: number): CertFacts {
  const subject = formatName(cert.subject);
  const issuer = formatName(cert.issuer);
  const to = parseCertDate(cert.valid_to);
  return {
    subject,
    issuer,
    validFrom: cert.valid_from,
    validTo: cert.valid_to,
    daysLeft: Number.isNaN(to) ? 0 : Math.floor((to - now) / 86_400_000),
    selfSigned: subject === issuer,
    ...(cert.subjectaltname ? { subjectAltName: cert.subjectaltname } : {}),
    ...(cert.fingerprint256 ? { fingerprint256: cert.fingerprint256 } : {}),
  };
}
