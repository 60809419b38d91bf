/**
 * The field-level task endpoints as the real server answers them: artifacts (one per key and
 * mode, sorted by key), hyper-parameters and configuration item by item, and `tasks.publish`.
 */
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { tasksApi as api } from "./_tasks_api.ts";

const dict = {
  key: "d",
  type: "dict",
  uri: "http://files/d.json",
  content_size: 53,
  hash: "06f7",
  timestamp: 1796591430,
  type_data: { preview: "{}", content_type: "application/json" },
};

describe("tasks.add_or_update_artifacts / delete_artifacts", () => {
  it("stores one artifact per key and mode, sorted by key, with mode output by default", async () => {
    const { ok, task, get, s } = await api();
    const id = await task({}, "in_progress");
    s.clock.now += 1000;
    const r = await ok("tasks.add_or_update_artifacts", {
      task: id,
      artifacts: [{ ...dict, key: "zeta" }, dict],
    });
    assert.deepEqual(r, { updated: 1 });
    await ok("tasks.add_or_update_artifacts", {
      task: id,
      artifacts: [{ ...dict, uri: "http://files/d2.json" }, {
        key: "d",
        type: "custom",
        mode: "input",
      }],
    });
    const t = await get(id);
    const arts = t.execution.artifacts;
    assert.deepEqual(arts.map((a: { key: string; mode: string }) => [a.key, a.mode]), [
      ["d", "output"],
      ["d", "input"],
      ["zeta", "output"],
    ]);
    assert.equal(arts[0].uri, "http://files/d2.json");
    assert.deepEqual(arts[0].type_data, dict.type_data);
    assert.equal(t.last_update, "2025-01-15T10:00:01.123000+00:00");
    const del = await ok("tasks.delete_artifacts", { task: id, artifacts: [{ key: "d" }] });
    assert.deepEqual(del, { deleted: 1 });
    assert.deepEqual(
      (await get(id)).execution.artifacts.map((
        a: { key: string; mode: string },
      ) => [a.key, a.mode]),
      [["d", "input"], ["zeta", "output"]],
    );
  });

  it("refuses a completed task (400/110), bad items (400/12), and is 404 below 2.10", async () => {
    const { c, ok, task } = await api();
    const id = await task({}, "in_progress");
    await ok("tasks.completed", { task: id });
    const done = await c("tasks.add_or_update_artifacts", { task: id, artifacts: [dict] });
    assert.equal(done.status, 400);
    assert.equal(done.json.meta.result_subcode, 110);
    assert.equal(
      done.json.meta.result_msg,
      "invalid task status: expected=created, status=completed",
    );
    const fresh = await task();
    for (
      const bad of [
        { task: fresh, artifacts: [] },
        { task: fresh, artifacts: [{ key: "k" }] },
        { task: fresh, artifacts: [{ ...dict, mode: "sideways" }] },
        { task: fresh, artifacts: [{ ...dict, content_size: "big" }] },
        { task: fresh },
      ]
    ) {
      const r = await c("tasks.add_or_update_artifacts", bad);
      assert.equal(r.status, 400, JSON.stringify(bad));
      assert.equal(r.json.meta.result_subcode, 12, JSON.stringify(bad));
    }
    const old = await c("tasks.add_or_update_artifacts", { task: fresh, artifacts: [dict] }, "2.9");
    assert.equal(old.status, 404);
    const unknown = await c("tasks.add_or_update_artifacts", {
      task: "f".repeat(32),
      artifacts: [dict],
    });
    assert.equal(unknown.json.meta.result_subcode, 101);
  });

  it("tasks.create and tasks.edit store artifacts the same way", async () => {
    const { ok, get } = await api();
    const { id } = await ok("tasks.create", {
      name: "with-artifacts",
      type: "training",
      execution: {
        artifacts: [{ key: "b", type: "x" }, { key: "a", type: "y" }, { key: "b", type: "z" }],
      },
    });
    const arts = (await get(id)).execution.artifacts;
    assert.deepEqual(arts, [
      { key: "a", type: "y", mode: "output" },
      { key: "b", type: "z", mode: "output" },
    ]);
  });
});

