/**
 * `GET` of a stored file, as the real fileserver's `send_from_directory`: the file's bytes with
 * its length, type and modification time, `?download` as an attachment; 404 for what is not a
 * file. Exported for the web page, which links artifacts through its own port.
 */
import { type FileHandle, open } from "node:fs/promises";
import { join } from "node:path";
import { contentTypeOf } from "./content_type.ts";
import { withinRoot } from "./within_root.ts";

const CHUNK = 256 * 1024;

export interface StoredFile {
  size: number;
  mtime: Date;
  /** Close it, unless `fileResponse` streamed it (it closes at the end or on cancel). */
  handle: FileHandle;
}

/** The stored file at `path` (already checked by `storedPath`), or undefined when none is. */
export async function openStoredFile(root: string, path: string): Promise<StoredFile | undefined> {
  const place = join(root, path);
  if (!await withinRoot(root, place)) return undefined;
  let handle: FileHandle;
  try {
    handle = await open(place, "r");
  } catch (e) {
    const code = (e as { code?: string }).code;
    if (code === "ENOENT" || code === "ENOTDIR" || code === "EISDIR") return undefined;
    throw e;
  }
  const st = await handle.stat();
  if (!st.isFile()) {
    await handle.close();
    return undefined;
  }
  return { size: st.size, mtime: st.mtime, handle };
}

function fileBody(handle: FileHandle): ReadableStream<Uint8Array> {
  // closed once, whether the end is reached or the client went away (cancel) mid-read
  let closed = false;
  const close = async () => {
    if (closed) return;
    closed = true;
    await handle.close().catch(() => {});
  };
  return new ReadableStream<Uint8Array>({
    async pull(ctl) {
      if (closed) return;
      const buf = new Uint8Array(CHUNK);
      const { bytesRead } = await handle.read(buf, 0, CHUNK, null);
      if (bytesRead === 0) {
        await close();
        ctl.close();
      } else ctl.enqueue(buf.subarray(0, bytesRead));
    },
    cancel: close,
  }, { highWaterMark: 0 });
}

function attachment(name: string): string {
  const ascii = name.replace(/[^\x20-\x7e]|["\\]/g, "_");
  return ascii === name
    ? `attachment; filename="${name}"`
    : `attachment; filename="${ascii}"; filename*=UTF-8''${encodeURIComponent(name)}`;
}

/** The answer for a stored file; `head` sends the headers only (and closes the file). */
export async function fileResponse(
  file: StoredFile,
  path: string,
  opts: { download?: boolean; head?: boolean } = {},
): Promise<Response> {
  const headers: Record<string, string> = {
    "content-type": contentTypeOf(path),
    "content-length": String(file.size),
    "last-modified": file.mtime.toUTCString(),
    "cache-control": "no-cache",
  };
  if (opts.download) headers["content-disposition"] = attachment(path.split("/").pop()!);
  if (opts.head) {
    await file.handle.close();
    return new Response(null, { status: 200, headers });
  }
  return new Response(fileBody(file.handle), { status: 200, headers });
}
