/**
 * Strict UTF-8 for configuration files: the SDK and the agent read `clearml.conf` as UTF-8 and
 * stop with `UnicodeDecodeError` on the first byte that is not; reading it with replacement
 * characters instead would hide the problem (`café` becoming `caf\uFFFD`).
 */

export type Decoded = { ok: true; text: string } | { ok: false; error: string };

/** Offset of the first byte that does not belong to well-formed UTF-8, or -1. */
function firstInvalid(b: Uint8Array): number {
  let i = 0;
  while (i < b.length) {
    const c = b[i]!;
    if (c < 0x80) {
      i++;
      continue;
    }
    let need: number;
    let lo = 0x80;
    let hi = 0xbf;
    if (c >= 0xc2 && c <= 0xdf) need = 1;
    else if (c >= 0xe0 && c <= 0xef) {
      need = 2;
      if (c === 0xe0) lo = 0xa0;
      if (c === 0xed) hi = 0x9f; // no surrogates
    } else if (c >= 0xf0 && c <= 0xf4) {
      need = 3;
      if (c === 0xf0) lo = 0x90;
      if (c === 0xf4) hi = 0x8f;
    } else return i;
    for (let k = 1; k <= need; k++) {
      const d = b[i + k];
      // Python reports the lead byte whose sequence is broken or cut short.
      if (d === undefined || d < (k === 1 ? lo : 0x80) || d > (k === 1 ? hi : 0xbf)) return i;
    }
    i += need + 1;
  }
  return -1;
}

/** Decode `bytes` of the file `path`; the error names the file, the line and the byte. */
export function decodeUtf8(bytes: Uint8Array, path: string): Decoded {
  // The runtime's strict decoder rejects exactly the ill-formed sequences firstInvalid finds
  // (WHATWG UTF-8 = Unicode's well-formed table), natively; the scan only locates the byte.
  try {
    return { ok: true, text: new TextDecoder("utf-8", { fatal: true }).decode(bytes) };
  } catch { /* located below */ }
  const at = firstInvalid(bytes);
  if (at < 0) return { ok: true, text: new TextDecoder("utf-8").decode(bytes) };
  let line = 1;
  let lineStart = 0;
  for (let i = 0; i < at; i++) {
    if (bytes[i] === 0x0a) {
      line++;
      lineStart = i + 1;
    }
  }
  const hex = bytes[at]!.toString(16).padStart(2, "0");
  return {
    ok: false,
    error:
      `${path}:${line}: byte 0x${hex} (byte ${at - lineStart + 1} of the line, offset ${at}) ` +
      "is not UTF-8; expected a UTF-8 file: the SDK and the agent stop here with " +
      "UnicodeDecodeError. Re-save the file as UTF-8 (e.g. iconv -f latin1 -t utf-8)",
  };
}
