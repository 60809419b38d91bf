/**
 * Which C library a docker image has, and its architecture: the agent mounts the glibc build of
 * this binary into glibc images, the musl build into musl images that also carry libstdc++ and
 * libgcc_s (the musl build needs both: exit 127 without them), and falls back to the pip script
 * otherwise (agent-exec §2, issue 6). Read without running anything in the image: a container
 * is created (never started), the dynamic loaders' paths are copied out of it with
 * `docker cp -L` (a path that exists, dangling links excluded, copies), and it is removed.
 * `imageLibcFrom` is the rule, pure over what was found; `detectImageLibc` runs the docker CLI.
 */
import { exec as realExec, type ExecResult } from "./exec.ts";

export type ImageLibc = "glibc" | "musl" | "none" | "unknown";

export interface ImageLibcFacts {
  image: string;
  libc: ImageLibc;
  /** The image's architecture in `uname -m` terms (`x86_64`, `aarch64`); null when unknown. */
  arch: string | null;
  /** As docker names it (`amd64`, `arm64`, `arm/v7`). */
  dockerArch: string | null;
  os: string | null;
  /** The loader that decided (`/lib/ld-musl-x86_64.so.1`, `/lib64/ld-linux-x86-64.so.2`). */
  loader: string | null;
  /** `libstdc++.so.6` and `libgcc_s.so.1` are both there (what the musl build needs). */
  hasLibstdcxx: boolean;
  /** Every path found, for the plan's and doctor's evidence. */
  found: string[];
  /** Why the libc is unknown (no such image, daemon down, another OS). */
  error?: string;
}

/** docker's architecture (+ variant) → `uname -m`. */
const UNAME: Readonly<Record<string, string>> = {
  amd64: "x86_64",
  arm64: "aarch64",
  "arm64/v8": "aarch64",
  "arm/v7": "armv7l",
  "arm/v6": "armv6l",
  arm: "armv7l",
  "386": "i686",
  ppc64le: "ppc64le",
  s390x: "s390x",
  riscv64: "riscv64",
  mips64le: "mips64",
};

export function unameArch(dockerArch: string): string | null {
  return UNAME[dockerArch] ?? UNAME[dockerArch.split("/")[0]!] ?? null;
}

/** The glibc dynamic loaders of an architecture (`uname -m`), where distributions put them. */
const GLIBC_LOADERS: Readonly<Record<string, readonly string[]>> = {
  x86_64: [
    "/lib64/ld-linux-x86-64.so.2",
    "/lib/x86_64-linux-gnu/ld-linux-x86-64.so.2",
    "/usr/lib64/ld-linux-x86-64.so.2",
  ],
  aarch64: ["/lib/ld-linux-aarch64.so.1", "/lib/aarch64-linux-gnu/ld-linux-aarch64.so.1"],
  armv7l: ["/lib/ld-linux-armhf.so.3", "/lib/arm-linux-gnueabihf/ld-linux-armhf.so.3"],
  armv6l: ["/lib/ld-linux-armhf.so.3", "/lib/ld-linux.so.3"],
  i686: ["/lib/ld-linux.so.2", "/lib/i386-linux-gnu/ld-linux.so.2"],
  ppc64le: ["/lib64/ld64.so.2"],
  s390x: ["/lib/ld64.so.1"],
  riscv64: ["/lib/ld-linux-riscv64-lp64d.so.1"],
};

/** musl's loader name part per architecture. */
const MUSL_ARCH: Readonly<Record<string, string>> = {
  x86_64: "x86_64",
  aarch64: "aarch64",
  armv7l: "armhf",
  armv6l: "armhf",
  i686: "i386",
  ppc64le: "powerpc64le",
  s390x: "s390x",
  riscv64: "riscv64",
};

const LIB_DIRS = ["/usr/lib", "/lib", "/usr/local/lib"];

/** Every path worth asking for in an image of this architecture. */
export function libcProbePaths(arch: string): {
  glibc: string[];
  musl: string[];
  libstdcxx: string[];
  libgcc: string[];
} {
  const musl = MUSL_ARCH[arch];
  return {
    glibc: [...(GLIBC_LOADERS[arch] ?? [])],
    musl: musl ? [`/lib/ld-musl-${musl}.so.1`] : [],
    libstdcxx: LIB_DIRS.map((d) => `${d}/libstdc++.so.6`),
    libgcc: LIB_DIRS.map((d) => `${d}/libgcc_s.so.1`),
  };
}

/**
 * The rule: a musl loader makes a musl image (also when a glibc-compatibility loader sits beside
 * it, as with Alpine's gcompat: our glibc build does not run there); else a glibc loader makes a
 * glibc image; else there is no libc (static busybox, scratch, distroless static).
 */
