import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { agentCategory } from "../../src/doctor/checks/agent.ts";
import type { AgentSnapshot } from "../../src/doctor/probes/agent_snapshot.ts";
import { childCountArgv, DEFAULT_CHILD_COUNT_CMD } from "../../src/agent/child_count_cmd.ts";
import { pyFormat } from "../../src/agent/py_format.ts";
import type { CheckResult, DoctorOptions } from "../../src/doctor/types.ts";
import { doctorInput } from "../_helpers/doctor_input.ts";

const CONF = "/home/u/clearml.conf";

function snap(over: Partial<AgentSnapshot> = {}): AgentSnapshot {
  return { hostname: "host", executables: { docker: "/usr/bin/docker" }, ...over };
}

function run(
  id: string,
  s: AgentSnapshot,
  env: Record<string, string> = {},
  files: Record<string, string> = {},
  options: Partial<DoctorOptions> = {},
): CheckResult {
  const check = agentCategory.checks.find((c) => c.id === id);
  assert.ok(check, `no check ${id}`);
  return check.run(s, doctorInput(env, files, options));
}

describe("agent.worker", () => {
  it("uses the host name and the first slot when nothing is set", () => {
    const r = run("agent.worker", snap());
    assert.equal(r.status, "pass");
    assert.equal(r.summary, "registers as host:0 (name from host name)");
  });

  it("takes the name from CLEARML_WORKER_NAME and says so", () => {
    const r = run("agent.worker", snap(), { CLEARML_WORKER_NAME: "gpu-box" });
    assert.equal(r.summary, "registers as gpu-box:0 (name from env CLEARML_WORKER_NAME)");
  });

  // clearml_agent/commands/worker.py:4833-4834
  it("builds the id from the visible devices", () => {
    const r = run("agent.worker", snap(), { NVIDIA_VISIBLE_DEVICES: "all" });
    assert.match(r.summary, /^registers as host:gpuall /);
  });

  // clearml_agent/commands/worker.py:4837-4838; clearml_agent/helper/singleton.py:171-172
  it("makes a CPU-only worker host:cpu:0 with CLEARML_CPU_ONLY (ours, like --cpu-only)", () => {
    const r = run("agent.worker", snap(), { CLEARML_CPU_ONLY: "1" });
    assert.match(r.summary, /^registers as host:cpu:0 /);
  });

  it("keeps a configured worker id and warns about a second instance in the details", () => {
    const r = run("agent.worker", snap(), {}, { [CONF]: "agent.worker_id: fixed-id" });
    assert.match(r.summary, /^registers as fixed-id /);
    assert.ok(
      r.details?.some((d) => d.includes("a second agent with the same id on this machine exits")),
    );
  });

  // clearml_agent/commands/worker.py:747-749
  it("shows the plain execute id as <name>:<pid>", () => {
    const r = run("agent.worker", snap());
    assert.ok(r.details?.includes("plain execute: host:<pid>"));
  });

  it("warns when the host name is a container id: every container is a new worker", () => {
    const r = run("agent.worker", snap({ hostname: "3f2a9c1b7d4e" }));
    assert.equal(r.status, "warn");
    assert.match(r.fix?.text ?? "", /CLEARML_WORKER_NAME/);
  });

  it("fails without any name", () => {
    assert.equal(run("agent.worker", snap({ hostname: "" })).status, "fail");
  });
});

describe("agent.queues", () => {
  it("says the server's default queue is served without --queue", () => {
    const r = run("agent.queues", snap());
    assert.equal(r.status, "pass");
    assert.match(r.summary, /queues\.get_default/);
  });

  it("lists the queues in priority order and spots ids", () => {
    const id = "2c03cc6a0b4a4fbbad1c5a2e2d0e1f3a";
    const r = run("agent.queues", snap(), {}, {}, { queues: ["gpu", id] });
    assert.equal(r.status, "pass");
    assert.equal(r.summary, `serves gpu, ${id}`);
    assert.ok(r.details?.some((d) => d === `${id} is taken as a queue id`));
  });

  it("warns about a queue given twice in different case", () => {
    const r = run("agent.queues", snap(), {}, {}, { queues: ["gpu", "GPU"] });
    assert.equal(r.status, "warn");
  });

  it("fails an empty queue name", () => {
    assert.equal(run("agent.queues", snap(), {}, {}, { queues: [" "] }).status, "fail");
  });
});

