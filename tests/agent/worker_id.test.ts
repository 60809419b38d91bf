import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { visibleDevices, workerId } from "../../src/agent/worker_id.ts";

/** What `daemon` registers as on host `host` with these variables and flags, first slot. */
function daemonId(
  env: Record<string, string>,
  flags: { gpus?: string; cpuOnly?: boolean } = {},
  dynamicGpus = false,
) {
  return workerId({
    name: "host",
    devices: visibleDevices(env, flags),
    dynamicGpus,
    mode: "daemon",
  });
}

describe("workerId() reproduces the agent-exec vectors", () => {
  // clearml_agent/commands/worker.py:4827-4839
  it("gives host:gpu0,1 for --gpus 0,1", () => {
    assert.equal(daemonId({}, { gpus: "0,1" }).id, "host:gpu0,1");
  });

  // clearml_agent/commands/worker.py:4827-4839; clearml_agent/session.py:357-372
  it("gives host:gpu0.1 for --gpus 0:1 (MIG)", () => {
    assert.equal(daemonId({}, { gpus: "0:1" }).id, "host:gpu0.1");
  });

  // clearml_agent/commands/worker.py:4837-4838; clearml_agent/helper/singleton.py:171-172
  it("names a CPU-only worker host:cpu and gives it the id host:cpu:0", () => {
    const r = daemonId({}, { cpuOnly: true });
    assert.equal(r.name, "host:cpu");
    assert.equal(r.id, "host:cpu:0");
  });

  // clearml_agent/commands/worker.py:4833-4834
  it("gives host:gpuall for NVIDIA_VISIBLE_DEVICES=all", () => {
    assert.equal(daemonId({ NVIDIA_VISIBLE_DEVICES: "all" }).id, "host:gpuall");
  });

  // clearml_agent/commands/worker.py:4833-4834
  it("gives host:dgpu0-3 with --dynamic-gpus --gpus 0-3", () => {
    assert.equal(daemonId({}, { gpus: "0-3" }, true).id, "host:dgpu0-3");
  });

  // clearml_agent/commands/worker.py:747-749
  it("gives host:<pid> to a plain execute without CLEARML_WORKER_ID", () => {
    assert.equal(workerId({ name: "host", mode: "execute", pid: 4242 }).id, "host:4242");
  });
});

describe("workerId()", () => {
  it("keeps a configured id whatever the devices", () => {
    const r = workerId({
      name: "host",
      configuredId: "fixed",
      devices: "0,1",
      mode: "daemon",
    });
    assert.equal(r.id, "fixed");
  });

  it("uses a configured id for execute too", () => {
    assert.equal(workerId({ name: "host", configuredId: "w1", mode: "execute", pid: 1 }).id, "w1");
  });

  it("gives host:<slot> when no device variable is set", () => {
    assert.equal(workerId({ name: "host", mode: "daemon", slot: 2 }).id, "host:2");
  });

  it("treats an empty device list as no information", () => {
    const r = workerId({ name: "host", devices: "", mode: "daemon" });
    assert.equal(r.id, "host:0");
    assert.equal(r.name, "host");
  });

  it("reads NONE in any case as CPU only", () => {
    assert.equal(workerId({ name: "host", devices: "NONE", mode: "daemon" }).id, "host:cpu:0");
  });
});

describe("visibleDevices()", () => {
  it("is undefined when neither variable is set", () => {
    assert.equal(visibleDevices({}), undefined);
  });

  it("falls back to CUDA_VISIBLE_DEVICES when NVIDIA_VISIBLE_DEVICES is empty", () => {
    assert.equal(visibleDevices({ NVIDIA_VISIBLE_DEVICES: "", CUDA_VISIBLE_DEVICES: "2" }), "2");
  });

  it("reads colons back as dots", () => {
    assert.equal(visibleDevices({ NVIDIA_VISIBLE_DEVICES: "0:1,1:0" }), "0.1,1.0");
  });

  it("ignores --gpus inside Kubernetes", () => {
    const env = { KUBERNETES_SERVICE_HOST: "10.0.0.1", NVIDIA_VISIBLE_DEVICES: "3" };
    assert.equal(visibleDevices(env, { gpus: "0,1" }), "3");
  });

  it("sets all for --gpus all and drops CUDA_VISIBLE_DEVICES", () => {
    assert.equal(visibleDevices({ CUDA_VISIBLE_DEVICES: "1" }, { gpus: "all" }), "all");
  });

  it("makes --cpu-only win over any variable", () => {
    assert.equal(visibleDevices({ NVIDIA_VISIBLE_DEVICES: "0" }, { cpuOnly: true }), "none");
  });
});
