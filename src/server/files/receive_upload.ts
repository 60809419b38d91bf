/**
 * `POST /` of the files server: every file part of a multipart body is stored under the path its
 * form field names (the SDK's `_HttpDriver` sends one part whose name and filename are the object
 * path). Each part streams into its own temp file, is synced, and only when the whole body has
 * arrived intact are the temp files renamed into place and their folders synced: a body cut
 * half-way, malformed or over the limit leaves nothing behind.
 */
import { randomUUID } from "node:crypto";
import { type FileHandle, mkdir, open, rename, unlink } from "node:fs/promises";
import { dirname, join } from "node:path";
import { FilesError } from "./files_error.ts";
import { boundaryOf, headerParams, readMultipart } from "./multipart.ts";
import type { FilesPlaces } from "./places.ts";
import { storedPath } from "./stored_path.ts";
import { withinRoot } from "./within_root.ts";

/** More parts than any client sends in one request (the SDK sends one). */
const MAX_PARTS = 1000;

export interface UploadRequest {
  contentType: string | null;
  /** The declared Content-Length, when there is one. */
  length: number | undefined;
  body: ReadableStream<Uint8Array> | null;
}

interface Pending {
  temp: string;
  path: string;
  fh?: FileHandle;
}

export function tooLarge(maxBytes: number): FilesError {
  const mib = maxBytes / (1024 * 1024);
  const shown = Number.isInteger(mib) ? `${mib} MiB` : `${maxBytes} bytes`;
  return new FilesError(413, `The upload is larger than the limit of ${shown} (--max-upload)`);
}

async function* limited(
  body: ReadableStream<Uint8Array>,
  maxBytes: number,
): AsyncGenerator<Uint8Array> {
  let n = 0;
  const reader = body.getReader();
  try {
    for (;;) {
      let r: ReadableStreamReadResult<Uint8Array>;
      try {
        r = await reader.read();
      } catch (e) {
        throw new FilesError(400, `The upload was cut off (${e instanceof Error ? e.message : e})`);
      }
      if (r.done) return;
      n += r.value.byteLength;
      if (maxBytes > 0 && n > maxBytes) throw tooLarge(maxBytes);
      yield r.value;
    }
  } finally {
    // what is left unread (refused or malformed) is drained by the bridge, not read here
    reader.cancel().catch(() => {});
  }
}

async function writeAll(fh: FileHandle, bytes: Uint8Array): Promise<void> {
  let off = 0;
  while (off < bytes.byteLength) {
    const { bytesWritten } = await fh.write(bytes, off, bytes.byteLength - off);
    off += bytesWritten;
  }
}

/** fsync a folder, so that a rename or a new entry in it survives a crash of the machine. */
async function syncDir(dir: string): Promise<void> {
  const fh = await open(dir, "r");
  try {
    await fh.sync();
  } finally {
    await fh.close();
  }
}

function code(e: unknown): string | undefined {
  return (e as { code?: string } | null)?.code;
}

/** Rename one synced temp file to its place, making (and syncing) the folders it needs. */
async function commit(root: string, p: Pending): Promise<void> {
  const target = join(root, p.path);
  const parent = dirname(target);
  let created: string | undefined;
  try {
    created = await mkdir(parent, { recursive: true });
  } catch (e) {
    if (code(e) === "ENOTDIR" || code(e) === "EEXIST") {
      throw new FilesError(400, `Cannot store ${p.path}: a folder on its path is a file`);
    }
    throw e;
  }
  if (!await withinRoot(root, parent)) {
    throw new FilesError(
      400,
      `Cannot store ${p.path}: a folder on its path leads outside the files`,
    );
  }
  try {
    await rename(p.temp, target);
  } catch (e) {
    if (["EISDIR", "ENOTEMPTY", "EEXIST", "ENOTDIR"].includes(code(e) ?? "")) {
      throw new FilesError(400, `Cannot store ${p.path}: it is a folder`);
    }
    throw e;
  }
  await syncDir(parent);
  if (created) {
    // each new folder's entry lives in its parent: sync up to the parent of the first new one
    const top = dirname(created);
    for (let d = dirname(parent); d.startsWith(top); d = dirname(d)) {
      await syncDir(d);
      if (d === top || d === dirname(d)) break;
    }
  }
}

/** Store the upload's file parts; returns their paths (as the real server: JSON list of them). */
export async function receiveUpload(
  req: UploadRequest,
  places: FilesPlaces,
  maxBytes: number,
): Promise<string[]> {
  const boundary = boundaryOf(req.contentType);
  if (maxBytes > 0 && req.length !== undefined && req.length > maxBytes) {
    throw tooLarge(maxBytes);
  }
  if (!req.body) throw new FilesError(400, "Malformed multipart body: the body is empty");
  const pending: Pending[] = [];
  const seen = new Set<string>();
  let current: Pending | undefined;
  let parts = 0;
  try {
    for await (const ev of readMultipart(limited(req.body, maxBytes), boundary)) {
      if (ev.kind === "part") {
        current = undefined;
        if (++parts > MAX_PARTS) {
          throw new FilesError(400, `Malformed multipart body: more than ${MAX_PARTS} parts`);
        }
        const disposition = ev.headers.get("content-disposition");
        if (disposition?.split(";")[0]?.trim().toLowerCase() !== "form-data") {
          throw new FilesError(
            400,
            "Malformed multipart body: a part without Content-Disposition: form-data",
          );
        }
        const params = headerParams(disposition);
        const name = params.get("name");
        // form fields (no filename) and nameless files are not files to store, as in the
        // real server; a name given twice keeps its first file
        if (!name || params.get("filename") === undefined) continue;
        const path = storedPath(name);
        if (seen.has(path)) continue;
        seen.add(path);
        const p: Pending = { temp: join(places.partial, `${randomUUID()}.part`), path };
        pending.push(p);
        p.fh = await open(p.temp, "wx", 0o644);
        current = p;
      } else if (ev.kind === "data") {
        if (current?.fh) await writeAll(current.fh, ev.bytes);
      } else if (current?.fh) {
        const fh = current.fh;
        current.fh = undefined;
        await fh.sync();
        await fh.close();
        current = undefined;
      }
    }
    for (const p of pending) {
      await commit(places.root, p);
      p.temp = "";
    }
    return pending.map((p) => p.path);
  } catch (e) {
    await Promise.all(pending.map(async (p) => {
      await p.fh?.close().catch(() => {});
      if (p.temp) await unlink(p.temp).catch(() => {});
    }));
    if (e instanceof FilesError) throw e;
    if (code(e) === "ENOSPC" || code(e) === "EDQUOT") {
      throw new FilesError(507, "No space left on the files server's disk");
    }
    if (code(e) === "ENAMETOOLONG") throw new FilesError(400, "A file path is too long");
    throw e;
  }
}
