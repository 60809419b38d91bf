import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { readTaskDoc } from "../../src/agent/task.ts";
import { ConfigError } from "../../src/errors.ts";

const JSON_TASK = JSON.stringify({
  id: "a1b2c3d4e5f6",
  name: "train",
  script: {
    repository: "https://github.com/org/repo.git",
    branch: "main",
    entry_point: "train.py",
    working_dir: ".",
    requirements: { pip: "torch==2.1.0\nnumpy" },
    binary: "python3.10",
  },
  container: { image: "python:3.10-bullseye", arguments: "--ipc=host" },
  hyperparams: { Environment: { FOO: { section: "Environment", name: "FOO", value: "bar" } } },
});

function configError(fn: () => unknown, pattern: RegExp) {
  assert.throws(fn, (e: unknown) => {
    assert.ok(e instanceof ConfigError, String(e));
    assert.equal(e.exitCode, 3);
    assert.match(e.message, pattern);
    return true;
  });
}

describe("readTaskDoc()", () => {
  it("reads a JSON task with script, container and hyperparams", () => {
    const t = readTaskDoc(JSON_TASK, "task.json");
    assert.equal(t.id, "a1b2c3d4e5f6");
    assert.equal(t.script.repository, "https://github.com/org/repo.git");
    assert.deepEqual(t.script.requirements, { pip: "torch==2.1.0\nnumpy" });
    assert.equal(t.container.arguments, "--ipc=host");
    assert.equal(t.hyperparams.Environment?.FOO?.value, "bar");
    assert.deepEqual(t.runtime, {});
  });

  it("reads the same task from YAML, with bare hyperparam values and list arguments", () => {
    const t = readTaskDoc(
      [
        "id: t1",
        "script:",
        "  entry_point: main.py",
        "container:",
        "  image: alpine",
        "  arguments: ['-e', 'A=two words']",
        "hyperparams:",
        "  Environment:",
        "    N: 3",
      ].join("\n"),
      "t.yaml",
    );
    assert.equal(t.id, "t1");
    assert.equal(t.container.arguments, "-e 'A=two words'");
    assert.equal(t.hyperparams.Environment?.N?.value, "3");
  });

  it("unwraps a tasks.get_by_id answer", () => {
    const t = readTaskDoc(JSON.stringify({ data: { task: { id: "x9", script: {} } } }), "r.json");
    assert.equal(t.id, "x9");
  });

  it("names the file, line and column of malformed JSON", () => {
    configError(
      () => readTaskDoc('{\n  "id": "a",\n  "script": {,}\n}', "bad.json"),
      /^bad\.json:3:\d+: malformed JSON/,
    );
  });

  it("names the file and line of malformed YAML", () => {
    configError(
      () => readTaskDoc("id: a\nscript:\n  entry_point: [x\n", "bad.yaml"),
      /^bad\.yaml:\d+:\d+: malformed YAML/,
    );
  });

  it("rejects a task without an id, a non-object, an empty file and a mistyped field", () => {
    configError(() => readTaskDoc('{"name": "x"}', "f.json"), /f\.json: the task has no id/);
    configError(
      () => readTaskDoc("- a\n- b\n", "f.yaml"),
      /f\.yaml: task field \(document\) must be an object/,
    );
    configError(() => readTaskDoc("  \n", "e.json"), /e\.json: empty task document/);
    configError(
      () => readTaskDoc('{"id": "a", "script": {"entry_point": {"x": 1}}}', "m.json"),
      /m\.json: task field script\.entry_point must be a string, found object/,
    );
  });
});
