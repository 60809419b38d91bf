/**
 * A streaming reader of `multipart/form-data` (RFC 7578 over RFC 2046): it yields each part's
 * headers, then the part's bytes as they arrive, so that a file of any size passes through in
 * bounded memory. Anything that is not well-formed multipart ends in a `FilesError` 400.
 */
import { FilesError } from "./files_error.ts";

export type MultipartEvent =
  | { kind: "part"; headers: Map<string, string> }
  | { kind: "data"; bytes: Uint8Array }
  | { kind: "end" };

const MAX_HEADER_BYTES = 16 * 1024;
const MAX_PREAMBLE_BYTES = 64 * 1024;
const CRLF = Buffer.from("\r\n");
const findHeadersEnd = byteFinder(Buffer.from("\r\n\r\n"));

/**
 * A search for `needle` (Boyer-Moore-Horspool: a 34-byte boundary skips ~34 bytes a step);
 * Deno's `Buffer#indexOf` of a sequence is many times slower.
 */
export function byteFinder(needle: Uint8Array): (hay: Uint8Array) => number {
  const m = needle.length;
  const skip = new Int32Array(256).fill(m);
  for (let i = 0; i < m - 1; i++) skip[needle[i]!] = m - 1 - i;
  const last = needle[m - 1]!;
  return (hay) => {
    const end = hay.length - m;
    for (let i = 0; i <= end;) {
      const c = hay[i + m - 1]!;
      if (c === last) {
        let j = m - 2;
        while (j >= 0 && hay[i + j] === needle[j]) j--;
        if (j < 0) return i;
      }
      i += skip[c]!;
    }
    return -1;
  };
}

/** The first `needle` in `hay`, or -1. */
export function findBytes(hay: Uint8Array, needle: Uint8Array): number {
  return byteFinder(needle)(hay);
}

function malformed(why: string): never {
  throw new FilesError(400, `Malformed multipart body: ${why}`);
}