export function imageLibcFrom(arch: string, found: ReadonlySet<string>): {
  libc: ImageLibc;
  loader: string | null;
  hasLibstdcxx: boolean;
} {
  const p = libcProbePaths(arch);
  const hasLibstdcxx = p.libstdcxx.some((x) => found.has(x)) && p.libgcc.some((x) => found.has(x));
  const musl = p.musl.find((x) => found.has(x));
  if (musl) return { libc: "musl", loader: musl, hasLibstdcxx };
  const glibc = p.glibc.find((x) => found.has(x));
  if (glibc) return { libc: "glibc", loader: glibc, hasLibstdcxx };
  return { libc: "none", loader: null, hasLibstdcxx };
}

export type DockerExec = (
  cmd: string,
  args: readonly string[],
  opts: { timeoutMs: number; env?: Record<string, string> },
) => Promise<ExecResult>;

export interface DetectImageLibcOptions {
  /** The docker CLI's environment (DOCKER_HOST…); default this process's. */
  env?: Record<string, string>;
  /** The docker CLI (default `docker` on PATH). */
  docker?: string;
  /** Pull the image when it is not present (default true: `docker run` would pull it anyway). */
  pull?: boolean;
  timeoutMs?: number;
  pullTimeoutMs?: number;
  exec?: DockerExec;
}

function lastLine(r: ExecResult): string {
  const lines = `${r.stderr}\n${r.error ?? ""}`.split("\n").map((l) => l.trim()).filter(Boolean);
  return lines[lines.length - 1] ?? `exit ${r.code}`;
}

function unknown(image: string, error: string, more: Partial<ImageLibcFacts> = {}): ImageLibcFacts {
  return {
    image,
    libc: "unknown",
    arch: null,
    dockerArch: null,
    os: null,
    loader: null,
    hasLibstdcxx: false,
    found: [],
    error,
    ...more,
  };
}

const INSPECT_FORMAT = "{{.Os}} {{.Architecture}} {{.Variant}}";

export async function detectImageLibc(
  image: string,
  o: DetectImageLibcOptions = {},
): Promise<ImageLibcFacts> {
  const docker = o.docker ?? "docker";
  const timeoutMs = o.timeoutMs ?? 30_000;
  const run = (args: string[], ms = timeoutMs) =>
    (o.exec ?? realExec)(docker, args, { timeoutMs: ms, ...(o.env ? { env: o.env } : {}) });

  let inspect = await run(["image", "inspect", "--format", INSPECT_FORMAT, image]);
  if (inspect.code !== 0 && !inspect.notFound && (o.pull ?? true)) {
    const pull = await run(["pull", "--quiet", image], o.pullTimeoutMs ?? 600_000);
    if (pull.code !== 0) return unknown(image, `docker pull ${image}: ${lastLine(pull)}`);
    inspect = await run(["image", "inspect", "--format", INSPECT_FORMAT, image]);
  }
  if (inspect.code !== 0) {
    return unknown(image, `docker image inspect ${image}: ${lastLine(inspect)}`);
  }
  const [os = "", archName = "", variant = ""] = inspect.stdout.trim().split(" ");
  const dockerArch = variant ? `${archName}/${variant}` : archName;
  const arch = unameArch(dockerArch);
  const known = { os: os || null, dockerArch: dockerArch || null, arch };
  if (os !== "linux") return unknown(image, `the image is for ${os || "an unknown OS"}`, known);
  if (!arch) return unknown(image, `unknown architecture ${dockerArch}`, known);

  // A container that is created, never started: its file system can be read with docker cp.
  const create = await run(["create", image, "/.clearml-libc-probe"]);
  const id = create.stdout.trim();
  if (create.code !== 0 || !id) {
    return unknown(image, `docker create ${image}: ${lastLine(create)}`, known);
  }
  try {
    const p = libcProbePaths(arch);
    const paths = [...p.musl, ...p.glibc, ...p.libstdcxx, ...p.libgcc];
    const copies = await Promise.all(paths.map((path) => run(["cp", "-L", `${id}:${path}`, "-"])));
    // A copy that did not end with an exit code (timed out, killed, docker gone) says nothing
    // about its path: taken as "absent", a glibc image on a slow daemon was called libc-less
    const broken = copies.findIndex((c) => c.code === null);
    if (broken >= 0) {
      const c = copies[broken]!;
      const why = c.timedOut ? `timed out after ${timeoutMs} ms` : lastLine(c);
      return unknown(image, `docker cp ${paths[broken]}: ${why}`, known);
    }
    const found = paths.filter((_, i) => copies[i]!.code === 0);
    return { image, ...known, ...imageLibcFrom(arch, new Set(found)), found };
  } finally {
    await run(["rm", "-f", id]);
  }
}

/** The facts in the agent plan's terms (`HostFacts.docker`, src/agent/plan_types.ts). */
export function dockerImageFacts(f: ImageLibcFacts): {
  imageLibc: ImageLibc;
  imageArch: string | null;
  imageHasLibstdcxx: boolean;
} {
  return { imageLibc: f.libc, imageArch: f.arch, imageHasLibstdcxx: f.hasLibstdcxx };
}
