/**
 * A lock between agents on one machine sharing a cache (the agent's file lock on the vcs and
 * venv caches): an exclusively created file, waited for up to `timeoutMs`; a lock older than
 * that is taken as left by a dead agent and broken.
 */
import { closeSync, openSync, rmSync, statSync } from "node:fs";

export async function withDirLock<T>(
  path: string,
  fn: () => Promise<T>,
  timeoutMs = 300_000,
): Promise<T> {
  const t0 = Date.now();
  for (;;) {
    try {
      closeSync(openSync(path, "wx"));
      break;
    } catch (e: unknown) {
      if ((e as NodeJS.ErrnoException).code !== "EEXIST") throw e;
      let age = 0;
      try {
        age = Date.now() - statSync(path).mtimeMs;
      } catch {
        continue; // released meanwhile
      }
      if (age > timeoutMs || Date.now() - t0 > timeoutMs) {
        rmSync(path, { force: true });
        continue;
      }
      await new Promise((r) => setTimeout(r, 100));
    }
  }
  try {
    return await fn();
  } finally {
    rmSync(path, { force: true });
  }
}
