/** `clearml agent plan` and `agent k8s-pod` end to end, as a subprocess from source. */
import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import YAML from "yaml";
import { runCli } from "../_helpers/cli.ts";

let home = "";
/** A training task with docker arguments that carry a token. */
const TASK = {
  id: "a1b2c3d4e5f6",
  name: "train",
  script: { repository: "https://github.com/org/repo.git", entry_point: "train.py" },
  container: { image: "python:3.11", arguments: "--ipc=host -e A=1 -e TOKEN=tok-in-args" },
};
const env = (extra: Record<string, string> = {}) => ({
  HOME: home,
  TMPDIR: home,
  CLEARML_AGENT_GIT_USER: "me",
  CLEARML_AGENT_GIT_PASS: "gitsecret42",
  CLEARML_API_SECRET_KEY: "apisecret77",
  CLEARML_CUDA_VERSION: "0",
  CLEARML_CUDNN_VERSION: "0",
  ...extra,
});
const file = (name: string) => join(home, name);
/** `agent plan` of the task file in docker mode, JSON, without looking at the image. */
const dockerJson = () => [
  "agent",
  "plan",
  "--task-file",
  file("task.json"),
  "--docker",
  "--json",
  "--no-inspect-image",
];

before(() => {
  home = mkdtempSync(join(tmpdir(), "clearml-agent-plan-"));
  writeFileSync(file("task.json"), JSON.stringify(TASK));
  writeFileSync(file("bad.json"), '{\n  "id": "x",\n  "script": {,}\n}\n');
  writeFileSync(file("bad.yaml"), "id: x\nscript:\n  entry_point: [x\n");
  mkdirSync(file("code"));
});
after(() => rmSync(home, { recursive: true, force: true }));

