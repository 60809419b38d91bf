/** A files app over a fresh data dir, and multipart bodies shaped as the SDK's uploads. */
import { mkdtempSync, readdirSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { Hono } from "hono";
import { createFilesApp } from "../../src/server/files/app.ts";
import { RAW_PATH_HEADER } from "../../src/server/bridge.ts";
import {
  type FilesPlaces,
  filesPlaces,
  prepareFilesPlaces,
} from "../../src/server/files/places.ts";

export const TOKEN = "good-token";
export const BASE = "http://files.test";

export interface FilesFixture {
  app: Hono;
  dir: string;
  places: FilesPlaces;
  logs: string[];
  done: () => void;
}

export function filesFixture(maxUploadBytes = 0): FilesFixture {
  const dir = mkdtempSync(join(tmpdir(), "clearml-files-"));
  const places = filesPlaces(join(dir, "data"));
  prepareFilesPlaces(places);
  const logs: string[] = [];
  const app = createFilesApp({
    places,
    maxUploadBytes,
    validateToken: (t) => (t === TOKEN ? undefined : "Invalid token (signature mismatch)"),
    log: (l) => logs.push(l),
  });
  return { app, dir, places, logs, done: () => rmSync(dir, { recursive: true, force: true }) };
}

export const BOUNDARY = "a1b2c3d4e5f60718293a4b5c6d7e8f90";

/** One file part as requests-toolbelt's MultipartEncoder writes it (name = filename = path). */
export function part(path: string, data: Uint8Array | string, type = "text/plain"): Buffer {
  return Buffer.concat([
    Buffer.from(
      `--${BOUNDARY}\r\nContent-Disposition: form-data; name="${path}"; filename="${path}"\r\n` +
        `Content-Type: ${type}\r\n\r\n`,
    ),
    typeof data === "string" ? Buffer.from(data) : Buffer.from(data),
    Buffer.from("\r\n"),
  ]);
}

export function multipart(...parts: Buffer[]): Buffer {
  return Buffer.concat([...parts, Buffer.from(`--${BOUNDARY}--\r\n`)]);
}

/** A body delivered in chunks of the given sizes (cycled); `failAfter` bytes: the stream errors. */
export function chunked(
  bytes: Uint8Array,
  sizes: number[],
  failAfter?: number,
): ReadableStream<Uint8Array> {
  let off = 0;
  let i = 0;
  return new ReadableStream<Uint8Array>({
    pull(ctl) {
      if (failAfter !== undefined && off >= failAfter) {
        ctl.error(new Error("the client closed the connection mid-request"));
        return;
      }
      if (off >= bytes.byteLength) {
        ctl.close();
        return;
      }
      const n = Math.max(1, sizes[i++ % sizes.length]!);
      ctl.enqueue(bytes.slice(off, off + n));
      off += n;
    },
  });
}

export interface Reply {
  status: number;
  text: string;
  bytes: Uint8Array;
  headers: Headers;
}

export async function send(
  app: Hono,
  method: string,
  path: string,
  opts: {
    body?: Uint8Array | ReadableStream<Uint8Array> | string;
    headers?: Record<string, string>;
    token?: string | null;
    type?: string | null;
  } = {},
): Promise<Reply> {
  const headers: Record<string, string> = { ...opts.headers };
  const token = opts.token === undefined ? TOKEN : opts.token;
  if (token !== null) headers.authorization = `Bearer ${token}`;
  const type = opts.type === undefined ? `multipart/form-data; boundary=${BOUNDARY}` : opts.type;
  if (opts.body !== undefined && type !== null) headers["content-type"] = type;
  if (opts.body instanceof Uint8Array) headers["content-length"] = String(opts.body.byteLength);
  // as the bridge: the path as sent, which the URL parser would normalise
  headers[RAW_PATH_HEADER] = path.split("?")[0]!;
  const r = await app.fetch(
    new Request(`${BASE}${path}`, {
      method,
      headers,
      body: opts.body,
      duplex: "half",
    } as RequestInit),
  );
  const bytes = new Uint8Array(await r.arrayBuffer());
  return { status: r.status, text: new TextDecoder().decode(bytes), bytes, headers: r.headers };
}

/** Every file under a folder, as relative paths (sorted). */
export function listFiles(dir: string): string[] {
  return (readdirSync(dir, { recursive: true, withFileTypes: true }) as {
    name: string;
    parentPath?: string;
    path?: string;
    isFile(): boolean;
  }[])
    .filter((e) => e.isFile())
    .map((e) => join(e.parentPath ?? e.path ?? "", e.name).slice(dir.length + 1))
    .sort();
}
