/**
 * Image libc detection: the rule on path sets, and (under CI=true or CLEARML_IT=1, where a
 * daemon that cannot start is a failure) `detectImageLibc` on images imported into a private
 * docker daemon from this machine's own files: static busybox (no libc), a glibc loader + libc +
 * /bin/true (run to prove the image really is glibc), the merged-/usr layout, a dangling loader
 * link, musl with and without libstdc++/libgcc_s, a missing image. An arm64 image cannot be
 * imported into this daemon (no multi-platform image store: `--platform` is ignored), so that
 * path runs on a scripted docker CLI.
 */
import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import type { ExecResult } from "../../src/platform/exec.ts";
import {
  detectImageLibc,
  type DockerExec,
  dockerImageFacts,
  imageLibcFrom,
  libcProbePaths,
  unameArch,
} from "../../src/platform/docker_libc.ts";
import {
  type DockerDaemon,
  removeDockerDaemon,
  startDockerDaemon,
} from "../_helpers/docker_daemon.ts";
import { BUSYBOX, importImage, type RootEntry } from "../_helpers/rootfs_image.ts";
import { PARTS_REQUIRED, showSkip } from "../_helpers/real_part.ts";

describe("imageLibcFrom()", () => {
  const cases: Array<[string, string[], string, string | null, boolean]> = [
    ["nothing: no libc", [], "none", null, false],
    [
      "Debian-like glibc",
      ["/lib64/ld-linux-x86-64.so.2", "/usr/lib/libstdc++.so.6"],
      "glibc",
      "/lib64/ld-linux-x86-64.so.2",
      false,
    ],
    [
      "Alpine without libstdc++",
      ["/lib/ld-musl-x86_64.so.1"],
      "musl",
      "/lib/ld-musl-x86_64.so.1",
      false,
    ],
    [
      "Alpine with libstdc++ and libgcc",
      [
        "/lib/ld-musl-x86_64.so.1",
        "/usr/lib/libstdc++.so.6",
        "/usr/lib/libgcc_s.so.1",
      ],
      "musl",
      "/lib/ld-musl-x86_64.so.1",
      true,
    ],
    [
      "Alpine with libstdc++ but no libgcc_s",
      ["/lib/ld-musl-x86_64.so.1", "/usr/lib/libstdc++.so.6"],
      "musl",
      "/lib/ld-musl-x86_64.so.1",
      false,
    ],
    [
      "Alpine with gcompat (a glibc loader name beside musl's)",
      [
        "/lib/ld-musl-x86_64.so.1",
        "/lib64/ld-linux-x86-64.so.2",
      ],
      "musl",
      "/lib/ld-musl-x86_64.so.1",
      false,
    ],
  ];
  for (const [name, found, libc, loader, cxx] of cases) {
    it(name, () => {
      assert.deepEqual(imageLibcFrom("x86_64", new Set(found)), {
        libc,
        loader,
        hasLibstdcxx: cxx,
      });
    });
  }

  it("asks for the loaders of the image's own architecture", () => {
    assert.deepEqual(libcProbePaths("aarch64").musl, ["/lib/ld-musl-aarch64.so.1"]);
    assert.ok(libcProbePaths("aarch64").glibc.includes("/lib/ld-linux-aarch64.so.1"));
    assert.equal(imageLibcFrom("aarch64", new Set(["/lib64/ld-linux-x86-64.so.2"])).libc, "none");
  });

  it("maps docker's architectures to uname -m", () => {
    assert.deepEqual(
      ["amd64", "arm64", "arm64/v8", "arm/v7", "386", "ppc64le", "s390x", "sparc"].map(unameArch),
      ["x86_64", "aarch64", "aarch64", "armv7l", "i686", "ppc64le", "s390x", null],
    );
  });
});

