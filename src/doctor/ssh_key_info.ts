/**
 * Facts about ssh private keys that decide whether the agent's `ssh -oBatchMode=yes` can use
 * them, derived from the file's text without ever returning any of it. Pure.
 */
import { Buffer } from "node:buffer";

/** `id_rsa`, `id_ed25519`, `id_ecdsa_sk`…: the names ssh tries by default (not `.pub`). */
export function isDefaultKeyName(name: string): boolean {
  return /^id_[A-Za-z0-9_-]+$/.test(name);
}

/**
 * Whether the key needs a passphrase: PEM keys say `Proc-Type: 4,ENCRYPTED` or
 * `BEGIN ENCRYPTED PRIVATE KEY`; OpenSSH keys name their cipher (`none` when not encrypted).
 * Undefined when the text is not a private key we know.
 */
export function keyIsEncrypted(text: string): boolean | undefined {
  if (/-----BEGIN ENCRYPTED PRIVATE KEY-----/.test(text)) return true;
  if (/-----BEGIN (?:RSA |DSA |EC )?PRIVATE KEY-----/.test(text)) {
    return /Proc-Type:\s*4,ENCRYPTED/.test(text);
  }
  const m = /-----BEGIN OPENSSH PRIVATE KEY-----([\s\S]*?)-----END OPENSSH PRIVATE KEY-----/.exec(
    text,
  );
  if (!m) return undefined;
  const bytes = Buffer.from(m[1]!.replace(/\s+/g, ""), "base64");
  const magic = "openssh-key-v1\0";
  if (bytes.subarray(0, magic.length).toString("latin1") !== magic) return undefined;
  if (bytes.length < magic.length + 4) return undefined;
  const len = bytes.readUInt32BE(magic.length);
  const cipher = bytes.subarray(magic.length + 4, magic.length + 4 + len).toString("latin1");
  return cipher !== "none";
}

/** ssh ignores a private key that its group or others may read ("UNPROTECTED PRIVATE KEY FILE"). */
export function keyModeTooOpen(mode: number): boolean {
  return (mode & 0o077) !== 0;
}
