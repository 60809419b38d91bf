/**
 * `projects.*` with path names, as the real server: `a/b/c` creates the missing ancestors (each
 * a project of at least 3 characters), links them by `parent`/`path`, and `get_all` finds
 * descendants by `parent` at any depth unless `shallow_search`.
 */
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { tasksApi as api } from "./_tasks_api.ts";

describe("projects with path names", () => {
  it("projects.create of sdk/team/run creates both ancestors and links them", async () => {
    const { ok } = await api();
    const { id } = await ok("projects.create", { name: " sdk//team/ run ", description: "d" });
    const all = (await ok("projects.get_all", { only_fields: ["id", "name", "parent", "path"] }))
      .projects;
    const byName = Object.fromEntries(all.map((p: { name: string }) => [p.name, p]));
    assert.deepEqual(Object.keys(byName).sort(), ["sdk", "sdk/team", "sdk/team/run"]);
    assert.equal(byName["sdk/team/run"].id, id);
    assert.equal(byName["sdk/team/run"].parent, byName["sdk/team"].id);
    assert.deepEqual(byName["sdk/team/run"].path, [byName["sdk"].id, byName["sdk/team"].id]);
    assert.equal(byName["sdk"].parent, undefined);
    const p = (await ok("projects.get_by_id", { project: id })).project;
    assert.equal(p.basename, "run");
    assert.equal(p.description, "d");
    assert.equal(p.path, undefined, "path is returned only when projected");
    const parent = (await ok("projects.get_by_id", { project: byName["sdk/team"].id })).project;
    assert.equal(parent.description, "");
  });

  it("an ancestor shorter than 3 characters fails the whole create (400/800), nothing kept", async () => {
    const { c, ok } = await api();
    const r = await c("projects.create", { name: "a/b" });
    assert.equal(r.status, 400);
    assert.equal(r.json.meta.result_subcode, 800);
    assert.equal(r.json.meta.result_msg, "data validation error: name=String value is too short");
    assert.deepEqual((await ok("projects.get_all")).projects, []);
  });

  it("a second create of the same path is 400/801; an empty path is 400/407", async () => {
    const { c, ok } = await api();
    await ok("projects.create", { name: "sdk/one" });
    const again = await c("projects.create", { name: "sdk/one/" });
    assert.equal(again.status, 400);
    assert.equal(again.json.meta.result_subcode, 801);
    assert.match(
      again.json.meta.result_msg,
      /^Project with the same name already exists: name=sdk\/one/,
    );
    // an existing ancestor is reused
    await ok("projects.create", { name: "sdk/two" });
    assert.equal((await ok("projects.get_all", { name: "^sdk$" })).projects.length, 1);
    const empty = await c("projects.create", { name: "//" });
    assert.equal(empty.json.meta.result_subcode, 407);
    // parts are stripped after empty ones are dropped: " / " is the one-character name "/"
    const blank = await c("projects.create", { name: " / " });
    assert.equal(blank.json.meta.result_subcode, 800);
  });

  it("get_all: parent at any depth, shallow_search for direct children or the top level", async () => {
    const { ok } = await api();
    await ok("projects.create", { name: "top/mid/leaf" });
    const top = (await ok("projects.get_all", { name: "^top$" })).projects[0].id;
    const names = async (body: unknown) =>
      (await ok("projects.get_all", body)).projects.map((p: { name: string }) => p.name).sort();
    assert.deepEqual(await names({ parent: [top] }), ["top/mid", "top/mid/leaf"]);
    assert.deepEqual(await names({ parent: [top], shallow_search: true }), ["top/mid"]);
    assert.deepEqual(await names({ shallow_search: true }), ["top"]);
    assert.deepEqual(await names({ name: "^top/mid/leaf$", only_fields: ["id"] }), [undefined]);
  });

  it("hidden projects show only with search_hidden or by id", async () => {
    const { ok } = await api();
    const { id } = await ok("projects.create", { name: "hid/den", system_tags: ["hidden"] });
    assert.equal((await ok("projects.get_all", { name: "den" })).projects.length, 0);
    assert.equal(
      (await ok("projects.get_all", { name: "den", search_hidden: true })).projects.length,
      1,
    );
    assert.equal((await ok("projects.get_all", { id: [id] })).projects.length, 1);
  });

  it("projects.update renames within the parent (children follow) and refuses a move", async () => {
    const { c, ok } = await api();
    const { id } = await ok("projects.create", { name: "org/old/child" });
    const old = (await ok("projects.get_all", { name: "^org/old$" })).projects[0].id;
    const r = await ok("projects.update", { project: old, name: "org/new", system_tags: ["x"] });
    assert.equal(r.updated, 1);
    assert.equal(r.fields.basename, "new");
    assert.deepEqual(r.fields.system_tags, ["x"]);
    assert.equal((await ok("projects.get_by_id", { project: id })).project.name, "org/new/child");
    const move = await c("projects.update", { project: old, name: "elsewhere/new" });
    assert.equal(move.json.meta.result_subcode, 408);
    const missing = await c("projects.update", { project: "f".repeat(32) });
    assert.equal(missing.json.meta.result_subcode, 401);
  });

  it("tasks.get_all include_subprojects finds tasks of descendants", async () => {
    const { ok } = await api();
    const { id: parent } = await ok("projects.create", { name: "inc/parent" });
    const { id: child } = await ok("projects.create", { name: "inc/parent/child" });
    await ok("tasks.create", { name: "in-parent", type: "training", project: parent });
    await ok("tasks.create", { name: "in-child", type: "training", project: child });
    const names = async (body: unknown) =>
      (await ok("tasks.get_all", body)).tasks.map((t: { name: string }) => t.name).sort();
    assert.deepEqual(await names({ project: [parent] }), ["in-parent"]);
    assert.deepEqual(await names({ project: [parent], include_subprojects: true }), [
      "in-child",
      "in-parent",
    ]);
  });
});