describe("clearml agent plan (subprocess)", () => {
  it("prints the plan as text with the secrets masked", () => {
    const r = runCli(["agent", "plan", "--task-file", file("task.json"), "--no-resolve-torch"], {
      env: env(),
    });
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /^Task a1b2c3d4e5f6 \(train\): local run/);
    assert.match(r.stdout, /git clone 'https:\/\/me:\*{8}@github\.com\/org\/repo\.git'/);
    assert.doesNotMatch(r.stdout, /gitsecret42|apisecret77/);
  });

  it("--json: schema, docker argv as an array, secrets masked unless --show-secrets", () => {
    const args = dockerJson();
    const r = runCli(args, { env: env({ CLEARML_AGENT_DOCKER_ARGS_HIDE_ENV: "TOKEN" }) });
    assert.equal(r.code, 0, r.stderr);
    const p = JSON.parse(r.stdout);
    assert.equal(p.schema, "clearml.agent-plan/v1");
    assert.equal(p.secretValues, undefined);
    const docker = p.steps.find((s: { kind: string }) => s.kind === "docker");
    assert.deepEqual(docker.argv.slice(0, 6), [
      "docker",
      "run",
      "-t",
      "--gpus",
      "all",
      "--ipc=host",
    ]);
    assert.ok(docker.argv.includes("TOKEN=********"));
    assert.ok(!r.stdout.includes("tok-in-args"));
    const shown = runCli([...args, "--show-secrets"], {
      env: env({ CLEARML_AGENT_DOCKER_ARGS_HIDE_ENV: "TOKEN" }),
    });
    const p2 = JSON.parse(shown.stdout);
    assert.ok(
      p2.steps.find((s: { kind: string }) => s.kind === "docker").argv.includes(
        "TOKEN=tok-in-args",
      ),
    );
  });

  it("--cpu-only and --gpus shape the docker GPU flags", () => {
    const argv = (flags: string[]) => {
      const r = runCli([...dockerJson(), ...flags], { env: env() });
      assert.equal(r.code, 0, r.stderr);
      return JSON.parse(r.stdout).steps[0].argv as string[];
    };
    assert.ok(!argv(["--cpu-only"]).includes("--gpus"));
    assert.deepEqual(argv(["--gpus", "0,1"]).slice(3, 5), ["--gpus", '"device=0,1"']);
  });

  it("malformed task documents fail with exit 3 naming the file and line", () => {
    for (const name of ["bad.json", "bad.yaml"]) {
      const r = runCli(["agent", "plan", "--task-file", file(name)], { env: env() });
      assert.equal(r.code, 3, r.stderr);
      assert.match(r.stderr, new RegExp(`${name}:\\d+:\\d+: malformed (JSON|YAML) task document`));
      assert.doesNotMatch(r.stderr, /at .*\.ts:\d+/);
    }
  });

  it("a missing task file is a usage error (exit 2)", () => {
    const r = runCli(["agent", "plan", "--task-file", file("nope.json")], { env: env() });
    assert.equal(r.code, 2);
    assert.match(r.stderr, /--task-file .*nope\.json: cannot read/);
  });

  it("unbalanced quotes in a list variable: exit 3 naming the variable", () => {
    const r = runCli([
      "agent",
      "plan",
      "--task-file",
      file("task.json"),
      "--docker",
      "--no-inspect-image",
    ], {
      env: env({ CLEARML_AGENT_EXTRA_DOCKER_ARGS: "-e 'open" }),
    });
    assert.equal(r.code, 3);
    assert.match(r.stderr, /CLEARML_AGENT_EXTRA_DOCKER_ARGS/);
    assert.match(r.stderr, /No closing quotation/);
  });

  it("a missing CLEARML_AGENT_FORCE_CODE_DIR: exit 3 naming the variable; an existing one is used", () => {
    const bad = runCli(["agent", "plan", "--task-file", file("task.json"), "--no-resolve-torch"], {
      env: env({ CLEARML_AGENT_FORCE_CODE_DIR: file("missing") }),
    });
    assert.equal(bad.code, 3);
    assert.match(bad.stderr, /CLEARML_AGENT_FORCE_CODE_DIR=.*missing: no such directory/);
    const ok = runCli([
      "agent",
      "plan",
      "--task-file",
      file("task.json"),
      "--json",
      "--no-resolve-torch",
    ], {
      env: env({ CLEARML_AGENT_FORCE_CODE_DIR: file("code") }),
    });
    assert.equal(ok.code, 0, ok.stderr);
    assert.equal(JSON.parse(ok.stdout).steps[0].codeDir, file("code"));
  });
});

describe("clearml agent k8s-pod (subprocess)", () => {
  it("writes the pod manifest with the start script at CLEARML_K8S_GLUE_START_AGENT_SCRIPT_PATH", () => {
    const out = file("pod.yaml");
    const r = runCli([
      "agent",
      "k8s-pod",
      "--task-file",
      file("task.json"),
      "--output",
      out,
      "--worker-id",
      "glue",
    ], {
      env: env({ CLEARML_K8S_GLUE_START_AGENT_SCRIPT_PATH: "/root/start.sh" }),
    });
    assert.equal(r.code, 0, r.stderr);
    const pod = YAML.parse(readFileSync(out, "utf8"));
    assert.equal(pod.kind, "Pod");
    assert.equal(pod.metadata.name, "clearml-id-a1b2c3d4e5f6");
    const c = pod.spec.containers[0];
    assert.equal(c.image, "python:3.11");
    assert.deepEqual(c.command, ["/bin/bash"]);
    assert.match(
      c.args[1],
      /\| base64 --decode >> \/root\/start\.sh ; \/bin\/bash \/root\/start\.sh ; exit 0$/,
    );
    assert.deepEqual(c.env, [
      { name: "A", value: "1" },
      { name: "TOKEN", value: "tok-in-args" },
      { name: "CLEARML_WORKER_ID", value: "glue:a1b2c3d4e5f6" },
    ]);
    assert.match(r.stderr, /skipping docker argument --ipc=host/);
  });
});
