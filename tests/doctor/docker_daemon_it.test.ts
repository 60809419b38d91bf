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
import {
  type DockerDaemon,
  removeDockerDaemon,
  startDockerDaemon,
} from "../_helpers/docker_daemon.ts";

const enabled = process.env.CI === "true" || process.env.CLEARML_IT === "1";

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
  if (!enabled) {
    it.skip("needs CI=true or CLEARML_IT=1 (root and dockerd, from the docker.io package)", () => {});
    return;
  }
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

  it("docker.daemon fails with not-running evidence once the daemon is stopped", async () => {
    await daemon!.stop();
    // docker mode asked for (extra docker args): a stopped daemon is a failure, not a warning
    const dockerMode = doctorInput({
      PATH: process.env.PATH ?? "/usr/bin:/bin",
      DOCKER_HOST: daemon!.host,
      CLEARML_AGENT_EXTRA_DOCKER_ARGS: "--ipc=host",
    });
    const results = await runChecks(dockerMode);
    const r = results.get("docker.daemon")!;
    assert.equal(r.status, "fail");
    assert.match(r.summary, /not running/);
    assert.ok(
      ["absent", "refused"].includes(String(r.evidence?.reason)),
      String(r.evidence?.reason),
    );
    assert.equal(r.evidence?.socket, daemon!.socket);
    assert.match(String(r.evidence?.stderr), /Cannot connect to the Docker daemon/);
    assert.ok(r.fix?.commands?.some((c) => c.includes("systemctl")));
  });
});