/** `key=value` parameters after the first `;` of a header value; `key*` (RFC 5987) decoded. */
export function headerParams(value: string): Map<string, string> {
  const params = new Map<string, string>();
  let i = value.indexOf(";");
  while (i >= 0 && i < value.length) {
    i++;
    while (value[i] === " " || value[i] === "\t") i++;
    const eq = value.indexOf("=", i);
    if (eq < 0) break;
    const key = value.slice(i, eq).trim().toLowerCase();
    let j = eq + 1;
    let v = "";
    if (value[j] === '"') {
      j++;
      // as werkzeug: only `\\` and `\"` are escapes (clients send a path's `\` as it is)
      while (j < value.length && value[j] !== '"') {
        if (value[j] === "\\" && (value[j + 1] === '"' || value[j + 1] === "\\")) j++;
        v += value[j];
        j++;
      }
      j = value.indexOf(";", j);
    } else {
      const end = value.indexOf(";", j);
      v = value.slice(j, end < 0 ? undefined : end).trim();
      j = end;
    }
    if (key.endsWith("*")) {
      const m = /^([\w!#$%&+^`{}~-]*)'[^']*'(.*)$/.exec(v);
      try {
        if (m && (m[1]!.toLowerCase() === "utf-8" || m[1] === "")) {
          params.set(key.slice(0, -1), decodeURIComponent(m[2]!));
        }
      } catch { /* an undecodable extended value: keep the plain one */ }
    } else if (!params.has(key)) params.set(key, v);
    i = j;
  }
  return params;
}

/** The boundary of a `multipart/form-data` content type, or a 400 saying what is wrong. */
export function boundaryOf(contentType: string | null): string {
  if (!contentType) malformed("no Content-Type (expected multipart/form-data; boundary=…)");
  const type = contentType.split(";")[0]!.trim().toLowerCase();
  if (type !== "multipart/form-data") {
    malformed(`Content-Type is ${type || "empty"} (expected multipart/form-data)`);
  }
  const b = headerParams(contentType).get("boundary");
  if (!b) malformed("the Content-Type has no boundary");
  if (b.length > 200) malformed("the boundary is longer than 200 characters");
  return b;
}

function parseHeaders(block: Buffer): Map<string, string> {
  const headers = new Map<string, string>();
  let last = "";
  for (const line of block.toString("utf8").split("\r\n")) {
    if (line === "") continue;
    if ((line[0] === " " || line[0] === "\t") && last) {
      headers.set(last, `${headers.get(last)} ${line.trim()}`);
      continue;
    }
    const colon = line.indexOf(":");
    if (colon <= 0) malformed(`a part header line without a name: ${JSON.stringify(line)}`);
    last = line.slice(0, colon).trim().toLowerCase();
    headers.set(last, line.slice(colon + 1).trim());
  }
  return headers;
}

/** The events of a multipart body; throws `FilesError` 400 when it is not well-formed. */
export async function* readMultipart(
  body: AsyncIterable<Uint8Array>,
  boundary: string,
): AsyncGenerator<MultipartEvent> {
  const delim = Buffer.from(`\r\n--${boundary}`);
  const findDelim = byteFinder(delim);
  const keep = delim.byteLength - 1;
  // a leading CRLF lets the first delimiter, which has none, match like the others
  let buf: Buffer = Buffer.from(CRLF);
  let state: "preamble" | "delimiter" | "headers" | "body" | "done" = "preamble";
  let skipped = 0;
  let input = 0;
  for await (const chunk of body) {
    input += chunk.byteLength;
    if (state === "done") continue; // the epilogue is ignored
    const view = Buffer.from(chunk.buffer, chunk.byteOffset, chunk.byteLength);
    if (state === "body" && buf.byteLength <= keep && chunk.byteLength > 2 * keep) {
      // the usual case inside a file: unless a delimiter starts in the few bytes held back,
      // hand those out and go on in the new chunk itself, without copying it onto them
      const seam = Buffer.concat([buf, view.subarray(0, keep)]);
      const at = findDelim(seam);
      if (at < 0 || at >= buf.byteLength) {
        if (buf.byteLength) yield { kind: "data", bytes: buf };
        buf = view;
      } else buf = Buffer.concat([buf, view]);
    } else buf = buf.byteLength ? Buffer.concat([buf, view]) : view;
    for (;;) {
      if (state === "preamble") {
        const at = findDelim(buf);
        if (at < 0) {
          skipped += Math.max(0, buf.byteLength - keep);
          if (skipped > MAX_PREAMBLE_BYTES) malformed("no boundary line where one was expected");
          buf = buf.subarray(Math.max(0, buf.byteLength - keep));
          break;
        }
        buf = buf.subarray(at + delim.byteLength);
        state = "delimiter";
      } else if (state === "delimiter") {
        // after a boundary: `--` closes the body, else optional padding and a CRLF start a part
        if (buf.byteLength < 2) break;
        if (buf[0] === 0x2d && buf[1] === 0x2d) {
          state = "done";
          buf = Buffer.alloc(0);
          break;
        }
        let i = 0;
        while (i < buf.byteLength && (buf[i] === 0x20 || buf[i] === 0x09)) i++;
        if (i + 2 > buf.byteLength) {
          if (i > 1024) malformed("a boundary line that does not end");
          break;
        }
        if (buf[i] !== 0x0d || buf[i + 1] !== 0x0a) {
          malformed("a boundary line followed by something other than a line end");
        }
        buf = buf.subarray(i + 2);
        state = "headers";
      } else if (state === "headers") {
        let end: number;
        let skip: number;
        if (buf.byteLength >= 2 && buf[0] === 0x0d && buf[1] === 0x0a) {
          end = 0; // a part with no headers
          skip = 2;
        } else {
          end = findHeadersEnd(buf);
          skip = 4;
        }
        if (end < 0) {
          if (buf.byteLength > MAX_HEADER_BYTES) {
            malformed(`part headers longer than ${MAX_HEADER_BYTES} bytes`);
          }
          break;
        }
        if (end > MAX_HEADER_BYTES) malformed(`part headers longer than ${MAX_HEADER_BYTES} bytes`);
        const headers = parseHeaders(buf.subarray(0, end));
        buf = buf.subarray(end + skip);
        state = "body";
        yield { kind: "part", headers };
      } else if (state === "body") {
        const at = findDelim(buf);
        if (at < 0) {
          if (buf.byteLength > keep) {
            const out = buf.subarray(0, buf.byteLength - keep);
            buf = buf.subarray(buf.byteLength - keep);
            yield { kind: "data", bytes: out };
          }
          break;
        }
        if (at > 0) yield { kind: "data", bytes: buf.subarray(0, at) };
        buf = buf.subarray(at + delim.byteLength);
        state = "delimiter";
        yield { kind: "end" };
      } else break;
    }
  }
  if (state !== "done") {
    malformed(
      input === 0
        ? "the body is empty"
        : "the body ended before the closing boundary (an upload cut short?)",
    );
  }
}
