/**
 * Which certificates a client trusts for an https server: a CA bundle from the verify setting
 * (a path in `api.verify_certificate`) or from REQUESTS_CA_BUNDLE / CURL_CA_BUNDLE / SSL_CERT_FILE
 * replaces the default store, as Python `requests` does; NODE_EXTRA_CA_CERTS adds to it.
 * Reads the files; everything else is data.
 */
import { readdir, readFile, stat } from "node:fs/promises";
import { isAbsolute, join, resolve as resolvePath } from "node:path";
import { formatOrigin } from "../settings/tree.ts";
import type { VerifySetting } from "./settings.ts";

// Loaded on first use: a static import of node:tls would cost every command at startup.
const loadTls = () => import("node:tls");

export interface CaFile {
  path: string;
  /** Where the path came from (variable name or formatted origin). */
  source: string;
  certs?: number;
  error?: string;
}

export interface Trust {
  verify: boolean;
  /** A CA bundle that replaces the default store. */
  bundle?: CaFile;
  /** NODE_EXTRA_CA_CERTS: added to the store. */
  extra?: CaFile;
  /** The CA list for verification (undefined: the runtime's default store). */
  ca?: string[];
  /** A bundle replaced the default store. */
  replacesDefault: boolean;
}

/** The PEM certificates in a file or a hashed-certificate directory. */
export async function readPems(
  path: string,
  cwd: string,
): Promise<{ pems: string[]; error?: string }> {
  const full = isAbsolute(path) ? path : resolvePath(cwd, path);
  const hint = path.startsWith("~") ? " (~ is not expanded here)" : "";
  try {
    const info = await stat(full);
    const files = info.isDirectory()
      ? (await readdir(full)).filter((f) => /\.(pem|crt|cer)$|^[0-9a-f]{8}\.\d+$/i.test(f))
        .map((f) => join(full, f))
      : [full];
    const pems: string[] = [];
    for (const f of files) {
      const text = await readFile(f, "utf8");
      for (
        const m of text.matchAll(/-----BEGIN CERTIFICATE-----[\s\S]*?-----END CERTIFICATE-----/g)
      ) {
        pems.push(m[0]);
      }
    }
    return pems.length ? { pems } : { pems, error: "holds no PEM certificate" };
  } catch (e: unknown) {
    const code = (e as { code?: string }).code;
    return {
      pems: [],
      error: code === "ENOENT" ? `does not exist${hint}` : `cannot be read (${code ?? String(e)})`,
    };
  }
}

export async function trustFor(
  v: VerifySetting,
  env: Readonly<Record<string, string>>,
  cwd: string,
): Promise<Trust> {
  let bundle: CaFile | undefined;
  if (v.path !== undefined) {
    bundle = { path: v.path, source: v.origin ? formatOrigin(v.origin) : "api.verify_certificate" };
  } else {
    for (const name of ["REQUESTS_CA_BUNDLE", "CURL_CA_BUNDLE", "SSL_CERT_FILE"]) {
      const value = env[name]?.trim();
      if (value) {
        bundle = { path: value, source: `env ${name}` };
        break;
      }
    }
  }
  const trust: Trust = { verify: v.verify, replacesDefault: bundle !== undefined };
  if (bundle) {
    const r = await readPems(bundle.path, cwd);
    bundle.certs = r.pems.length;
    if (r.error) bundle.error = r.error;
    trust.ca = r.pems;
    trust.bundle = bundle;
  }
  const extraPath = env["NODE_EXTRA_CA_CERTS"]?.trim();
  if (extraPath) {
    const extra: CaFile = { path: extraPath, source: "env NODE_EXTRA_CA_CERTS" };
    const r = await readPems(extraPath, cwd);
    extra.certs = r.pems.length;
    if (r.error) extra.error = r.error;
    trust.extra = extra;
    if (r.pems.length) trust.ca = [...(trust.ca ?? (await loadTls()).rootCertificates), ...r.pems];
  }
  return trust;
}
