/**
 * A json-lines body of plain log events, checked without building an object per line: what an
 * agent uploads (server-api.md §2.34) is a batch of `{"type":"log","task":…,"timestamp":…,…}`
 * lines, and parsing each one only to serialise it again for storage cost more than storing it.
 *
 * `scanLogLines` accepts a body only when every non-blank line is a JSON object that
 * `JSON.parse` reads without error, with `type` exactly `"log"`, a non-empty `task` string without
 * escapes, and none of the fields that change how a log event is stored (`ts`, `metric`, `iter`,
 * `model`, `model_event`, `allow_locked`), none of them twice. Such a line is stored as its own
 * text: `JSON.parse` of it reads the same event as `JSON.parse(JSON.stringify(JSON.parse(line)))`.
 * That needs the UTF-8 valid (the decoder would replace bad bytes) and no number that overflows
 * (`1e999` is stored as `null` once parsed), so a body with an exponent in a number is left to the
 * full parser too. Anything else — other event types, a syntax error, a line that is not an
 * object — returns undefined, and the body takes the full parser's path with its exact errors.
 */

export interface LogLines {
  /** The body the lines are in. */
  bytes: Uint8Array;
  /** Per line, the object's first and one-past-last byte: `[start0, end0, start1, end1, …]`. */
  spans: number[];
  /** Per line, its `task`. */
  tasks: string[];
  /** Per line, its `timestamp` when that is a number; NaN when absent or not a number. */
  stamps: number[];
}

const QUOTE = 0x22;
const BACKSLASH = 0x5c;
const OPEN = 0x7b;
const CLOSE = 0x7d;
const LIST_OPEN = 0x5b;
const LIST_CLOSE = 0x5d;
const COLON = 0x3a;
const COMMA = 0x2c;
const NEWLINE = 0x0a;
const MINUS = 0x2d;
const DOT = 0x2e;
const ZERO = 0x30;

/** Nesting deeper than this inside one event goes to the full parser. */
const MAX_DEPTH = 64;
/** A longer number might overflow to Infinity (stored as `null` after a parse). */
const MAX_NUMBER = 300;

/** Bytes a string may hold as they are: printable ASCII but `"` and `\`. */
const PLAIN = new Uint8Array(256);
for (let c = 0x20; c < 0x80; c++) PLAIN[c] = c === QUOTE || c === BACKSLASH ? 0 : 1;

/** What may follow `\` in a JSON string (`u` and four hex digits checked apart). */
const ESCAPE = new Uint8Array(256);
for (const c of '"\\/bfnrtu') ESCAPE[c.charCodeAt(0)] = 1;

function isHex(c: number | undefined): boolean {
  return c !== undefined &&
    ((c >= 0x30 && c <= 0x39) || ((c | 0x20) >= 0x61 && (c | 0x20) <= 0x66));
}

function isDigit(c: number | undefined): boolean {
  return c !== undefined && c >= 0x30 && c <= 0x39;
}

function isSpace(c: number | undefined): boolean {
  return c === 0x20 || c === 0x09 || c === 0x0d;
}

function cont(c: number | undefined): boolean {
  return c !== undefined && (c & 0xc0) === 0x80;
}

/** The length of the well-formed UTF-8 sequence (of 2 to 4 bytes) at `i`, or 0. */
function utf8At(b: Uint8Array, i: number): number {
  const c = b[i]!;
  if (c >= 0xc2 && c <= 0xdf) return cont(b[i + 1]) ? 2 : 0;
  const c1 = b[i + 1];
  if (c1 === undefined || !cont(b[i + 2])) return 0;
  // the second byte's range rules out overlong forms, surrogates and code points past U+10FFFF
  if (c >= 0xe0 && c <= 0xef) {
    return (c === 0xe0 ? c1 >= 0xa0 : c === 0xed ? c1 <= 0x9f : true) && cont(c1) ? 3 : 0;
  }
  if (c >= 0xf0 && c <= 0xf4) {
    return (c === 0xf0 ? c1 >= 0x90 : c === 0xf4 ? c1 <= 0x8f : true) && cont(c1) &&
        cont(b[i + 3])
      ? 4
      : 0;
  }
  return 0;
}

/** JSON's whitespace but the newline that ends a line. */
function skipSpace(b: Uint8Array, i: number): number {
  while (isSpace(b[i])) i++;
  return i;
}

