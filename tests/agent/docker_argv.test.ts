import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { dockerStep } from "../../src/agent/docker_argv.ts";
import { DOCKER_CASES } from "./_docker_cases.ts";
import { dockerContext } from "./_plan_input.ts";

interface Example {
  id: string;
  description: string;
  argv: string[];
  display: string[] | null;
}
const FIXTURE = JSON.parse(
  readFileSync(
    fileURLToPath(new URL("../fixtures/agent/docker_examples.json", import.meta.url).href),
    "utf8",
  ),
) as { examples: Example[] };

/** Token by token, so a failure names the first differing position. */
function sameArgv(actual: readonly string[], expected: readonly string[], id: string) {
  for (let i = 0; i < Math.max(actual.length, expected.length); i++) {
    assert.equal(actual[i], expected[i], `${id}: token ${i} differs`);
  }
}

// The worked examples are argv that clearml-agent 1.9.2 built (`_get_docker_cmd`,
// clearml_agent/commands/worker.py:4402-4688), recorded in tests/fixtures/agent/docker_examples.json.
describe("dockerStep() reproduces every worked example of the real agent (pip fallback)", () => {
  assert.equal(FIXTURE.examples.length, 22);
  for (const ex of FIXTURE.examples) {
    it(`${ex.id}: ${ex.description}`, () => {
      const c = DOCKER_CASES[ex.id];
      assert.ok(c, `no inputs for ${ex.id}`);
      const step = dockerStep(dockerContext(c));
      assert.equal(step.inContainer.runner, "pip-fallback");
      sameArgv(step.argv, ex.argv, ex.id);
      sameArgv(step.argvDisplay, ex.display ?? ex.argv, `${ex.id} (printed)`);
    });
  }
});

/** The spec argv with our documented differences undone: binary/task mounts and the script. */
function withoutOurs(argv: readonly string[]): string[] {
  const out: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    if (argv[i] === "-v" && argv[i + 1]?.includes(":/opt/clearml-agent/")) {
      i++;
      continue;
    }
    out.push(argv[i]!);
  }
  return out.slice(0, -1);
}

describe("dockerStep() runs this binary in the container when the image can run it", () => {
  const docker = { binaryGlibc: "/opt/bin/clearml-glibc", binaryMusl: "/opt/bin/clearml-musl" };
  for (const ex of FIXTURE.examples) {
    if (ex.id === "E14") continue; // standalone: the image brings its own agent
    it(`${ex.id}: glibc image → the glibc build, the rest of the argv unchanged`, () => {
      const step = dockerStep(
        dockerContext(DOCKER_CASES[ex.id]!, { docker: { ...docker, imageLibc: "glibc" } }),
      );
      assert.equal(step.inContainer.runner, "glibc");
      assert.ok(step.argv.includes("/opt/bin/clearml-glibc:/opt/clearml-agent/clearml:ro"));
      sameArgv(withoutOurs(step.argv), ex.argv.slice(0, -1), ex.id);
      assert.match(step.script, / \/opt\/clearml-agent\/clearml agent execute --id a1b2c3d4e5f6$/);
      assert.doesNotMatch(step.script, /-m pip install -U|apt-get update -y/);
    });
  }

  it("E01 with a musl image mounts the musl build and runs it with sh", () => {
    const step = dockerStep(
      dockerContext(DOCKER_CASES.E01!, {
        docker: { ...docker, imageLibc: "musl", imageHasLibstdcxx: true },
      }),
    );
    assert.equal(step.inContainer.runner, "musl");
    assert.deepEqual(step.argv.slice(-4, -1), [
      "nvidia/cuda:11.0.3-cudnn8-runtime-ubuntu20.04",
      "sh",
      "-c",
    ]);
    assert.equal(
      step.script,
      "cp -Rf /.ssh -T ~/.ssh ; cp /tmp/clearml.conf ~/default_clearml.conf ; " +
        "NVIDIA_VISIBLE_DEVICES=all /opt/clearml-agent/clearml agent execute --id a1b2c3d4e5f6",
    );
  });

  it("mounts the task file read-only and runs it with --task-file", () => {
    const c = { ...DOCKER_CASES.E01!, options: { taskFile: "/srv/tasks/task.yaml" } };
    const step = dockerStep(dockerContext(c, { docker: { ...docker, imageLibc: "glibc" } }));
    assert.ok(step.argv.includes("/srv/tasks/task.yaml:/opt/clearml-agent/task.yaml:ro"));
    assert.match(step.script, /agent execute --task-file \/opt\/clearml-agent\/task\.yaml$/);
  });

  const fallbacks: Array<[string, object, RegExp]> = [
    ["musl without libstdc++", { imageLibc: "musl", imageHasLibstdcxx: false }, /libstdc/],
    ["no libc", { imageLibc: "none" }, /no libc/],
    ["unknown libc", { imageLibc: "unknown" }, /unknown/],
    ["another architecture", { imageLibc: "glibc", imageArch: "aarch64" }, /aarch64/],
    ["no glibc build", { imageLibc: "glibc", binaryGlibc: null }, /no glibc build/],
  ];
  for (const [what, facts, why] of fallbacks) {
    it(`falls back to the spec's pip script for ${what}`, () => {
      const step = dockerStep(
        dockerContext(DOCKER_CASES.E01!, { docker: { ...docker, ...facts } }),
      );
      assert.equal(step.inContainer.runner, "pip-fallback");
      assert.match(step.inContainer.why, why);
      sameArgv(step.argv, FIXTURE.examples[0]!.argv, what);
    });
  }
});

describe("dockerStep() debug lines (T86)", () => {
  it("prints the docker-tagged lines only with CLEARML_AGENT_DEBUG_INFO=docker and --debug", () => {
    const on = dockerStep(
      dockerContext({ env: { CLEARML_AGENT_DEBUG_INFO: "docker" }, options: { debug: true } }),
    );
    assert.ok(on.messages.includes("clearml_agent: Constructing docker command"));
    assert.ok(
      on.messages.includes(
        "clearml_agent: Command: ['docker', 'run', '-t', '--gpus', 'all', '-l', 'clearml-worker-id=host:0', '-l', 'clearml-parent-worker-id=host:0']",
      ),
    );
    assert.ok(
      on.messages.some((m) => m.startsWith("clearml_agent: Adding mounts: host_ssh_cache=")),
    );
    const untagged = dockerStep(dockerContext({ options: { debug: true } }));
    assert.ok(untagged.messages.includes("clearml_agent: Setting up docker config command"));
    assert.ok(!untagged.messages.some((m) => m.includes("Constructing")));
    const off = dockerStep(dockerContext({ env: { CLEARML_AGENT_DEBUG_INFO: "docker" } }));
    assert.deepEqual(off.messages, []);
  });
});

describe("dockerStep() and CLEARML_AGENT_TEMP_STDOUT_FILE_DIR", () => {
  it("mounts the config file from the variable's directory made absolute (docker -v needs a path)", () => {
    // clearml_agent/commands/worker.py:2484-2490: the config file is safe_mkstemp(prefix=
    // ".clearml_agent.", dir=ENV_TEMP_STDOUT_FILE_DIR.get()), an absolute name
    const step = dockerStep(
      dockerContext({ env: { CLEARML_AGENT_TEMP_STDOUT_FILE_DIR: "tmp/agent" } }, { cwd: "/w" }),
    );
    const conf = step.argv.find((t) => t.endsWith(":/tmp/clearml.conf"));
    assert.match(conf ?? "", /^\/w\/tmp\/agent\/\.clearml_agent\.[^/]+\.cfg:/);
  });
});
