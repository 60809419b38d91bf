/**
 * The real ClearML SDK 1.17.0 reports metrics to `clearml serve` (API host and keys only) and
 * another SDK process reads them back: scalars (downsampled and all), last metrics, single
 * values, plots and tables, debug image metadata, the console; no endpoint the server lacks is
 * called. Runs when CI=true or CLEARML_IT=1.
 */
import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import { REAL_PARTS } from "../server/_serve_process.ts";
import { printed, runSdk, type SdkServe, startSdkServe } from "./sdk_tasks_fixture.ts";

const REPORT = `
import numpy as np
from clearml import Task
t = Task.init(project_name="events/sdk", task_name="metrics",
              auto_connect_frameworks=False, auto_resource_monitoring=False)
lg = t.get_logger()
for i in range(50):
    lg.report_scalar("loss", "train", value=1.0 / (i + 1), iteration=i)
    lg.report_scalar("loss", "val", value=2.0 + i, iteration=i)
lg.report_single_value("accuracy", 0.93)
lg.report_text("a text report")
lg.report_table("results", "final", iteration=3, table_plot=[["name", "score"], ["a", 1], ["b", 2]])
lg.report_scatter2d("points", "xy", iteration=1, scatter=[[0, 1], [1, 3], [2, 2]])
lg.report_image("samples", "noise", iteration=2, image=np.zeros((8, 8, 3), dtype=np.uint8))
print("PRINTED-TO-STDOUT 12345")
print("TASK-ID", t.id)
t.close()
`;

const READ = `
import json, sys
from clearml import Task
t = Task.get_task(task_id=sys.argv[1])
print("SCALARS", json.dumps(t.get_reported_scalars()))
print("ALL", json.dumps(t.get_all_reported_scalars()))
print("LAST", json.dumps(t.get_last_scalar_metrics()))
print("SINGLE", json.dumps(t.get_reported_single_values()))
print("PLOTS", json.dumps(sorted([p["metric"], p["variant"], p["iter"]] for p in t.get_reported_plots())))
print("CONSOLE", json.dumps(t.get_reported_console_output(number_of_reports=50)))
print("IMAGES", json.dumps([[s["metric"], s["variant"], s["iter"], s.get("url", "")] for s in t.get_debug_samples("samples", "noise")]))
`;

describe("the real SDK's metrics against clearml serve", () => {
  if (!REAL_PARTS) {
    it.skip("needs CI=true or CLEARML_IT=1 (python3 and the peers' python3-* packages)", () => {});
    return;
  }
  let s: SdkServe;
  before(async () => {
    s = await startSdkServe("clearml-sdk-events-");
  });
  after(async () => {
    if (s) await s.stop();
  });

  it("reports in one process and reads back in another", { timeout: 300_000 }, () => {
    const r = runSdk(s, "report", REPORT);
    assert.equal(r.status, 0, r.out);
    const id = printed(r.stdout, "TASK-ID");
    assert.match(id ?? "", /^[0-9a-f]{32}$/, r.out);

    const read = runSdk(s, "read", READ, [id!]);
    assert.equal(read.status, 0, read.out);
    const got = (label: string) => JSON.parse(printed(read.stdout, label) ?? "null");

    const scalars = got("SCALARS");
    assert.deepEqual(scalars.loss.train.x, Array.from({ length: 50 }, (_, i) => i));
    assert.equal(scalars.loss.train.y[9], 0.1);
    assert.deepEqual(scalars.loss.val.y, Array.from({ length: 50 }, (_, i) => 2 + i));
    const all = got("ALL");
    assert.equal(all.loss.val.x.length, 50);
    assert.equal(all.loss.val.y.at(-1), 51);

    const last = got("LAST");
    assert.deepEqual(last.loss.train, { last: 0.02, min: 0.02, max: 1 });
    assert.deepEqual(last.loss.val, { last: 51, min: 2, max: 51 });
    assert.deepEqual(got("SINGLE"), { accuracy: 0.93 });

    assert.deepEqual(got("PLOTS"), [["points", "xy", 1], ["results", "final", 3]]);
    const console = (got("CONSOLE") as string[]).join("");
    assert.match(console, /PRINTED-TO-STDOUT 12345/);
    assert.match(console, /a text report/);

    const images = got("IMAGES") as [string, string, number, string][];
    assert.equal(images.length, 1, read.out);
    assert.deepEqual(images[0]!.slice(0, 3), ["samples", "noise", 2]);
    assert.match(images[0]![3], /^http:\/\/.*noise/);

    assert.deepEqual(s.unknownEndpoints(), [], "endpoints the SDK called that the server lacks");
  });
});