describe("detectImageLibc() on a scripted docker CLI", () => {
  it("an arm64 glibc image: inspect, create, cp -L each path, rm, in that order", async () => {
    const calls: string[] = [];
    const present = new Set(["/lib/ld-linux-aarch64.so.1", "/usr/lib/libgcc_s.so.1"]);
    const exec: DockerExec = (_cmd, args) => {
      calls.push(args.join(" "));
      const ok = (stdout: string): ExecResult => ({
        code: 0,
        stdout,
        stderr: "",
        timedOut: false,
        notFound: false,
        durationMs: 1,
      });
      if (args[0] === "image") return Promise.resolve(ok("linux arm64 v8\n"));
      if (args[0] === "create") return Promise.resolve(ok("c0ffee\n"));
      if (args[0] === "cp") {
        const path = args[2]!.slice("c0ffee:".length);
        return Promise.resolve(
          present.has(path) ? ok("tar") : { ...ok(""), code: 1, stderr: "Could not find" },
        );
      }
      return Promise.resolve(ok(""));
    };
    const f = await detectImageLibc("arm/img:1", { exec, pull: false });
    assert.deepEqual([f.libc, f.arch, f.dockerArch, f.loader, f.hasLibstdcxx], [
      "glibc",
      "aarch64",
      "arm64/v8",
      "/lib/ld-linux-aarch64.so.1",
      false,
    ]);
    assert.equal(
      calls[0],
      "image inspect --format {{.Os}} {{.Architecture}} {{.Variant}} arm/img:1",
    );
    assert.equal(calls[1], "create arm/img:1 /.clearml-libc-probe");
    assert.ok(calls.slice(2, -1).every((c) => c.startsWith("cp -L c0ffee:/")), calls.join("\n"));
    assert.ok(calls.includes("cp -L c0ffee:/lib/ld-musl-aarch64.so.1 -"));
    assert.equal(calls[calls.length - 1], "rm -f c0ffee");
  });

  it("a Windows image is unknown (no Linux libc to match)", async () => {
    const exec: DockerExec = () =>
      Promise.resolve({
        code: 0,
        stdout: "windows amd64 \n",
        stderr: "",
        timedOut: false,
        notFound: false,
        durationMs: 1,
      });
    const f = await detectImageLibc("mcr/win:1", { exec, pull: false });
    assert.deepEqual([f.libc, f.os, f.error], ["unknown", "windows", "the image is for windows"]);
  });

  it("a copy that timed out makes the libc unknown, with the reason, not absent", async () => {
    const answer = (over: Partial<ExecResult>): Promise<ExecResult> =>
      Promise.resolve({
        code: 0,
        stdout: "",
        stderr: "",
        timedOut: false,
        notFound: false,
        durationMs: 1,
        ...over,
      });
    const exec: DockerExec = (_cmd, args) => {
      if (args[0] === "image") return answer({ stdout: "linux amd64 \n" });
      if (args[0] === "create") return answer({ stdout: "c0ffee\n" });
      // the glibc loader's copy is cut by the timeout; the others are not in the image
      if (args[0] === "cp" && args[2] === "c0ffee:/lib64/ld-linux-x86-64.so.2") {
        return answer({ code: null, timedOut: true });
      }
      if (args[0] === "cp") return answer({ code: 1, stderr: "Could not find the file" });
      return answer({});
    };
    const f = await detectImageLibc("slow/glibc:1", { exec, pull: false, timeoutMs: 500 });
    assert.equal(f.libc, "unknown", JSON.stringify(f));
    assert.equal(f.error, "docker cp /lib64/ld-linux-x86-64.so.2: timed out after 500 ms");
  });
});

const enabled = PARTS_REQUIRED;

