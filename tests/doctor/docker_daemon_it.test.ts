/**
 * The docker probe against a real, private docker daemon. Runs when CI=true or CLEARML_IT=1
 * (root and dockerd needed: `apt-get install -y docker.io`); under CI a daemon that cannot
 * start fails the suite.
 */
import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { dockerCategory } from "../../src/doctor/checks/docker.ts";
import type { DockerSnapshot } from "../../src/doctor/probes/docker_probe.ts";
import type { CheckResult, DoctorInput, ProbeTools } from "../../src/doctor/types.ts";
import { exec } from "../../src/platform/exec.ts";
import { doctorInput } from "../_helpers/doctor_input.ts";
import { BUSYBOX, importImage } from "../_helpers/rootfs_image.ts";
import { resolve } from "../../src/settings/resolve.ts";
import { memoryFs } from "../../src/settings/fs_view.ts";
import {
  type DockerDaemon,
  removeDockerDaemon,
  startDockerDaemon,
} from "../_helpers/docker_daemon.ts";
import { realPartsEnabled } from "../_helpers/real_part.ts";

function tools(): ProbeTools {
  const controller = new AbortController();
  return {
    exec: (cmd, args, opts) => exec(cmd, args, { ...opts, signal: controller.signal }),
    signal: controller.signal,
    stepTimeoutMs: 10_000,
  };
}

async function runChecks(input: DoctorInput): Promise<Map<string, CheckResult>> {
  const snapshot: DockerSnapshot = await dockerCategory.probe(input, tools());
  return new Map(dockerCategory.checks.map((c) => [c.id, c.run(snapshot, input)]));
}

describe("docker probe against a private docker daemon", () => {
  if (!realPartsEnabled("root and dockerd, from the docker.io package")) return;
  let daemon: DockerDaemon | undefined;
  let input: DoctorInput;

  before(async () => {
    daemon = await startDockerDaemon();
    input = doctorInput({ PATH: process.env.PATH ?? "/usr/bin:/bin", DOCKER_HOST: daemon.host });
  });

  after(async () => {
    await removeDockerDaemon(daemon);
  });

  it("docker.daemon passes with the server version of a running daemon", async () => {
    const expected = execFileSync(
      "docker",
      ["-H", daemon!.host, "version", "--format", "{{.Server.Version}}"],
      { encoding: "utf8" },
    ).trim();
    const results = await runChecks(input);
    const r = results.get("docker.daemon")!;
    assert.equal(r.status, "pass", `${r.summary}\n${daemon!.logTail()}`);
    assert.equal(r.evidence?.serverVersion, expected);
    assert.equal(r.evidence?.endpoint, daemon!.host);
    assert.equal(r.evidence?.endpointSource, "DOCKER_HOST");
    assert.ok(r.summary.includes(`docker daemon ${expected} answers`), r.summary);
  });

  it("docker.version and docker.cli pass and docker.runtimes lists the daemon's runc", async () => {
    const results = await runChecks(input);
    assert.equal(results.get("docker.cli")!.status, "pass");
    assert.equal(results.get("docker.version")!.status, "pass");
    const runtimes = results.get("docker.runtimes")!;
    assert.ok(
      (runtimes.evidence?.runtimes as string[]).includes("runc"),
      JSON.stringify(runtimes.evidence),
    );
  });

  it("docker.image finds the agent's default image locally once it is imported", async () => {
    importImage(daemon!.host, "t/default:1", { "bin/busybox": { copy: BUSYBOX } });
    const withImage = doctorInput({
      PATH: process.env.PATH ?? "/usr/bin:/bin",
      DOCKER_HOST: daemon!.host,
      CLEARML_DOCKER_IMAGE: "t/default:1",
    });
    const r = (await runChecks(withImage)).get("docker.image")!;
    assert.equal(r.evidence?.local, true, JSON.stringify(r));
    assert.equal(r.evidence?.libc, "none", "a static busybox image has no libc");
    assert.ok(
      r.details?.includes(
        "libc: none (x86_64): clearml agent installs clearml-agent with pip in it instead",
      ),
      String(r.details),
    );
    assert.ok(
      r.details?.some((d) => d.startsWith("present locally (sha256:")),
      String(r.details?.join("\n")),
    );
  });

  it("once the daemon is stopped: fail with --docker, the usual warning with only docker settings", async () => {
    await daemon!.stop();
    const env = {
      PATH: process.env.PATH ?? "/usr/bin:/bin",
      DOCKER_HOST: daemon!.host,
      CLEARML_AGENT_EXTRA_DOCKER_ARGS: "--ipc=host",
    };
    const base = doctorInput(env);
    // docker mode asked for (a --docker flag): a stopped daemon is a failure
    const dockerMode: DoctorInput = {
      ...base,
      agent: resolve({
        consumer: "agent",
        env: base.env,
        home: base.home,
        cwd: base.cwd,
        fs: memoryFs({}),
        flags: [{ key: "agent.default_docker.image", value: "t/default:1", flag: "--docker" }],
      }),
    };
    const r = (await runChecks(dockerMode)).get("docker.daemon")!;
    assert.equal(r.status, "fail");
    assert.match(r.summary, /not running/);
    assert.ok(
      ["absent", "refused"].includes(String(r.evidence?.reason)),
      String(r.evidence?.reason),
    );
    assert.equal(r.evidence?.socket, daemon!.socket);
    assert.match(String(r.evidence?.stderr), /Cannot connect to the Docker daemon/);
    assert.ok(r.fix?.commands?.some((c) => c.includes("systemctl")));
    // only docker settings (issue 8 §3): the usual warning, which says why
    const w = (await runChecks(base)).get("docker.daemon")!;
    assert.equal(w.status, "warn");
    assert.match(
      w.summary,
      /not running.*\(docker settings are set \(env CLEARML_AGENT_EXTRA_DOCKER_ARGS\), but they apply only when the agent runs with --docker/,
    );
  });
});
