/**
 * Where the files server keeps its files: `<data>/files` is what GET serves; uploads are written
 * under `<data>/files.partial` first and renamed into place only once complete and synced, so a
 * cut or killed upload never shows. Both are on one file system (one data dir), so the rename is
 * atomic.
 */
import { mkdirSync, readdirSync, rmSync } from "node:fs";
import { join } from "node:path";

export interface FilesPlaces {
  root: string;
  partial: string;
}

export function filesPlaces(dataDir: string): FilesPlaces {
  return { root: join(dataDir, "files"), partial: join(dataDir, "files.partial") };
}

/** Make both folders; drop what a killed server left half-written. Returns how many. */
export function prepareFilesPlaces(places: FilesPlaces): number {
  mkdirSync(places.root, { recursive: true });
  mkdirSync(places.partial, { recursive: true });
  let dropped = 0;
  for (const name of readdirSync(places.partial)) {
    rmSync(join(places.partial, name), { force: true, recursive: true });
    dropped++;
  }
  return dropped;
}