describe("hyper-parameters and configuration items", () => {
  it("edit_hyper_params merges by default, replaces a section or all on request", async () => {
    const { ok, task, get } = await api();
    const id = await task();
    const p = (section: string, name: string, value: string) => ({ section, name, value });
    await ok("tasks.edit_hyper_params", {
      task: id,
      hyperparams: [p("General", "lr", "0.1"), p("General", "epochs", "3"), p("Args", "x", "1")],
    });
    await ok("tasks.edit_hyper_params", { task: id, hyperparams: [p("General", "lr", "0.2")] });
    let hp = (await get(id)).hyperparams;
    assert.equal(hp.General.lr.value, "0.2");
    assert.equal(hp.General.epochs.value, "3");
    await ok("tasks.edit_hyper_params", {
      task: id,
      hyperparams: [p("General", "lr", "0.3")],
      replace_hyperparams: "section",
    });
    hp = (await get(id)).hyperparams;
    assert.deepEqual(Object.keys(hp.General), ["lr"]);
    assert.ok(hp.Args);
    const params = (await ok("tasks.get_hyper_params", { tasks: [id] })).params[0].hyperparams;
    assert.deepEqual(
      params.map((x: { section: string; name: string }) => `${x.section}/${x.name}`),
      [
        "Args/x",
        "General/lr",
      ],
    );
    await ok("tasks.edit_hyper_params", {
      task: id,
      hyperparams: [p("Only", "one", "1")],
      replace_hyperparams: "all",
    });
    assert.deepEqual(Object.keys((await get(id)).hyperparams), ["Only"]);
    const del = await ok("tasks.delete_hyper_params", {
      task: id,
      hyperparams: [{ section: "Only", name: "one" }],
    });
    assert.deepEqual(del, { deleted: 1 });
    assert.deepEqual((await get(id)).hyperparams, { Only: {} });
  });

  it("a running task needs force, except for the properties section", async () => {
    const { c, ok, task, get } = await api();
    const id = await task({}, "in_progress");
    const item = { section: "General", name: "lr", value: "1" };
    const r = await c("tasks.edit_hyper_params", { task: id, hyperparams: [item] });
    assert.equal(r.json.meta.result_subcode, 110);
    await ok("tasks.edit_hyper_params", { task: id, hyperparams: [item], force: true });
    const before = (await get(id)).last_update;
    await ok("tasks.edit_hyper_params", {
      task: id,
      hyperparams: [{ section: "Properties", name: "p", value: "v" }],
    });
    const t = await get(id);
    assert.equal(t.hyperparams.properties.p.value, "v");
    assert.equal(t.last_update, before, "a properties-only edit leaves last_update");
    const conflict = await c("tasks.delete_hyper_params", {
      task: id,
      force: true,
      hyperparams: [{ section: "General" }, { section: "General", name: "lr" }],
    });
    assert.equal(conflict.json.meta.result_subcode, 15);
  });

  it("edit/get/delete configuration and get_configuration_names", async () => {
    const { c, ok, task } = await api();
    const id = await task();
    const other = await task();
    await ok("tasks.edit_configuration", {
      task: id,
      configuration: [
        { name: "zeta", value: "z: 1", type: "yaml" },
        { name: "alpha", value: "a = 1", type: "dictionary" },
        { name: "empty", value: "" },
      ],
    });
    const conf = (await ok("tasks.get_configurations", { tasks: [id] })).configurations[0];
    assert.equal(conf.task, id);
    assert.deepEqual(conf.configuration.map((x: { name: string }) => x.name), [
      "alpha",
      "empty",
      "zeta",
    ]);
    const some = (await ok("tasks.get_configurations", { tasks: [id], names: ["zeta"] }))
      .configurations[0].configuration;
    assert.deepEqual(some, [{ name: "zeta", value: "z: 1", type: "yaml" }]);
    assert.deepEqual(await ok("tasks.get_configuration_names", { tasks: [id, other] }), {
      configurations: [{ task: id, names: ["alpha", "zeta"] }],
    });
    assert.deepEqual(
      (await ok("tasks.get_configuration_names", { tasks: [id], skip_empty: false }))
        .configurations[0].names,
      ["alpha", "empty", "zeta"],
    );
    await ok("tasks.delete_configuration", { task: id, configuration: ["alpha", "empty"] });
    await ok("tasks.edit_configuration", {
      task: id,
      configuration: [{ name: "beta", value: "b" }],
    });
    assert.deepEqual(
      (await ok("tasks.get_configuration_names", { tasks: [id] })).configurations[0].names,
      ["beta", "zeta"],
    );
    await ok("tasks.edit_configuration", {
      task: id,
      configuration: [{ name: "only", value: "o" }],
      replace_configuration: true,
    });
    assert.deepEqual(
      (await ok("tasks.get_configuration_names", { tasks: [id] })).configurations[0].names,
      ["only"],
    );
    const missing = await c("tasks.get_configurations", { tasks: [id, "f".repeat(32)] });
    assert.equal(missing.json.meta.result_subcode, 101);
  });
});

describe("tasks.publish", () => {
  it("publishes a completed task and refuses a running one without force", async () => {
    const { c, ok, task } = await api();
    const id = await task({}, "in_progress");
    const running = await c("tasks.publish", { task: id });
    assert.equal(running.json.meta.result_subcode, 110);
    await ok("tasks.completed", { task: id });
    const r = await ok("tasks.publish", { task: id, status_reason: "good" });
    assert.equal(r.updated, 1);
    assert.equal(r.fields.status, "published");
    assert.equal(r.fields.status_reason, "good");
    assert.equal(typeof r.fields.published, "string");
    assert.deepEqual(r.fields.output, {});
    const again = await c("tasks.add_or_update_artifacts", { task: id, artifacts: [dict] });
    assert.equal(again.json.meta.result_subcode, 110);
  });

  it("tasks.completed with publish: true publishes too", async () => {
    const { ok, task, get } = await api();
    const id = await task({}, "in_progress");
    const r = await ok("tasks.completed", { task: id, publish: true });
    assert.equal(r.published, 1);
    assert.equal(r.fields.status, "published");
    assert.equal((await get(id)).status, "published");
  });
});
