import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { fileURLToPath } from "node:url";
import { plan } from "../../src/agent/plan.ts";
import { type HostFacts, stepOf } from "../../src/agent/plan_types.ts";
import type { HttpAnswer } from "../../src/agent/pytorch_resolve.ts";
import { fetchTorchAnswers } from "../../src/agent/pytorch_answers.ts";
import { globalFetcher } from "../../src/agent/pytorch_fetch.ts";
import { hostFacts, taskOf, viewOf } from "./_plan_input.ts";

const page = (name: string) =>
  readFileSync(
    fileURLToPath(new URL(`../fixtures/agent/torch/${name}`, import.meta.url).href),
    "utf8",
  );
const BASE = "https://download.pytorch.org/whl/";
const PY310 = [{ command: "python3.10", path: "/usr/bin/python3.10", version: "3.10.12" }];

/** Recorded answers; every other URL answers 404 (the agent's `requests.get(...).ok` is false). */
function answers(ok: Record<string, string>): Record<string, HttpAnswer> {
  return new Proxy({} as Record<string, HttpAnswer>, {
    get: (
      _t,
      key: string,
    ) => (key in ok ? { status: 200, body: ok[key] } : { status: 404, body: "" }),
  });
}

function torchPlan(
  pip: string,
  env: Record<string, string>,
  http: Record<string, HttpAnswer>,
  conf?: string,
) {
  const view = viewOf({ CLEARML_CUDNN_VERSION: "8", ...env }, conf);
  const p = plan(
    taskOf({
      script: {
        repository: "https://github.com/org/repo.git",
        binary: "python3.10",
        requirements: { pip },
      },
    }),
    { resolution: view.resolution, env: view.env, options: {} },
    hostFacts({ pythons: PY310, http }),
  );
  return { torch: stepOf(p, "pytorch")!, py: stepOf(p, "python-env")! };
}

const CU118 = { CLEARML_CUDA_VERSION: "11.8" };
const DIRECT = { ...CU118, CLEARML_AGENT_PACKAGE_PYTORCH_RESOLVE: "direct" };

// clearml_agent/helper/package/pytorch.py:516-551,673-715
describe("PyTorch resolution, pip mode", () => {
  // clearml_agent/helper/package/pytorch.py:516-551,673-715
  it("torch==2.1.0 with cu118/ reachable → torch ==2.1.0.* and the index on every install", () => {
    const { torch, py } = torchPlan(
      "torch==2.1.0\nnumpy",
      CU118,
      answers({ [`${BASE}cu118/`]: "" }),
    );
    assert.equal(torch.mode, "pip");
    assert.equal(torch.requirements[0]!.replacement, "torch ==2.1.0.*");
    assert.equal(torch.extraIndexUrl, `${BASE}cu118/`);
    assert.deepEqual(py.installFlags, ["--extra-index-url", `${BASE}cu118/`]);
    assert.equal(
      py.installs.find((i) => i.what === "requirements")!.requirementsText,
      "torch ==2.1.0.*\nnumpy\n",
    );
    assert.ok(torch.messages.includes(`Torch CUDA 118 index page found, adding \`${BASE}cu118/\``));
  });

  // clearml_agent/helper/package/pytorch.py:516-551,673-715
  it("cuda 12.4 with only cu121/ probes cu124, cu123, cu122, cu121", () => {
    const { torch } = torchPlan(
      "torch==2.3.0",
      { CLEARML_CUDA_VERSION: "12.4" },
      answers({ [`${BASE}cu121/`]: "" }),
    );
    assert.deepEqual(
      torch.probes.map((p) => p.url),
      ["cu124/", "cu123/", "cu122/", "cu121/"].map((c) => BASE + c),
    );
    assert.equal(torch.extraIndexUrl, `${BASE}cu121/`);
  });

  // clearml_agent/helper/package/pytorch.py:523-544,663-671
  it("an old pinned torch with a marker gets .* and setuptools < 59", () => {
    const { torch, py } = torchPlan(
      "torch==1.10.2 ; python_version >= '3.8'",
      CU118,
      answers({ [`${BASE}cu118/`]: "" }),
    );
    assert.equal(torch.requirements[0]!.replacement, "torch ==1.10.2.* ; python_version >= '3.8'");
    assert.deepEqual(torch.extraLines, ["setuptools < 59"]);
    assert.match(
      py.installs.find((i) => i.what === "requirements")!.requirementsText!,
      /setuptools < 59\n$/,
    );
  });

  // clearml_agent/helper/package/pytorch.py:545-547
  it("a range stays as written; the index is still added", () => {
    const { torch } = torchPlan("torch>=1.9,<2", CU118, answers({ [`${BASE}cu118/`]: "" }));
    assert.equal(torch.requirements[0]!.replacement, "torch>=1.9,<2");
    assert.equal(torch.extraIndexUrl, `${BASE}cu118/`);
    assert.deepEqual(torch.extraLines, []);
  });

  // clearml_agent/helper/package/pytorch.py:272-277,500-502
  it("none leaves the line and adds no index, fetching nothing", () => {
    const { torch, py } = torchPlan("torch==2.1.0", {
      ...CU118,
      CLEARML_AGENT_PACKAGE_PYTORCH_RESOLVE: "none",
    }, answers({}));
    assert.equal(torch.requirements[0]!.status, "unchanged");
    assert.deepEqual(torch.probes, []);
    assert.deepEqual(py.installFlags, []);
  });

  // clearml_agent/helper/package/pytorch.py:216-219
  it("an unknown mode warns and behaves as pip", () => {
    const { torch } = torchPlan("torch==2.1.0", {
      ...CU118,
      CLEARML_AGENT_PACKAGE_PYTORCH_RESOLVE: "foo",
    }, answers({ [`${BASE}cu118/`]: "" }));
    assert.equal(torch.mode, "pip");
    assert.equal(torch.requirements[0]!.replacement, "torch ==2.1.0.*");
  });

  // clearml_agent/helper/package/pytorch.py:553-560,710-715
  it("CPU (cuda 0) probes cu0/ only, then takes the wheel from the CPU page", () => {
    const { torch } = torchPlan(
      "torch==2.1.0",
      { CLEARML_CUDA_VERSION: "0" },
      answers({ [`${BASE}cpu/torch_stable.html`]: page("cpu_torch_stable.html") }),
    );
    assert.equal(torch.probes[0]!.url, `${BASE}cu0/`);
    assert.equal(
      torch.requirements[0]!.replacement,
      `${BASE}cpu/cpu/torch-2.1.0%2Bcpu-cp310-cp310-linux_x86_64.whl`,
    );
  });

  it("a line whose index answers are not recorded is pending", () => {
    const { torch } = torchPlan("torch==2.1.0", CU118, {});
    assert.equal(torch.requirements[0]!.status, "pending");
    assert.deepEqual(torch.probes, [{ url: `${BASE}cu118/`, status: "pending" }]);
  });
});

