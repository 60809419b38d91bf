/**
 * The builds of this binary a container can run (issue 6: the container runs this same binary,
 * mounted read-only): the running executable when compiled (its target says which libc), and
 * the sibling builds `clearml-linux-<arch>` / `clearml-linux-<arch>-musl` next to it, as
 * `scripts/build` names them; from source, the builds in `dist/`.
 */
import { existsSync } from "node:fs";
import { dirname, join } from "node:path";
import { isCompiled } from "../runtime/info.ts";
import { versionInfo } from "../version.ts";

export function thisBinaryBuilds(): { glibc: string | null; musl: string | null } {
  const arch = process.arch;
  const compiled = isCompiled();
  const dir = compiled ? dirname(process.execPath) : join(import.meta.dirname ?? ".", "../../dist");
  const found = (name: string) => existsSync(join(dir, name)) ? join(dir, name) : null;
  let glibc = found(`clearml-linux-${arch}`);
  let musl = found(`clearml-linux-${arch}-musl`);
  const self = compiled ? process.execPath : found("clearml");
  if (self) {
    if (compiled && versionInfo().target.endsWith("-musl")) musl ??= self;
    else glibc ??= self;
  }
  return { glibc, musl };
}