showSkip(
  "detectImageLibc() on a private docker daemon",
  !enabled && "needs CI=true or CLEARML_IT=1 (root and dockerd)",
);
describe("detectImageLibc() on images in a private docker daemon", {
  skip: !enabled && "needs CI=true or CLEARML_IT=1 (root and dockerd)",
}, () => {
  let daemon: DockerDaemon | undefined;
  let env: Record<string, string>;
  const LOADER = "/lib64/ld-linux-x86-64.so.2";
  const LIBC = "/lib/x86_64-linux-gnu/libc.so.6";
  const glibcFiles: Record<string, RootEntry> = {
    "lib64/ld-linux-x86-64.so.2": { copy: LOADER },
    "lib/x86_64-linux-gnu/libc.so.6": { copy: LIBC },
    "bin/true": { copy: "/bin/true" },
  };
  const musl: Record<string, RootEntry> = {
    "lib/ld-musl-x86_64.so.1": { text: "a musl loader stands here\n" },
    "bin/busybox": { copy: BUSYBOX },
  };

  before(async () => {
    daemon = await startDockerDaemon();
    env = { ...process.env as Record<string, string>, DOCKER_HOST: daemon.host };
    const h = daemon.host;
    importImage(h, "t/busybox:1", {
      "bin/busybox": { copy: BUSYBOX },
      "bin/sh": { link: "busybox" },
    });
    importImage(h, "t/glibc:1", glibcFiles);
    importImage(h, "t/glibc-merged-usr:1", {
      "lib64": { link: "usr/lib64" },
      "usr/lib64/ld-linux-x86-64.so.2": { copy: LOADER },
      "usr/lib/x86_64-linux-gnu/libc.so.6": { copy: LIBC },
    });
    importImage(h, "t/dangling:1", { "lib64/ld-linux-x86-64.so.2": { link: "/nowhere/ld.so" } });
    importImage(h, "t/musl:1", musl);
    importImage(h, "t/musl-cxx:1", {
      ...musl,
      "usr/lib/libstdc++.so.6": { copy: "/usr/lib/x86_64-linux-gnu/libstdc++.so.6" },
      "usr/lib/libgcc_s.so.1": { copy: "/usr/lib/x86_64-linux-gnu/libgcc_s.so.1" },
    });
  }, { timeout: 120_000 });

  after(async () => {
    await removeDockerDaemon(daemon);
  });

  it("the glibc image really runs a dynamic glibc program (the fixture is honest)", {
    timeout: 60_000,
  }, () => {
    execFileSync("docker", [
      "-H",
      daemon!.host,
      "run",
      "--rm",
      "--network",
      "none",
      "t/glibc:1",
      "/bin/true",
    ], {
      timeout: 60_000,
    });
  });

  const cases: Array<[string, string, string | null, boolean, string | null]> = [
    ["t/busybox:1", "none", null, false, "x86_64"],
    ["t/glibc:1", "glibc", "/lib64/ld-linux-x86-64.so.2", false, "x86_64"],
    ["t/glibc-merged-usr:1", "glibc", "/lib64/ld-linux-x86-64.so.2", false, "x86_64"],
    ["t/dangling:1", "none", null, false, "x86_64"],
    ["t/musl:1", "musl", "/lib/ld-musl-x86_64.so.1", false, "x86_64"],
    ["t/musl-cxx:1", "musl", "/lib/ld-musl-x86_64.so.1", true, "x86_64"],
  ];
  for (const [image, libc, loader, cxx, arch] of cases) {
    it(
      `${image}: ${libc}${cxx ? " with libstdc++" : ""}, ${arch}`,
      { timeout: 60_000 },
      async () => {
        const f = await detectImageLibc(image, { env, pull: false });
        assert.equal(f.error, undefined, String(f.error));
        assert.deepEqual(
          [f.libc, f.loader, f.hasLibstdcxx, f.arch, f.os],
          [libc, loader, cxx, arch, "linux"],
          JSON.stringify(f),
        );
        assert.deepEqual(dockerImageFacts(f), {
          imageLibc: libc,
          imageArch: arch,
          imageHasLibstdcxx: cxx,
        });
      },
    );
  }

  it("leaves no container behind", () => {
    const out = execFileSync("docker", ["-H", daemon!.host, "ps", "-aq"], { encoding: "utf8" });
    assert.equal(out.trim(), "");
  });

  it("a missing image (pull off) is unknown, and says why", async () => {
    const f = await detectImageLibc("t/nope:1", { env, pull: false });
    assert.equal(f.libc, "unknown");
    assert.match(f.error ?? "", /docker image inspect t\/nope:1: .*(No such image|no such image)/i);
  });

  it("an image that cannot be pulled is unknown, with docker pull's message", {
    timeout: 60_000,
  }, async () => {
    const f = await detectImageLibc("127.0.0.1:9/none/x:1", { env, pull: true, timeoutMs: 20_000 });
    assert.equal(f.libc, "unknown");
    assert.match(f.error ?? "", /^docker pull 127\.0\.0\.1:9\/none\/x:1: /);
  });

  it("a daemon that does not answer gives unknown, not an exception", async () => {
    const f = await detectImageLibc("t/glibc:1", {
      env: { ...env, DOCKER_HOST: "unix:///nonexistent/docker.sock" },
      pull: false,
    });
    assert.equal(f.libc, "unknown");
    assert.match(f.error ?? "", /Cannot connect to the Docker daemon|no such file/i);
  });
});
