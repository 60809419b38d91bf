/**
 * Small docker images for tests, made by `docker import` of a root file system assembled from
 * this machine's own files: a static busybox, a glibc loader with libc and a dynamic program, a
 * musl loader name. Nothing is downloaded.
 */
import { execFileSync } from "node:child_process";
import {
  copyFileSync,
  mkdirSync,
  mkdtempSync,
  realpathSync,
  rmSync,
  symlinkSync,
  writeFileSync,
} from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";

/** What goes into the root file system: a host file to copy, a symlink, or text. */
export type RootEntry =
  | { copy: string }
  | { link: string }
  | { text: string };

/** Import `entries` (path in the image → entry) as image `name`; returns the name. */
export function importImage(
  dockerHost: string,
  name: string,
  entries: Record<string, RootEntry>,
  platform?: string,
): string {
  const dir = mkdtempSync(join(tmpdir(), "rootfs-"));
  try {
    const root = join(dir, "root");
    mkdirSync(root);
    for (const [path, e] of Object.entries(entries)) {
      const at = join(root, path);
      mkdirSync(dirname(at), { recursive: true });
      if ("copy" in e) copyFileSync(realpathSync(e.copy), at);
      else if ("link" in e) symlinkSync(e.link, at);
      else writeFileSync(at, e.text);
    }
    const tar = join(dir, "rootfs.tar");
    execFileSync("tar", ["-C", root, "-cf", tar, "."]);
    execFileSync("docker", [
      "-H",
      dockerHost,
      "import",
      ...(platform ? ["--platform", platform] : []),
      tar,
      name,
    ], { stdio: ["ignore", "ignore", "pipe"], timeout: 120_000 });
    return name;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** The host's static busybox (Debian: busybox-static). */
export const BUSYBOX = "/bin/busybox";