describe("agent.services_mode", () => {
  it("passes without a restart policy and gives the services worker id", () => {
    const r = run("agent.services_mode", snap());
    assert.equal(r.status, "pass");
    assert.ok(r.details?.some((d) => d.includes("host:cpu:0:service:<task id>")));
  });

  it("passes a valid restart policy with its task selector", () => {
    const r = run("agent.services_mode", snap(), {
      CLEARML_AGENT_SERVICES_DOCKER_RESTART: "on-failure:3;system_tags=service",
    });
    assert.equal(r.status, "pass");
    assert.match(r.summary, /--restart on-failure:3 when the task matches system_tags=service/);
  });

  it("warns that an unknown restart policy is ignored", () => {
    const r = run("agent.services_mode", snap(), {
      CLEARML_AGENT_SERVICES_DOCKER_RESTART: "sometimes",
    });
    assert.equal(r.status, "warn");
  });
});

describe("agent.child_count_cmd", () => {
  // clearml_agent/commands/worker.py:4305-4321
  it("formats the default command with the services daemon id", () => {
    const r = run("agent.child_count_cmd", snap({ hostname: "host" }));
    assert.equal(r.status, "pass");
    assert.equal(
      r.summary,
      "default: docker ps --filter label=clearml-parent-worker-id=host:cpu:0 --format {{.ID}}",
    );
  });

  it("warns when docker's {{.ID}} is written once: str.format halves it to {.ID}", () => {
    const r = run("agent.child_count_cmd", snap(), {
      CLEARML_AGENT_CHILD_AGENTS_COUNT_CMD:
        "docker ps --filter label={parent_worker_label} --format {{.ID}}",
    });
    assert.equal(r.status, "warn");
    assert.match(r.summary, /gives docker the template \{\.ID\}/);
  });

  it("fails a single brace, which str.format rejects", () => {
    const r = run("agent.child_count_cmd", snap(), {
      CLEARML_AGENT_CHILD_AGENTS_COUNT_CMD: "docker ps --format {.ID",
    });
    assert.equal(r.status, "fail");
    assert.match(r.summary, /does not format \(ValueError: expected '\}' before end of string\)/);
  });

  it("fails an unknown field", () => {
    const r = run("agent.child_count_cmd", snap(), {
      CLEARML_AGENT_CHILD_AGENTS_COUNT_CMD: "podman ps --filter label={worker_label}",
    });
    assert.equal(r.status, "fail");
    assert.match(r.summary, /KeyError: 'worker_label'/);
  });

  it("fails a command whose program is not found, without running it", () => {
    const r = run(
      "agent.child_count_cmd",
      snap({ executables: { docker: null, podman: null } }),
      { CLEARML_AGENT_CHILD_AGENTS_COUNT_CMD: "podman ps -q --filter label={parent_worker_label}" },
    );
    assert.equal(r.status, "fail");
    assert.match(r.summary, /runs podman, which is not found/);
  });

  it("warns when the command does not filter on this daemon's label", () => {
    const r = run(
      "agent.child_count_cmd",
      snap({ executables: { docker: "/usr/bin/docker" } }),
      { CLEARML_AGENT_CHILD_AGENTS_COUNT_CMD: "docker ps -q" },
    );
    assert.equal(r.status, "warn");
  });

  it("passes a custom command that is found and uses the label", () => {
    const r = run(
      "agent.child_count_cmd",
      snap({ executables: { docker: "/usr/bin/docker", podman: "/usr/bin/podman" } }),
      { CLEARML_AGENT_CHILD_AGENTS_COUNT_CMD: "podman ps -q --filter label={parent_worker_label}" },
    );
    assert.equal(r.status, "pass");
    assert.match(r.summary, /clearml-parent-worker-id=host:cpu:0/);
  });

  it("fails an unclosed quote after formatting", () => {
    const r = run("agent.child_count_cmd", snap(), {
      CLEARML_AGENT_CHILD_AGENTS_COUNT_CMD: "docker ps --format 'x",
    });
    assert.equal(r.status, "fail");
    assert.match(r.summary, /No closing quotation/);
  });
});