// clearml_agent/helper/package/pytorch.py:124-167,293-352,354-433
describe("PyTorch resolution, direct mode", () => {
  const pages = {
    [`${BASE}cu118/torch_stable.html`]: page("cu118_torch_stable.html"),
    [`${BASE}cu117/torch_stable.html`]: page("cu117_torch_stable.html"),
  };
  const WHEEL = `${BASE}cu118/cu118/torch-2.1.0%2Bcu118-cp310-cp310-linux_x86_64.whl`;

  // clearml_agent/helper/package/pytorch.py:293-433
  it("torch==2.1.0, torch>=2.0 and torch all pick the 2.1.0 cp310 linux wheel", () => {
    for (const line of ["torch==2.1.0", "torch>=2.0", "torch"]) {
      const { torch } = torchPlan(line, DIRECT, answers(pages));
      assert.equal(torch.requirements[0]!.replacement, WHEEL, line);
      assert.equal(torch.requirements[0]!.wheelUrl, WHEEL, line);
    }
  });

  // clearml_agent/helper/package/pytorch.py:396-412
  it("torch==1.13.1, absent on cu118, comes from the cu117 page", () => {
    const { torch } = torchPlan("torch==1.13.1", DIRECT, answers(pages));
    assert.equal(
      torch.requirements[0]!.replacement,
      `${BASE}cu117/cu117/torch-1.13.1%2Bcu117-cp310-cp310-linux_x86_64.whl`,
    );
    assert.ok(
      torch.messages.some((m) =>
        m.startsWith("Warning, could not locate PyTorch torch==1.13.1 matching CUDA version 118")
      ),
    );
  });

  // clearml_agent/helper/package/pytorch.py:556-564,586-599
  it("nothing anywhere fails with the agent's message", () => {
    const { torch } = torchPlan("torch==9.9.9", DIRECT, answers(pages));
    assert.equal(torch.requirements[0]!.status, "failed");
    assert.equal(
      torch.requirements[0]!.error,
      "Exception when trying to resolve python wheel: Could not find pytorch wheel URL for: torch==9.9.9 with cuda 118 support",
    );
  });
});

describe("PyTorch direct resolution against a recorded index served over HTTP", () => {
  let server: Server;
  let base = "";
  const seen: string[] = [];
  before(async () => {
    const files: Record<string, string> = {
      "/whl/cu118/torch_stable.html": page("cu118_torch_stable.html"),
      "/whl/cu117/torch_stable.html": page("cu117_torch_stable.html"),
    };
    server = createServer((req, res) => {
      const path = decodeURIComponent(req.url ?? "");
      seen.push(`${req.method} ${path}`);
      if (files[path] !== undefined) {
        res.writeHead(200, { "content-type": "text/html" }).end(files[path]);
      } else if (req.method === "HEAD" && path.endsWith(".whl")) res.writeHead(200).end();
      else res.writeHead(404).end("not found");
    });
    await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}/whl/`;
  });
  after(() => new Promise<void>((r) => server.close(() => r())));

  it("fetches the pages at the edge, then plans the wheel URL from the answers", async () => {
    const conf =
      `agent.package_manager.torch_page: "${base}cu{}/torch_stable.html"\nagent.package_manager.extra_index_url_template: "${base}cu{}/"\n`;
    const view = viewOf({ CLEARML_CUDNN_VERSION: "8", ...DIRECT }, conf);
    const task = taskOf({
      script: {
        binary: "python3.10",
        repository: "https://h/r.git",
        requirements: { pip: "torch==2.1.0" },
      },
    });
    const settings = { resolution: view.resolution, env: view.env, options: {} };
    const host: HostFacts = hostFacts({ pythons: PY310 });
    const first = plan(task, settings, host);
    assert.equal(stepOf(first, "pytorch")!.requirements[0]!.status, "pending");
    const http = await fetchTorchAnswers(first, settings, host, globalFetcher(5000));
    const second = stepOf(plan(task, settings, { ...host, http }), "pytorch")!;
    const wheel = `${base}cu118/cu118/torch-2.1.0%2Bcu118-cp310-cp310-linux_x86_64.whl`;
    assert.equal(second.requirements[0]!.status, "resolved");
    assert.equal(second.requirements[0]!.replacement, wheel);
    assert.ok(seen.includes("GET /whl/cu118/torch_stable.html"));
    assert.ok(
      seen.includes("HEAD /whl/cu118/cu118/torch-2.1.0+cu118-cp310-cp310-linux_x86_64.whl"),
    );
  });
});
