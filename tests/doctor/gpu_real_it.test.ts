/**
 * The gpu probe against this machine's real CUDA toolkit (nvcc, no driver, no GPU). Runs under
 * CI=true or CLEARML_IT=1, where a missing nvcc is a failure; elsewhere it skips.
 */
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { gpuCategory } from "../../src/doctor/checks/gpu.ts";
import { exec } from "../../src/platform/exec.ts";
import type { ProbeTools } from "../../src/doctor/types.ts";
import { doctorInput } from "../_helpers/doctor_input.ts";
import { nvccVersion } from "../../src/platform/parse/nvcc_version.ts";

const required = process.env.CI === "true" || process.env.CLEARML_IT === "1";

describe("gpu probe with the real nvcc", { skip: !required && "set CLEARML_IT=1 to run" }, () => {
  it("finds nvcc, reads its version the agent's way, and skips the driver checks without a GPU", async () => {
    const tools: ProbeTools = {
      exec: (cmd, args, o) => exec(cmd, args, { timeoutMs: o?.timeoutMs ?? 5000, env: o?.env }),
      signal: new AbortController().signal,
      stepTimeoutMs: 5000,
    };
    const path = `${process.env.PATH ?? ""}:/usr/local/cuda/bin:/usr/local/bin`;
    const input = doctorInput({ PATH: path });
    const s = await gpuCategory.probe(input, tools);
    assert.ok(s.nvcc.path, "nvcc must be on this machine (the CUDA toolkit)");
    assert.equal(s.nvcc.version?.code, 0, s.nvcc.version?.stderr ?? "");
    assert.match(String(nvccVersion(s.nvcc.version!.stdout).release), /^\d+\.\d+$/);
    const byId = new Map(gpuCategory.checks.map((c) => [c.id, c.run(s, input)]));
    const cuda = byId.get("gpu.cuda")!;
    assert.notEqual(cuda.status, "error");
    assert.match(JSON.stringify(cuda), /nvcc --version/);
    const driver = byId.get("gpu.driver")!;
    if (!("text" in s.procVersion)) {
      assert.equal(driver.status, "skip");
      assert.match(driver.summary, /no NVIDIA driver/);
    }
  });
});
