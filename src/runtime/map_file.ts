/**
 * A whole file's bytes without `node:fs`, where the runtime can: Bun maps the file (`Bun.mmap`).
 * Loading `node:fs` is a fifth of the time `clearml config show` takes to start, and the
 * resolver only reads a few small files. The bytes are to be decoded at once (a file truncated
 * while it is mapped would fault when read later).
 */

// deno-lint-ignore no-explicit-any
const bun = (globalThis as any).Bun as { mmap?: (path: string) => Uint8Array } | undefined;

/**
 * The bytes of the file at `path`; "missing" when no file is there (the open failed with ENOENT
 * or ENOTDIR, as a stat would); undefined when the caller is to use `node:fs`, whose answers are
 * the reference: not on Bun, an empty or special file, a directory, a permission error.
 */
export function mapFile(path: string): Uint8Array | "missing" | undefined {
  if (typeof bun?.mmap !== "function") return undefined;
  try {
    return bun.mmap(path);
  } catch (e: unknown) {
    const code = (e as { code?: unknown } | null)?.code;
    return code === "ENOENT" || code === "ENOTDIR" ? "missing" : undefined;
  }
}
