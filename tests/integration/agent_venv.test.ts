/**
 * The runner's Python env step for real: a venv made by /usr/bin/python3, pip installing from a
 * local wheel directory (never an index), the venv cache storing and then reusing the env.
 * Runs when CI=true or CLEARML_IT=1.
 */
import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import { mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { join } from "node:path";
import { tmpdir } from "node:os";
import { runTask } from "../../src/agent/run.ts";
import type { PythonEnvStep } from "../../src/agent/plan_types.ts";
import {
  commandStep,
  host,
  localPlan,
  memorySink,
  PY,
  pythonEnvStep,
  settings,
} from "../agent/run/_plan.ts";
import { makeWheel } from "../agent/run/_wheel.ts";
import { allowSlowTests } from "../agent/run/_slow.ts";
import { realPartsEnabled } from "../_helpers/real_part.ts";

await allowSlowTests();

describe("runTask() Python env step with a real venv and pip", () => {
  if (!realPartsEnabled("python3-venv")) return;
  let dir: string;
  let wheels: string;
  before(() => {
    dir = mkdtempSync(join(tmpdir(), "agent-venv-"));
    wheels = join(dir, "wheels");
    makeWheel(wheels, "tinypkg", "1.0", "from the wheel");
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  function envStep(name: string, over: Partial<PythonEnvStep> = {}): PythonEnvStep {
    const venvDir = join(dir, "venvs-builds", name);
    const py = join(venvDir, "bin", "python");
    const reqs = join(dir, `cached-reqs-${name}.txt`);
    const flags = ["--no-index", "--find-links", wheels];
    return pythonEnvStep({
      venvDir,
      taskPython: py,
      createArgv: [PY, "-m", "venv", venvDir],
      installs: [{
        what: "requirements",
        argv: [py, "-m", "pip", "--disable-pip-version-check", "install", "-r", reqs, ...flags],
        requirementsText: "tinypkg==1.0\n",
      }],
      installFlags: flags,
      ...over,
    });
  }

  async function run(step: PythonEnvStep) {
    const sink = memorySink();
    const plan = localPlan([
      step,
      commandStep(
        [step.taskPython, "-c", "import tinypkg, sys; print(tinypkg.VALUE, sys.prefix)"],
        dir,
      ),
    ], dir);
    const o = await runTask({ plan, settings: settings(), host: host(), sink });
    return { o, log: readFileSync(o.stdoutFile, "utf8") };
  }

  it("creates the venv and installs the requirements from the local wheels", async () => {
    const step = envStep("plain");
    const r = await run(step);
    assert.equal(r.o.status, "completed", r.log);
    assert.ok(r.log.includes(`from the wheel ${step.venvDir}\n`), r.log);
  });

  it("stores the venv in the cache under the task's keys, then reuses it without pip", async () => {
    const cacheDir = join(dir, "venvs-cache");
    const cache = { enabled: true, dir: cacheDir, keys: ["k1"], why: "test" };
    const first = await run(envStep("cached", { cache }));
    assert.equal(first.o.status, "completed", first.log);
    assert.deepEqual(readdirSync(cacheDir).filter((n) => !n.startsWith(".")), ["k1"]);
    assert.ok(first.log.includes("'install'") || first.log.includes('"install"'), first.log);

    const second = await run(envStep("cached", { cache }));
    assert.equal(second.o.status, "completed", second.log);
    assert.ok(second.log.includes("::: Using Cached environment"), second.log);
    assert.ok(!second.log.includes('"install"'), "no pip install on a cache hit: " + second.log);
    assert.ok(second.log.includes("from the wheel"), second.log);
  });

  it("a requirement missing from the wheel directory fails the task with pip's command", async () => {
    // the venv of the first test, not made again (venv creation takes seconds)
    const step = envStep("plain", { createArgv: null });
    step.installs[0]!.requirementsText = "not-a-package==9.9\n";
    const r = await run(step);
    assert.equal(r.o.status, "failed");
    assert.match(r.o.reason!, /^Could not install task requirements! \(requirements, exit 1\)/);
  });
});
