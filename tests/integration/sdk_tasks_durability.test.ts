/**
 * `kill -9` of `clearml serve` while clients record what the SDK records on the task side
 * (nested projects, tasks, artifacts, hyper-parameters, configuration, models, status changes):
 * after a restart on the same data directory, every acknowledged change is there.
 */
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { keyedArgs, RawApi, startServe } from "../server/_serve_process.ts";

const KEY = "TASKSKILLKEY0123456789ABCDEFGH";
const SECRET = "tasksKillSecret0123456789abcdefghijklmnopqrstuvwx";

interface Acked {
  task: string;
  project: string;
  steps: string[];
  model?: string;
}

describe("clearml serve killed with SIGKILL during task-side changes", () => {
  it("keeps every acknowledged project, artifact, parameter, model and status", {
    timeout: 180_000,
  }, async () => {
    const dir = mkdtempSync(join(tmpdir(), "clearml-tasks-kill-"));
    const args = keyedArgs(join(dir, "data"), KEY, SECRET);
    try {
      const first = await startServe(args);
      const api = new RawApi(first.url);
      await api.login(KEY, SECRET);
      const acked: Acked[] = [];
      let running = true;
      const client = async (n: number) => {
        for (let i = 0; running; i++) {
          try {
            const project = (await api.call("projects.create", { name: `kill/c${n}/run-${i}` })).id;
            const task = (await api.call("tasks.create", {
              name: `kill-${n}-${i}`,
              type: "training",
              project,
            })).id;
            const a: Acked = { task, project, steps: [] };
            acked.push(a);
            await api.call("tasks.started", { task });
            a.steps.push("started");
            await api.call("tasks.add_or_update_artifacts", {
              task,
              artifacts: [{ key: "stats", type: "dict", uri: `http://files/${task}.json` }],
            });
            a.steps.push("artifact");
            await api.call("tasks.edit_hyper_params", {
              task,
              force: true,
              hyperparams: [{ section: "General", name: "lr", value: String(i) }],
            });
            a.steps.push("params");
            await api.call("tasks.edit_configuration", {
              task,
              force: true,
              configuration: [{ name: "cfg", value: `n=${n}` }],
            });
            a.steps.push("config");
            const model = (await api.call("models.create", {
              name: `model-${n}-${i}`,
              uri: "http://files/w.bin",
              task,
            })).id;
            a.model = model;
            await api.call("tasks.add_or_update_model", {
              task,
              name: "best",
              model,
              type: "output",
            });
            a.steps.push("model");
            await api.call("tasks.completed", { task });
            a.steps.push("completed");
          } catch {
            return; // the server is gone
          }
        }
      };
      const clients = Array.from({ length: 3 }, (_, n) => client(n));
      while (acked.filter((a) => a.steps.includes("completed")).length < 20) {
        await new Promise((r) => setTimeout(r, 20));
      }
      process.kill(first.child.pid!, "SIGKILL");
      await first.exited;
      running = false;
      await Promise.all(clients);

      const second = await startServe(args);
      try {
        const again = new RawApi(second.url);
        await again.login(KEY, SECRET);
        for (const a of acked) {
          const t = (await again.call("tasks.get_by_id", { task: a.task })).task;
          assert.equal(t.project, a.project);
          const p = (await again.call("projects.get_by_id", { project: a.project })).project;
          assert.match(p.name, /^kill\/c\d\/run-\d+$/);
          if (a.steps.includes("started")) assert.notEqual(t.status, "created", a.task);
          if (a.steps.includes("artifact")) assert.equal(t.execution.artifacts[0].key, "stats");
          if (a.steps.includes("params")) assert.ok(t.hyperparams.General.lr, a.task);
          if (a.steps.includes("config")) assert.ok(t.configuration.cfg, a.task);
          if (a.model) {
            const m = (await again.call("models.get_by_id", { model: a.model })).model;
            assert.equal(m.task, a.task);
          }
          if (a.steps.includes("model")) assert.equal(t.models.output[0].model, a.model);
          if (a.steps.includes("completed")) assert.equal(t.status, "completed", a.task);
        }
        // the parents created on the way are there too, each once
        const names = (await again.call("projects.get_all", { only_fields: ["name"] })).projects
          .map((p: { name: string }) => p.name);
        assert.equal(new Set(names).size, names.length);
        assert.ok(names.includes("kill") && names.includes("kill/c0"), names.join(","));
      } finally {
        second.child.kill("SIGKILL");
        await second.exited;
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
