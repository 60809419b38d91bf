import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import { chmodSync, mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { prestartPython, probePython } from "../../src/doctor/probes/python_probe.ts";
import type { ProbeTools } from "../../src/doctor/types.ts";
import { doctorInput } from "../_helpers/doctor_input.ts";

let root = "";
let bin = "";
let venv = "";
let real = ""; // a python3 that answers the introspection with its own path
before(() => {
  root = mkdtempSync(join(tmpdir(), "clearml-pyprobe-"));
  bin = join(root, "bin");
  venv = join(root, "venv", "bin");
  mkdirSync(bin);
  mkdirSync(venv, { recursive: true });
  writeFileSync(join(bin, "python3.11"), "#!/bin/sh\nexit 3\n");
  chmodSync(join(bin, "python3.11"), 0o755);
  symlinkSync("python3.11", join(bin, "python3"));
  symlinkSync("python3.11", join(bin, "python"));
  // a venv's interpreter links to the same file, but is another interpreter (its pyvenv.cfg)
  symlinkSync(join(bin, "python3.11"), join(venv, "python3.11"));
  real = join(root, "real");
  mkdirSync(real);
  const facts =
    '{"version": "3.12.1", "executable": "%s", "prefix": "/usr", "base_prefix": "/usr", ' +
    '"machine": "x86_64", "platform": "linux", "externally_managed": false, "modules": ' +
    '{"venv": true, "ensurepip": true, "virtualenv": false, "pip": true}}';
  writeFileSync(join(real, "python3"), `#!/bin/sh\nprintf '${facts}\\n' "$0"\n`);
  chmodSync(join(real, "python3"), 0o755);
});
after(() => rmSync(root, { recursive: true, force: true }));

/** Tools whose exec answers like the introspection script of the file it starts. */
function countingTools() {
  const started: string[] = [];
  const tools: ProbeTools = {
    signal: new AbortController().signal,
    stepTimeoutMs: 5_000,
    exec: (cmd) => {
      started.push(cmd);
      const prefix = cmd.startsWith(venv) ? join(venv, "..") : "/usr";
      const facts = {
        version: "3.11.7",
        executable: cmd,
        prefix,
        base_prefix: "/usr",
        machine: "x86_64",
        platform: "linux",
        externally_managed: false,
        modules: { venv: true, ensurepip: true, virtualenv: false, pip: true },
      };
      return Promise.resolve({
        code: 0,
        stdout: JSON.stringify(facts) + "\n",
        stderr: "",
        timedOut: false,
        notFound: false,
        durationMs: 1,
      });
    },
  };
  return { tools, started };
}

describe("probePython()", () => {
  it("starts each interpreter once, however many names on PATH lead to it", async () => {
    const { tools, started } = countingTools();
    const snap = await probePython(doctorInput({ PATH: `${bin}:${venv}` }), tools);
    assert.deepEqual(snap.onPath.map((i) => i.name).sort(), ["python", "python3", "python3.11"]);
    assert.equal(started.length, 1, `started: ${started.join(", ")}`);
    // each answer names the path it was found by, as that start would have said
    for (const i of snap.onPath) {
      assert.equal(i.ok, true);
      assert.equal(i.facts?.executable, i.path);
    }
  });

  it("starts python3 first, before it scans the PATH for the other names", async () => {
    const { tools, started } = countingTools();
    const snap = probePython(doctorInput({ PATH: `${bin}:${venv}` }), tools);
    assert.deepEqual(started, [join(bin, "python3")]);
    await snap;
  });

  it("starts a venv's interpreter apart from the file it links to", async () => {
    const { tools, started } = countingTools();
    const snap = await probePython(
      doctorInput({
        PATH: `${bin}:${venv}`,
        CLEARML_AGENT_SKIP_PIP_VENV_INSTALL: join(venv, "python3.11"),
      }),
      tools,
    );
    assert.equal(started.length, 2, `started: ${started.join(", ")}`);
    const spec = snap.specs.CLEARML_AGENT_SKIP_PIP_VENV_INSTALL?.interpreter;
    assert.equal(spec?.facts?.prefix, join(venv, ".."));
  });

  it("takes the answer started before the run when asked as the run asks, starting nothing", async () => {
    const input = { ...doctorInput({ PATH: real }), cwd: root };
    prestartPython({ env: input.env, cwd: root }); // the default budget: 5 s per start
    const { tools, started } = countingTools();
    const snap = await probePython(input, tools);
    assert.deepEqual(started, []);
    const python3 = snap.onPath.find((i) => i.name === "python3");
    assert.equal(python3?.facts?.version, "3.12.1");
    assert.equal(python3?.facts?.executable, join(real, "python3"));
  });

  it("asks again when the run's environment differs from the early start's", async () => {
    const input = { ...doctorInput({ PATH: real, PYTHONPATH: "/x" }), cwd: root };
    prestartPython({ env: { ...input.env, PYTHONPATH: "/y" }, cwd: root });
    const { tools, started } = countingTools();
    await probePython(input, tools);
    assert.deepEqual(started, [join(real, "python3")]);
  });
});
