/**
 * The key pair of a local server: fixed by flags or CLEARML_API_ACCESS_KEY/SECRET_KEY, otherwise
 * generated on first start (in the real server's shapes: a 30-character upper-case access key,
 * a 50-character secret).
 */
import type { KeyPair, Store } from "./store.ts";
import { UsageError } from "../errors.ts";

const UPPER = "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789";
const MIXED = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";

function randomText(alphabet: string, n: number): string {
  const bytes = crypto.getRandomValues(new Uint8Array(n * 2));
  let out = "";
  for (const b of bytes) {
    if (b >= 256 - (256 % alphabet.length)) continue; // no modulo bias
    out += alphabet[b % alphabet.length];
    if (out.length === n) break;
  }
  return out.length === n ? out : out + randomText(alphabet, n - out.length);
}

export function generateKeyPair(): KeyPair {
  return { accessKey: randomText(UPPER, 30), secretKey: randomText(MIXED, 50) };
}

export interface FixedKeys {
  accessKey?: string;
  secretKey?: string;
  /** Where each came from, for error messages (`--access-key`, `CLEARML_API_ACCESS_KEY`). */
  accessFrom: string;
  secretFrom: string;
}

export interface CredentialsOutcome {
  pair: KeyPair;
  /** The pair was generated now (print it once). */
  generated: boolean;
}

/** Fix the pair if one is given, generate one on first start, else keep the stored one. */
export function ensureCredentials(store: Store, fixed: FixedKeys): CredentialsOutcome {
  const { accessKey, secretKey } = fixed;
  if (accessKey !== undefined || secretKey !== undefined) {
    if (!accessKey) {
      throw new UsageError(`${fixed.secretFrom} is set but ${fixed.accessFrom} is not: give both`);
    }
    if (!secretKey) {
      throw new UsageError(`${fixed.accessFrom} is set but ${fixed.secretFrom} is not: give both`);
    }
    const pair = { accessKey, secretKey };
    const stored = store.credentials();
    if (
      stored.length !== 1 || stored[0]!.accessKey !== accessKey ||
      stored[0]!.secretKey !== secretKey
    ) {
      store.setCredentials(pair);
    }
    return { pair, generated: false };
  }
  const stored = store.credentials()[0];
  if (stored) return { pair: stored, generated: false };
  const pair = generateKeyPair();
  store.setCredentials(pair);
  return { pair, generated: true };
}