describe("childCountArgv()", () => {
  // clearml_agent/commands/worker.py:4305-4321
  it("splits the formatted default into argv", () => {
    const r = childCountArgv(undefined, "host:cpu:0");
    assert.ok(r.ok);
    assert.deepEqual(r.argv, [
      "docker",
      "ps",
      "--filter",
      "label=clearml-parent-worker-id=host:cpu:0",
      "--format",
      "{{.ID}}",
    ]);
    assert.equal(childCountArgv(DEFAULT_CHILD_COUNT_CMD, "host:cpu:0").ok, true);
  });
});

/** [template, Python 3.11's `template.format(parent_worker_label=LABEL)` or its error]. */
const PY_FORMAT: Array<[string, string]> = [
  ["a {parent_worker_label} b", "a clearml-parent-worker-id=host:cpu:0 b"],
  ["{{x}} {parent_worker_label}", "{x} clearml-parent-worker-id=host:cpu:0"],
  ["x }", "ValueError: Single '}' encountered in format string"],
  ["x {", "ValueError: Single '{' encountered in format string"],
  ["{abc", "ValueError: expected '}' before end of string"],
  ["{}", "IndexError: Replacement index 0 out of range for positional args tuple"],
  ["{0}", "IndexError: Replacement index 0 out of range for positional args tuple"],
  ["{foo}", "KeyError: 'foo'"],
  ["{parent_worker_label.x}", "AttributeError: 'str' object has no attribute 'x'"],
  ["{parent_worker_label[0]}", "c"],
  ["{parent_worker_label[x]}", "TypeError: string indices must be integers, not 'str'"],
  ["{parent_worker_label[99]}", "IndexError: string index out of range"],
  ["{parent_worker_label!r}", "'clearml-parent-worker-id=host:cpu:0'"],
  ["{parent_worker_label!z}", "ValueError: Unknown conversion specifier z"],
  ["{parent_worker_label!rr}", "ValueError: expected ':' after conversion specifier"],
  ["{parent_worker_label:>30}", "clearml-parent-worker-id=host:cpu:0"],
  ["{parent_worker_label:.3}", "cle"],
  ["{parent_worker_label:d}", "ValueError: Unknown format code 'd' for object of type 'str'"],
  ["{parent_worker_label.}", "ValueError: Empty attribute in format string"],
  ["{parent_worker_label[]}", "ValueError: Empty attribute in format string"],
  [
    "{parent_worker_label[0]x}",
    "ValueError: Only '.' or '[' may follow ']' in format field specifier",
  ],
  ["{ {}", "ValueError: unexpected '{' in field name"],
  ["{!r}", "IndexError: Replacement index 0 out of range for positional args tuple"],
  ["{parent_worker_label!}", "ValueError: unmatched '{' in format spec"],
  ["}}{{", "}{"],
  ["{:}", "IndexError: Replacement index 0 out of range for positional args tuple"],
  ["{parent_worker_label:*^9.2}", "***cl****"],
];

describe("pyFormat() matches Python's str.format", () => {
  for (const [template, expected] of PY_FORMAT) {
    it(`gives ${expected} for ${template}`, () => {
      const r = pyFormat(template, { parent_worker_label: "clearml-parent-worker-id=host:cpu:0" });
      assert.equal(r.ok ? r.value : r.error, expected);
    });
  }
});