/** From just after an opening quote: the index of the closing quote, or -1. */
function stringEnd(b: Uint8Array, i: number): number {
  const n = b.length;
  for (;;) {
    while (i < n && PLAIN[b[i]!] === 1) i++;
    if (i >= n) return -1;
    const c = b[i]!;
    if (c === QUOTE) return i;
    if (c === BACKSLASH) {
      const e = b[i + 1];
      if (e === undefined || ESCAPE[e] !== 1) return -1;
      if (e === 0x75) {
        if (!(isHex(b[i + 2]) && isHex(b[i + 3]) && isHex(b[i + 4]) && isHex(b[i + 5]))) {
          return -1;
        }
        i += 6;
      } else i += 2;
      continue;
    }
    if (c < 0x80) return -1; // a control character
    const len = utf8At(b, i);
    if (!len) return -1;
    i += len;
  }
}

/** `stringEnd` for a string of printable ASCII without escapes (a key, a task id), else -1. */
function plainEnd(b: Uint8Array, i: number): number {
  const n = b.length;
  while (i < n && PLAIN[b[i]!] === 1) i++;
  return b[i] === QUOTE ? i : -1;
}

/** A number at `i` (no exponent, not too long): the index after it, or -1. */
function numberEnd(b: Uint8Array, i: number): number {
  const start = i;
  if (b[i] === MINUS) i++;
  if (b[i] === ZERO) i++;
  else if (isDigit(b[i])) { while (isDigit(b[i])) i++; }
  else return -1;
  if (b[i] === DOT) {
    i++;
    if (!isDigit(b[i])) return -1;
    while (isDigit(b[i])) i++;
  }
  const c = b[i];
  if (c === 0x65 || c === 0x45 || i - start > MAX_NUMBER) return -1;
  return i;
}

/** Whether the bytes at `i` spell `w` (ASCII). */
function spells(b: Uint8Array, i: number, w: string): boolean {
  for (let k = 0; k < w.length; k++) if (b[i + k] !== w.charCodeAt(k)) return false;
  return true;
}

/** Any JSON value at `i`: the index after it, or -1. */
function valueEnd(b: Uint8Array, i: number, depth: number): number {
  const c = b[i];
  if (c === QUOTE) {
    const end = stringEnd(b, i + 1);
    return end < 0 ? -1 : end + 1;
  }
  if (c === MINUS || isDigit(c)) return numberEnd(b, i);
  if (c === 0x74) return spells(b, i, "true") ? i + 4 : -1;
  if (c === 0x66) return spells(b, i, "false") ? i + 5 : -1;
  if (c === 0x6e) return spells(b, i, "null") ? i + 4 : -1;
  if (depth >= MAX_DEPTH) return -1;
  if (c === OPEN) {
    i = skipSpace(b, i + 1);
    if (b[i] === CLOSE) return i + 1;
    for (;;) {
      if (b[i] !== QUOTE) return -1;
      i = stringEnd(b, i + 1);
      if (i < 0) return -1;
      i = skipSpace(b, i + 1);
      if (b[i] !== COLON) return -1;
      i = valueEnd(b, skipSpace(b, i + 1), depth + 1);
      if (i < 0) return -1;
      i = skipSpace(b, i);
      if (b[i] === CLOSE) return i + 1;
      if (b[i] !== COMMA) return -1;
      i = skipSpace(b, i + 1);
    }
  }
  if (c === LIST_OPEN) {
    i = skipSpace(b, i + 1);
    if (b[i] === LIST_CLOSE) return i + 1;
    for (;;) {
      i = valueEnd(b, i, depth + 1);
      if (i < 0) return -1;
      i = skipSpace(b, i);
      if (b[i] === LIST_CLOSE) return i + 1;
      if (b[i] !== COMMA) return -1;
      i = skipSpace(b, i + 1);
    }
  }
  return -1;
}

const OTHER = 0;
const TYPE = 1;
const TASK = 2;
const TIMESTAMP = 3;
/** A key that makes a log event more than a line to store as sent. */
const SPECIAL = 4;

