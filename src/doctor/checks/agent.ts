/**
 * Doctor's agent category: the worker name and id this machine would register (agent-exec §5.2,
 * T29-T34), the queues it would serve (§5.3 step 5), services-mode settings and the child-count
 * command (§1 row 29, §5.11, T57). Pure checks of the probe's snapshot.
 */
import type { Category, Check, CheckResult, DoctorInput } from "../types.ts";
import { probeAgent } from "../probes/agent_probe.ts";
import type { AgentSnapshot } from "../probes/agent_snapshot.ts";

import {
  childCountTemplate,
  configuredWorkerId,
  daemonWorkerId,
  servicesWorkerId,
  workerName,
} from "../agent_worker.ts";
import { childCountArgv, DEFAULT_CHILD_COUNT_CMD } from "../../agent/child_count_cmd.ts";

function worker(s: AgentSnapshot, input: DoctorInput): CheckResult {
  const name = workerName(input, s.hostname);
  const configured = configuredWorkerId(input);
  const daemon = daemonWorkerId(input, s.hostname);
  const services = servicesWorkerId(input, s.hostname);
  const devices = input.env.NVIDIA_VISIBLE_DEVICES ?? input.env.CUDA_VISIBLE_DEVICES;
  const details = [
    `worker name: ${name.name} (${name.from})`,
    configured
      ? `worker id: ${configured.id} (${configured.from}); a second agent with the same id on this machine exits`
      : `daemon id: ${daemon.id} (${daemon.rule}); a second daemon here takes the next slot (${daemon.name}:1…)`,
    `plain execute: ${configured ? configured.id : `${name.name}:<pid>`}`,
    `services mode: ${services.id}, each task ${services.id}:service:<task id>`,
  ];
  if (devices !== undefined) details.push(`visible devices: ${devices}`);
  const evidence = {
    name: name.name,
    nameFrom: name.from,
    daemonId: daemon.id,
    rule: daemon.rule,
    servicesId: services.id,
    ...(configured ? { idFrom: configured.from } : {}),
  };
  if (!name.name) {
    return {
      status: "fail",
      summary: "no worker name: agent.worker_name is empty and the host has no name",
      details,
      evidence,
      fix: { text: "set CLEARML_WORKER_NAME" },
    };
  }
  if (name.from === "host name" && /^[0-9a-f]{12}$/.test(s.hostname)) {
    return {
      status: "warn",
      summary: `the worker name is the host name ${s.hostname}, which looks like a container id: ` +
        "every new container registers a new worker",
      details,
      evidence,
      fix: { text: "set CLEARML_WORKER_NAME (or agent.worker_name) to a stable name" },
    };
  }
  return {
    status: "pass",
    summary: `registers as ${daemon.id} (name from ${name.from})`,
    details,
    evidence,
  };
}

/** What the agent takes as a queue id without a lookup. */
const QUEUE_ID = /^[-a-f0-9]{30,}$/;

function queues(_s: AgentSnapshot, input: DoctorInput): CheckResult {
  const q = input.options.queues;
  if (q.length === 0) {
    return {
      status: "pass",
      summary: "no --queue: the daemon serves the server's default queue " +
        '(queues.get_default; the queue named "default" when that call fails)',
    };
  }
  const empty = q.filter((name) => name.trim() === "");
  if (empty.length) {
    return {
      status: "fail",
      summary: "an empty queue name was given",
      evidence: { queues: q },
      fix: { text: "remove the empty --queue value" },
    };
  }
  const seen = new Set<string>();
  const dupes = q.filter((name) => {
    const key = name.toLowerCase();
    if (seen.has(key)) return true;
    seen.add(key);
    return false;
  });
  const details = [
    "queues are served in the order given (a queue is tried again from the first after each task)",
    "names match case-insensitively; --create-queue creates missing ones",
    ...q.filter((name) => QUEUE_ID.test(name)).map((id) => `${id} is taken as a queue id`),
  ];
  if (dupes.length) {
    return {
      status: "warn",
      summary: `queue given more than once: ${
        [...new Set(dupes)].join(", ")
      } (names match case-insensitively)`,
      details,
      evidence: { queues: q },
    };
  }
  return { status: "pass", summary: `serves ${q.join(", ")}`, details, evidence: { queues: q } };
}

const RESTART_VALUES = new Set(["unless-stopped", "no", "always"]);

