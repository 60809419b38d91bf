/**
 * Doctor's gpu category on this machine against the real clearml-agent 1.9.2: the CUDA and cuDNN
 * versions `gpu.cuda`/`gpu.cudnn` say the agent uses must be the ones the real agent's Session
 * computes (`clearml-agent config` prints them), whatever this machine has (a CUDA toolkit, a
 * driver, or nothing: no nvcc is required). Runs under CI=true or CLEARML_IT=1; there the real
 * agent (../shared/peers) must run.
 */
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { peer } from "../_helpers/peers.ts";
import { gpuCategory } from "../../src/doctor/checks/gpu.ts";
import { exec } from "../../src/platform/exec.ts";
import type { DoctorInput, ProbeTools } from "../../src/doctor/types.ts";
import { resolve } from "../../src/settings/resolve.ts";
import { nodeFsView } from "../../src/settings/node_fs_view.ts";
import { PARTS_REQUIRED, showSkip } from "../_helpers/real_part.ts";

const required = PARTS_REQUIRED;
const agentPeer = () => peer("clearml-agent.sh");

const tools: ProbeTools = {
  exec: (cmd, args, o) => exec(cmd, args, { timeoutMs: o?.timeoutMs ?? 5000, env: o?.env }),
  signal: new AbortController().signal,
  stepTimeoutMs: 5000,
};

showSkip("the gpu checks against the real agent", !required && "set CLEARML_IT=1 to run");
describe("doctor's gpu checks equal the real clearml-agent on this machine", {
  skip: !required && "set CLEARML_IT=1 to run",
}, () => {
  const path = `${process.env.PATH ?? "/usr/bin:/bin"}:/usr/local/cuda/bin:/usr/local/bin`;
  const cases: Array<[string, Record<string, string>]> = [
    ["PATH with the usual CUDA places", { PATH: path }],
    ["PATH without them", { PATH: "/usr/bin:/bin" }],
  ];
  for (const [name, env] of cases) {
    it(name, { timeout: 60_000 }, async () => {
      const home = mkdtempSync(join(tmpdir(), "gpu-peer-"));
      try {
        const conf = join(home, "clearml.conf");
        writeFileSync(conf, "");
        const full = { ...env, HOME: home };
        const out = execFileSync(agentPeer(), ["--config-file", conf, "config"], {
          env: full,
          encoding: "utf8",
          timeout: 60_000,
        });
        assert.match(out, /^agent\.cuda_version = .+$/m, out.slice(0, 2000));
        assert.match(out, /^agent\.cudnn_version = .+$/m);
        const real = (key: string) =>
          new RegExp(`^agent\\.${key} = (.*)$`, "m").exec(out)?.[1]?.trim();
        const agent = resolve({
          consumer: "agent",
          env: { ...full, CLEARML_CONFIG_FILE: conf },
          home,
          cwd: home,
          fs: nodeFsView,
        });
        const input: DoctorInput = {
          env: full,
          envFromFile: new Map(),
          home,
          cwd: home,
          sdk: agent,
          agent,
          options: {
            offline: true,
            timeoutMs: 10_000,
            probeGit: false,
            queues: [],
            verbose: false,
          },
        };
        const s = await gpuCategory.probe(input, tools);
        const byId = new Map(gpuCategory.checks.map((c) => [c.id, c.run(s, input)]));
        const cuda = byId.get("gpu.cuda")!;
        const cudnn = byId.get("gpu.cudnn")!;
        assert.equal(cuda.evidence?.cuda, real("cuda_version"), JSON.stringify(cuda));
        assert.equal(cudnn.evidence?.cudnn, real("cudnn_version"), JSON.stringify(cudnn));
        // without a driver the driver check skips and says so
        if (!("text" in s.procVersion)) {
          const driver = byId.get("gpu.driver")!;
          assert.equal(driver.status, "skip");
          assert.match(driver.summary, /no NVIDIA driver/);
        }
      } finally {
        rmSync(home, { recursive: true, force: true });
      }
    });
  }
});
