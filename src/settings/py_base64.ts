/**
 * CPython 3.11 `base64.b64decode(s).decode("utf-8")`, the SDK's `base64_to_text` converter
 * (`CLEARML_VCS_STATUS`, `CLEARML_VCS_DIFF`). Non-validating mode: characters outside the
 * standard alphabet are discarded (whitespace, `-`, `_`), decoding stops at the first complete
 * padding, and a missing padding is an error. The bytes must then be strict UTF-8.
 * Errors throw with CPython's message text.
 */

const ALPHABET = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
/** Each alphabet character's value, built on first use rather than at every start. */
let values: Map<string, number> | undefined;
function valueMap(): Map<string, number> {
  if (values === undefined) {
    values = new Map();
    for (let i = 0; i < ALPHABET.length; i++) values.set(ALPHABET[i]!, i);
  }
  return values;
}

/** `binascii.a2b_base64(s, strict_mode=False)`. */
export function pyB64decode(s: string): Uint8Array {
  for (const ch of s) {
    if (ch.codePointAt(0)! > 0x7f) {
      throw new Error("string argument should contain only ASCII characters");
    }
  }
  const value = valueMap();
  const out: number[] = [];
  let quadPos = 0;
  let left = 0;
  let pads = 0;
  for (const ch of s) {
    if (ch === "=") {
      // Padding ends the data once it completes a quad; a stray `=` is skipped.
      if (quadPos >= 2 && quadPos + ++pads >= 4) return Uint8Array.from(out);
      continue;
    }
    const v = value.get(ch);
    if (v === undefined) continue;
    pads = 0;
    switch (quadPos) {
      case 0:
        left = v;
        quadPos = 1;
        break;
      case 1:
        out.push(((left << 2) | (v >> 4)) & 0xff);
        left = v & 0x0f;
        quadPos = 2;
        break;
      case 2:
        out.push(((left << 4) | (v >> 2)) & 0xff);
        left = v & 0x03;
        quadPos = 3;
        break;
      default:
        out.push(((left << 6) | v) & 0xff);
        left = 0;
        quadPos = 0;
    }
  }
  if (quadPos === 1) {
    const chars = Math.floor(out.length / 3) * 4 + 1;
    throw new Error(
      `Invalid base64-encoded string: number of data characters (${chars}) cannot be 1 more than a multiple of 4`,
    );
  }
  if (quadPos !== 0) throw new Error("Incorrect padding");
  return Uint8Array.from(out);
}

function byteHex(b: number): string {
  return "0x" + b.toString(16).padStart(2, "0");
}

function utf8Error(bytes: Uint8Array, start: number, end: number, reason: string): Error {
  const what = end - start === 1
    ? `byte ${byteHex(bytes[start]!)} in position ${start}`
    : `bytes in position ${start}-${end - 1}`;
  return new Error(`'utf-8' codec can't decode ${what}: ${reason}`);
}

/** Strict UTF-8 decoding; the first error is reported the way CPython words it. */
export function pyUtf8Decode(bytes: Uint8Array): string {
  let i = 0;
  while (i < bytes.length) {
    const b = bytes[i]!;
    let need: number;
    let lo = 0x80;
    let hi = 0xbf;
    if (b < 0x80) {
      i++;
      continue;
    } else if (b >= 0xc2 && b <= 0xdf) need = 1;
    else if (b >= 0xe0 && b <= 0xef) {
      need = 2;
      if (b === 0xe0) lo = 0xa0;
      if (b === 0xed) hi = 0x9f;
    } else if (b >= 0xf0 && b <= 0xf4) {
      need = 3;
      if (b === 0xf0) lo = 0x90;
      if (b === 0xf4) hi = 0x8f;
    } else throw utf8Error(bytes, i, i + 1, "invalid start byte");
    // Valid continuation bytes so far; the first one has the tighter range.
    let n = 0;
    while (n < need && i + 1 + n < bytes.length) {
      const c = bytes[i + 1 + n]!;
      const ok = n === 0 ? c >= lo && c <= hi : c >= 0x80 && c <= 0xbf;
      if (!ok) throw utf8Error(bytes, i, i + 1 + n, "invalid continuation byte");
      n++;
    }
    if (n < need) throw utf8Error(bytes, i, bytes.length, "unexpected end of data");
    i += 1 + need;
  }
  return new TextDecoder("utf-8", { fatal: true, ignoreBOM: true }).decode(bytes);
}

/** `base64.b64decode(s).decode("utf-8")` as the SDK's `base64_to_text` runs it. */
export function pyB64decodeText(s: string): string {
  return pyUtf8Decode(pyB64decode(s));
}