function servicesMode(s: AgentSnapshot, input: DoctorInput): CheckResult {
  const services = servicesWorkerId(input, s.hostname);
  const details = [
    "--services-mode runs each task in its own container with full monitoring, CPU only",
    `the daemon registers as ${services.id}; each task as ${services.id}:service:<task id>`,
    "with a limit (--services-mode N) it counts running children with CLEARML_AGENT_CHILD_AGENTS_COUNT_CMD (docker mode)",
  ];
  const restart = input.agent.variables.find((v) =>
    v.variable.name === "CLEARML_AGENT_SERVICES_DOCKER_RESTART"
  );
  if (restart?.status !== "set" || typeof restart.value !== "string") {
    return { status: "pass", summary: "services containers get --rm (no restart policy)", details };
  }
  const [policy = "", selector] = restart.value.split(";", 2);
  const evidence = { CLEARML_AGENT_SERVICES_DOCKER_RESTART: restart.value };
  details.push('a restart policy applies only on servers whose feature set is "advanced"');
  if (!RESTART_VALUES.has(policy) && !policy.startsWith("on-failure")) {
    return {
      status: "warn",
      summary:
        `CLEARML_AGENT_SERVICES_DOCKER_RESTART policy "${policy}" is not unless-stopped, no, ` +
        "always or on-failure[:N]: the agent ignores it",
      details,
      evidence,
      fix: { text: "use unless-stopped, no, always or on-failure[:N]" },
    };
  }
  return {
    status: "pass",
    summary: `services containers restart with --restart ${policy}` +
      (selector ? ` when the task matches ${selector}` : ""),
    details,
    evidence,
  };
}

function childCountCmd(s: AgentSnapshot, input: DoctorInput): CheckResult {
  const template = childCountTemplate(input);
  const services = servicesWorkerId(input, s.hostname);
  const r = childCountArgv(template, services.id);
  const evidence: Record<string, unknown> = {
    template: template ?? DEFAULT_CHILD_COUNT_CMD,
    default: template === undefined,
    daemonId: services.id,
  };
  const name = "CLEARML_AGENT_CHILD_AGENTS_COUNT_CMD";
  if (!r.ok) {
    return {
      status: "fail",
      summary: r.stage === "format"
        ? `${name} does not format (${r.error}): the services daemon's loop fails with FATAL ERROR`
        : `${name} does not split into a command (${r.error})`,
      details: [
        "the value goes through Python's str.format(parent_worker_label=…): write literal braces " +
        "twice ({{ and }}); the only field is {parent_worker_label}",
      ],
      evidence,
      fix: { text: "double the literal braces, e.g. --format {{{{.ID}}}} for docker's {{.ID}}" },
    };
  }
  evidence.argv = r.argv;
  const exe = r.argv[0];
  const found = exe ? s.executables[exe] ?? null : null;
  evidence.executable = found;
  const details = [`services daemon ${services.id} would run: ${r.formatted}`];
  if (template === undefined) {
    if (!found) {
      details.push("docker is not on PATH (needed only for --services-mode N in docker mode)");
    }
    return {
      status: "pass",
      summary: `default: ${r.formatted}`,
      details,
      evidence,
    };
  }
  if (!exe) {
    return { status: "fail", summary: `${name} is empty after formatting`, details, evidence };
  }
  if (!found) {
    return {
      status: "fail",
      summary:
        `${name} runs ${exe}, which is not found: the services daemon's loop fails with FATAL ERROR`,
      details,
      evidence,
      fix: { text: `install ${exe} or give its full path` },
    };
  }
  const halved = r.argv.find((a, i) =>
    (r.argv[i - 1] === "--format" || a.startsWith("--format=")) && /(^|[^{])\{\.\w/.test(a)
  );
  if (halved) {
    return {
      status: "warn",
      summary: `${name} gives docker the template ${halved.replace(/^--format=/, "")}: ` +
        "str.format halved the braces, docker needs {{.ID}}",
      details,
      evidence,
      fix: { text: "write each brace four times in the variable: --format {{{{.ID}}}}" },
    };
  }
  if (!r.usesLabel) {
    return {
      status: "warn",
      summary: `${name} does not use {parent_worker_label}: it counts every line it prints, ` +
        "not only this daemon's children",
      details,
      evidence,
      fix: { text: "filter on label={parent_worker_label}" },
    };
  }
  return { status: "pass", summary: `runs ${r.formatted} (${exe} is ${found})`, details, evidence };
}

const checks: ReadonlyArray<Check<AgentSnapshot>> = [
  { id: "agent.worker", title: "worker name and id", run: worker },
  { id: "agent.queues", title: "queues served", run: queues },
  { id: "agent.services_mode", title: "services mode", run: servicesMode },
  {
    id: "agent.child_count_cmd",
    title: "CLEARML_AGENT_CHILD_AGENTS_COUNT_CMD",
    run: childCountCmd,
  },
];

export const agentCategory: Category<AgentSnapshot> = {
  name: "agent",
  title: "Agent",
  probe: probeAgent,
  checks,
};