/** What the key of `len` bytes at `k` is to a log event. */
function keyKind(b: Uint8Array, k: number, len: number): number {
  switch (len) {
    case 2:
      return spells(b, k, "ts") ? SPECIAL : OTHER;
    case 4:
      return spells(b, k, "type")
        ? TYPE
        : spells(b, k, "task")
        ? TASK
        : spells(b, k, "iter")
        ? SPECIAL
        : OTHER;
    case 5:
      return spells(b, k, "model") ? SPECIAL : OTHER;
    case 6:
      return spells(b, k, "metric") ? SPECIAL : OTHER;
    case 9:
      return spells(b, k, "timestamp") ? TIMESTAMP : OTHER;
    case 11:
      return spells(b, k, "model_event") ? SPECIAL : OTHER;
    case 12:
      return spells(b, k, "allow_locked") ? SPECIAL : OTHER;
  }
  return OTHER;
}

const decoder = new TextDecoder();

/** The value of the (valid) number between `from` and `to`, as `JSON.parse` reads it. */
function numberAt(b: Uint8Array, from: number, to: number): number {
  if (to - from <= 15) {
    // up to 15 digits an integer is exact in a double, as JSON.parse reads it
    let v = 0;
    let k = b[from] === MINUS ? from + 1 : from;
    for (; k < to; k++) {
      const c = b[k]!;
      if (c < ZERO) break;
      v = v * 10 + (c - ZERO);
    }
    if (k === to) return b[from] === MINUS ? -v : v;
  }
  return Number(String.fromCharCode(...b.subarray(from, to)));
}

/** The log lines of a json-lines body, or undefined when the full parser must read it. */
export function scanLogLines(b: Uint8Array): LogLines | undefined {
  const n = b.length;
  const out: LogLines = { bytes: b, spans: [], tasks: [], stamps: [] };
  // the task of the previous line, kept to reuse its string
  let taskAt = -1;
  let taskLen = 0;
  let task = "";
  let i = 0;
  while (i < n) {
    i = skipSpace(b, i);
    if (i >= n) break;
    if (b[i] === NEWLINE) {
      i++;
      continue;
    }
    if (b[i] !== OPEN) return undefined;
    const start = i;
    let hasType = false;
    let taskFound = false;
    let stampFound = false;
    let stamp = NaN;
    i = skipSpace(b, i + 1);
    for (;;) {
      if (b[i] !== QUOTE) return undefined;
      const k = i + 1;
      i = plainEnd(b, k);
      if (i < 0) return undefined;
      const len = i - k;
      i++;
      if (b[i] !== COLON) i = skipSpace(b, i);
      if (b[i] !== COLON) return undefined;
      i++;
      if (isSpace(b[i])) i = skipSpace(b, i);
      const kind = keyKind(b, k, len);
      if (kind === TYPE) {
        // exactly "log"
        if (hasType || !spells(b, i, '"log"')) return undefined;
        hasType = true;
        i += 5;
      } else if (kind === TASK) {
        if (taskFound || b[i] !== QUOTE) return undefined;
        const v = i + 1;
        i = plainEnd(b, v);
        if (i <= v) return undefined;
        const vlen = i - v;
        let same = vlen === taskLen;
        for (let x = 0; same && x < vlen; x++) same = b[v + x] === b[taskAt + x];
        if (!same) {
          task = decoder.decode(b.subarray(v, i));
          taskAt = v;
          taskLen = vlen;
        }
        taskFound = true;
        i++;
      } else if (kind === TIMESTAMP) {
        if (stampFound) return undefined;
        stampFound = true;
        const v = i;
        i = valueEnd(b, i, 0);
        if (i < 0) return undefined;
        const c = b[v];
        if (c === MINUS || isDigit(c)) stamp = numberAt(b, v, i);
      } else if (kind === SPECIAL) {
        return undefined;
      } else {
        i = valueEnd(b, i, 0);
        if (i < 0) return undefined;
      }
      if (isSpace(b[i])) i = skipSpace(b, i);
      if (b[i] === CLOSE) break;
      if (b[i] !== COMMA) return undefined;
      i++;
      if (isSpace(b[i])) i = skipSpace(b, i);
    }
    const end = i + 1;
    i = skipSpace(b, end);
    if (i < n && b[i] !== NEWLINE) return undefined;
    if (!hasType || !taskFound) return undefined;
    out.spans.push(start, end);
    out.tasks.push(task);
    out.stamps.push(stamp);
  }
  return out.tasks.length ? out : undefined;
}
