/**
 * A Debian minbase root file system with python3 (and python3-venv, which a task's venv needs)
 * made by debootstrap from this machine's own apt source, read from /etc/apt at run time; the
 * tarball is kept under /tmp between test runs (debootstrap takes minutes).
 */
import { execFileSync } from "node:child_process";
import { existsSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync } from "node:fs";
import { join } from "node:path";

export interface AptSource {
  uri: string;
  suite: string;
}

/** The first Debian `deb` source of this machine (deb822 `.sources` files or sources.list). */
export function aptSource(etc = "/etc/apt"): AptSource {
  const texts: string[] = [];
  try {
    texts.push(readFileSync(join(etc, "sources.list"), "utf8"));
  } catch { /* none */ }
  try {
    for (const f of readdirSync(join(etc, "sources.list.d")).sort()) {
      if (f.endsWith(".sources") || f.endsWith(".list")) {
        texts.push(readFileSync(join(etc, "sources.list.d", f), "utf8"));
      }
    }
  } catch { /* none */ }
  for (const text of texts) {
    for (const line of text.split("\n")) {
      const m = /^deb\s+(?:\[[^\]]*\]\s+)?(\S+)\s+(\S+)/.exec(line.trim());
      if (m && !m[2]!.includes("security") && /debian/.test(m[1]!)) {
        return { uri: m[1]!, suite: m[2]! };
      }
    }
    for (const stanza of text.split(/\n\s*\n/)) {
      const field = (name: string) =>
        new RegExp(`^${name}:\\s*(.+)$`, "mi").exec(stanza)?.[1]?.trim();
      const uris = field("URIs");
      const suites = field("Suites");
      if (field("Types")?.split(/\s+/).includes("deb") && uris && suites) {
        const suite = suites.split(/\s+/)[0]!;
        if (!suite.includes("security")) return { uri: uris.split(/\s+/)[0]!, suite };
      }
    }
  }
  throw new Error(`no Debian apt source found in ${etc}/sources.list(.d)`);
}

const CACHE = "/tmp/clearml-test-rootfs";

/** The tarball of the root file system, made once (cached under /tmp). */
export function debianPythonRootfs(): string {
  const src = aptSource();
  const tar = join(CACHE, `${src.suite}-minbase-python3.tar`);
  if (existsSync(tar)) return tar;
  mkdirSync(CACHE, { recursive: true });
  const dir = join(CACHE, `build-${process.pid}`);
  rmSync(dir, { recursive: true, force: true });
  try {
    execFileSync("debootstrap", [
      "--variant=minbase",
      "--include=python3,python3-venv",
      src.suite,
      dir,
      src.uri,
    ], { stdio: ["ignore", "ignore", "pipe"], timeout: 1_200_000 });
    execFileSync("tar", ["-C", dir, "-cf", `${tar}.part`, "."], { timeout: 300_000 });
    renameSync(`${tar}.part`, tar);
    return tar;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
