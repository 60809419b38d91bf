/**
 * Docker mode for real: `clearml agent execute --docker IMAGE --cpu-only`, run by a freshly
 * compiled binary against a private docker daemon, with images made by `docker import` — a
 * Debian minbase root file system with python3 (debootstrap from this machine's apt source) and
 * a static busybox. In the Debian image the container runs this same binary, mounted read-only,
 * as `clearml agent execute`; the task's output comes back through the container into the temp
 * stdout file. Busybox has no libc: the plan falls back to clearml-agent's pip script, which
 * needs bash, so the task fails there with docker's reason — reported, not a crash. Runs when
 * CI=true or CLEARML_IT=1 (root, dockerd, debootstrap).
 */
import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { tmpdir } from "node:os";
import {
  type DockerDaemon,
  removeDockerDaemon,
  startDockerDaemon,
} from "../_helpers/docker_daemon.ts";
import { BUSYBOX, importImage } from "../_helpers/rootfs_image.ts";
import { debianPythonRootfs } from "../agent/run/_debootstrap.ts";
import { buildBinary } from "../agent/run/_build_binary.ts";
import { allowSlowTests } from "../agent/run/_slow.ts";
import { realPartsEnabled } from "../_helpers/real_part.ts";
import { spawnCollected } from "../_helpers/cli.ts";

await allowSlowTests();

describe("agent execute --docker on a private docker daemon", () => {
  if (!realPartsEnabled("root, dockerd, debootstrap")) return;
  let daemon: DockerDaemon | undefined;
  let dir: string;
  let bin: string;
  let env: Record<string, string>;
  const DEBIAN = "clearml-test/debian-python:1";
  const BUSY = "clearml-test/busybox:1";

  before(async () => {
    dir = mkdtempSync(join(tmpdir(), "agent-docker-"));
    daemon = await startDockerDaemon();
    bin = buildBinary(dir);
    execFileSync("docker", ["-H", daemon.host, "import", debianPythonRootfs(), DEBIAN], {
      stdio: ["ignore", "ignore", "pipe"],
      timeout: 600_000,
    });
    importImage(daemon.host, BUSY, {
      "bin/busybox": { copy: BUSYBOX },
      "bin/sh": { link: "busybox" },
    });
    const home = join(dir, "home");
    mkdirSync(home);
    env = {
      PATH: "/usr/sbin:/usr/bin:/sbin:/bin",
      HOME: home,
      DOCKER_HOST: daemon.host,
      TMPDIR: dir,
      CLEARML_AGENT_DISABLE_SSH_MOUNT: "1",
      // the container has no network: pip's index lookups fail at once instead of retrying
      CLEARML_AGENT_EXTRA_DOCKER_ARGS: "-e PIP_NO_INDEX=1",
    };
  });

  after(async () => {
    await removeDockerDaemon(daemon);
    rmSync(dir, { recursive: true, force: true });
  });

  function taskFile(name: string, script: string, container: object = {}): string {
    const path = join(dir, `${name}.json`);
    writeFileSync(
      path,
      JSON.stringify({
        id: `task-${name}`,
        name,
        script: { entry_point: "task.py", diff: script, binary: "python3" },
        container,
      }),
    );
    return path;
  }

  /** `agent execute --docker IMAGE --cpu-only` of a task file; the run and its log. */
  async function executeIn(image: string | null, file: string) {
    const docker = image ? ["--docker", image] : ["--docker"];
    const args = ["agent", "execute", "--task-file", file, ...docker, "--cpu-only"];
    const r = await spawnCollected(bin, args, env);
    const logPath = /log: (\S+)\)/.exec(r.stderr)?.[1];
    assert.ok(logPath, r.stderr);
    return { r, log: readFileSync(logPath, "utf8") };
  }

  it("runs the task in its glibc image with this binary; output comes back through the container", async () => {
    const f = taskFile(
      "debian",
      "import os, sys\nprint('hello from', os.environ.get('CLEARML_TASK_ID'))\n" +
        "print('task args', os.environ.get('FROM_TASK'), os.environ.get('PIP_NO_INDEX'))\n" +
        "print('an error line', file=sys.stderr)\n",
      { image: DEBIAN, arguments: "-e FROM_TASK=yes" },
    );
    // --docker alone: the task's own image and arguments
    const { r, log } = await executeIn(null, f);
    assert.equal(
      r.code,
      0,
      `${r.stderr}\n--- log ---\n${log}\n--- daemon ---\n${daemon!.logTail()}`,
    );
    assert.ok(log.includes("hello from task-debian"), log);
    assert.ok(log.includes("an error line"), log);
    assert.ok(log.includes("/opt/clearml-agent/clearml agent execute --task-file"), log);
    assert.ok(log.includes(`"${bin}:/opt/clearml-agent/clearml:ro"`), "this binary, read-only");
    assert.ok(log.includes("task args yes 1"), "the agent's extra and the task's docker arguments");
    assert.ok(log.includes("Starting Task Execution:"), "the inner execute ran the task");
    assert.ok(r.stdout.includes("hello from task-debian"), "echoed live: " + r.stdout);
  });

  it("a failing task in the container fails the run with exit 1", async () => {
    const f = taskFile("debian-fail", "import sys\nprint('about to fail')\nsys.exit(3)\n");
    const { r, log } = await executeIn(DEBIAN, f);
    assert.equal(r.code, 1, r.stderr);
    assert.match(r.stderr, /task task-debian-fail failed: worker execution exit code 1/);
    assert.ok(log.includes("about to fail"), log);
  });

  it("SIGTERM stops the task: the container is stopped, the run reported stopped", async () => {
    const f = taskFile(
      "debian-term",
      "import time\nprint('sleeping now', flush=True)\ntime.sleep(300)\n",
    );
    let pid = 0;
    let out = () => "";
    const args = ["agent", "execute", "--task-file", f, "--docker", DEBIAN, "--cpu-only"];
    const running = spawnCollected(bin, args, env, (p, o) => {
      pid = p;
      out = o;
    });
    const t0 = Date.now();
    while (!out().includes("sleeping now")) {
      assert.ok(Date.now() - t0 < 300_000, "the task did not start: " + out());
      await new Promise((r) => setTimeout(r, 100));
    }
    process.kill(pid, "SIGTERM");
    const r = await running;
    assert.equal(r.code, 1, r.stderr);
    assert.match(r.stderr, /task task-debian-term stopped: user abort/);
    const ps = execFileSync("docker", ["-H", daemon!.host, "ps", "-q"], { encoding: "utf8" });
    assert.equal(ps.trim(), "", "no container left running");
  });

  it("an image without a libc gets the pip script; its failure is reported, not a crash", async () => {
    const f = taskFile("busybox", "print('never runs')\n");
    const { r, log } = await executeIn(BUSY, f);
    assert.equal(r.code, 1, r.stderr);
    assert.match(r.stderr, /task task-busybox failed: worker execution exit code 127/);
    assert.ok(log.includes("clearml_agent execute"), "the pip fallback script ran: " + log);
  });
});
