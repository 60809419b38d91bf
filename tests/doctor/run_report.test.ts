/** The doctor runner (selection, budget, crashing checks) and the report renderings. */
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { runDoctor, selectedIds } from "../../src/doctor/run.ts";
import {
  type DoctorReport,
  exitCodeOf,
  renderMarkdown,
  renderText,
  shownDetails,
  summarize,
} from "../../src/doctor/report.ts";
import { knownHosts, redactHosts } from "../../src/doctor/redact_hosts.ts";
import { fromPlain } from "../../src/settings/tree.ts";
import { configCategory } from "../../src/doctor/checks/config.ts";
import { HOME } from "../_helpers/resolve.ts";
import type { Category, CheckReport } from "../../src/doctor/types.ts";
import { doctorInput } from "../_helpers/doctor_input.ts";

const fast: Category<number> = {
  name: "fs",
  title: "fast",
  probe: () => Promise.resolve(42),
  checks: [
    { id: "fs.ok", title: "ok", run: (n) => ({ status: "pass", summary: `got ${n}` }) },
    {
      id: "fs.boom",
      title: "boom",
      run: () => {
        throw new Error("kaput");
      },
    },
  ],
};
const hanging: Category<number> = {
  name: "server",
  title: "hangs",
  probe: () => new Promise(() => {}),
  checks: [{ id: "server.hang", title: "hang", run: () => ({ status: "pass", summary: "never" }) }],
};

describe("runDoctor()", () => {
  it("runs checks, and turns a throwing check into an error result", async () => {
    const out = await runDoctor(doctorInput(), [fast] as Category<unknown>[]);
    assert.deepEqual(out.map((c) => [c.id, c.status]), [["fs.ok", "pass"], ["fs.boom", "error"]]);
    assert.equal(out[0]!.summary, "got 42");
    assert.match(out[1]!.summary, /kaput/);
  });

  it("starts the probes that wait on other programs first, and reports in list order", async () => {
    const started: string[] = [];
    const category = (name: "fs" | "python", external: boolean): Category<number> => ({
      name,
      title: name,
      probe: () => {
        started.push(name);
        return Promise.resolve(1);
      },
      ...(external ? { external: true as const } : {}),
      checks: [{ id: `${name}.x`, title: "x", run: () => ({ status: "pass", summary: name }) }],
    });
    const out = await runDoctor(
      doctorInput(),
      [category("fs", false), category("python", true)] as Category<unknown>[],
    );
    assert.deepEqual(started, ["python", "fs"]);
    assert.deepEqual(out.map((c) => c.id), ["fs.x", "python.x"]);
  });

  it("gives up on a probe that never finishes, within the budget", async () => {
    const t0 = performance.now();
    const out = await runDoctor(
      doctorInput({}, {}, { timeoutMs: 300 }),
      [fast, hanging] as Category<unknown>[],
    );
    const ms = performance.now() - t0;
    assert.ok(ms < 2000, `took ${ms} ms`);
    const hang = out.find((c) => c.id === "server.hang")!;
    assert.equal(hang.status, "error");
    assert.match(hang.summary, /did not finish within 300 ms/);
  });

  it("selects by id, prefix, category and skip", () => {
    const cats = [fast, hanging] as Category<unknown>[];
    assert.deepEqual([...selectedIds(cats, { only: ["fs"] })], ["fs.ok", "fs.boom"]);
    assert.deepEqual([...selectedIds(cats, { only: ["fs"], skip: ["fs.boom"] })], ["fs.ok"]);
    assert.deepEqual([...selectedIds(cats, { categories: ["server"] })], ["server.hang"]);
  });

  it("does not probe a category with no selected check", async () => {
    const out = await runDoctor(
      doctorInput({}, {}, { timeoutMs: 5000 }),
      [fast, hanging] as Category<unknown>[],
      { only: ["fs.ok"] },
    );
    assert.deepEqual(out.map((c) => c.id), ["fs.ok"]);
  });
});

const checks: CheckReport[] = [
  { id: "a.ok", category: "env", title: "", status: "pass", summary: "fine", durationMs: 1 },
  {
    id: "a.warn",
    category: "env",
    title: "",
    status: "warn",
    summary: "hmm at https://user:pw@api.example.com",
    durationMs: 1,
    details: ["on 10.1.2.3"],
    fix: { text: "do x" },
  },
];
const report: DoctorReport = {
  schema: "clearml.doctor/v1",
  version: "0.1.0",
  platform: "linux-x64",
  mode: "online",
  configFiles: [],
  durationMs: 12,
  summary: summarize(checks),
  exitCode: 0,
  checks,
};

describe("doctor report", () => {
  it("exits 0 on warnings, 1 with --strict or on a failure", () => {
    assert.equal(exitCodeOf(checks, false), 0);
    assert.equal(exitCodeOf(checks, true), 1);
    assert.equal(exitCodeOf([{ ...checks[0]!, status: "fail" }], false), 1);
  });

  it("renders glyphs on UTF-8 terminals and ASCII elsewhere, details only for non-passing checks", () => {
    const utf = renderText(report, { color: false, utf8: true, verbose: false });
    assert.match(utf, /✓ a\.ok/);
    assert.match(utf, /! a\.warn/);
    assert.match(utf, /on 10\.1\.2\.3/);
    assert.match(utf, /Summary: 1 passed · 1 warning · 0 failed · 0 skipped/);
    const ascii = renderText(report, { color: false, utf8: false, verbose: false });
    assert.match(ascii, /ok a\.ok/);
    assert.doesNotMatch(ascii, /[✓✗–]/);
    assert.ok(!ascii.includes("\u001b["), "no escape codes");
  });

  it("makes a Markdown report with URL passwords removed, and hosts with --redact-hosts", () => {
    const md = renderMarkdown(report, { redactHosts: false });
    assert.match(md, /\| warn \| `a\.warn` \|/);
    assert.doesNotMatch(md, /:pw@/);
    const red = renderMarkdown(report, {
      redactHosts: true,
      hosts: ["api.example.com", "10.1.2.3"],
    });
    assert.doesNotMatch(red, /api\.example\.com|10\.1\.2\.3/);
    assert.match(red, /<host-1>/);
    assert.match(red, /`a\.warn`/, "a check id is not a host");
  });

  it("redactHosts() replaces only the hosts it is given, whole, the same one by the same name", () => {
    const text = "server.api: vm:0 registers as vm on api.example.com (API.example.com); " +
      "clearml-parent-worker-id=vm:cpu:0; /var/run/docker.sock; vmstat; vm.other.org; clearml.conf";
    assert.equal(
      redactHosts(text, ["api.example.com", "vm"]),
      "server.api: <host-1>:0 registers as <host-1> on <host-2> (<host-2>); " +
        "clearml-parent-worker-id=<host-1>:cpu:0; /var/run/docker.sock; vmstat; vm.other.org; " +
        "clearml.conf",
    );
    assert.equal(redactHosts(text, []), text);
  });
});

describe("knownHosts()", () => {
  it("takes configured hosts, resolved addresses and the machine's name, nothing else", () => {
    const origin = { kind: "default", source: "test" } as const;
    const tree = fromPlain({
      api: {
        api_server: "https://user:pw@api.example.com:8008",
        files_server: "http://[fd00::1]:8081",
        credentials: { access_key: "server.api" },
      },
      agent: { git_host: "git.example.org", docker_socket: "/var/run/docker.sock" },
    }, origin);
    const hosts = knownHosts({
      trees: [tree],
      env: { HTTPS_PROXY: "http://proxy.corp:3128", SHELL: "http://not.read" },
      evidence: [{ dns: { addresses: [{ address: "10.9.8.7", family: 4 }] } }, undefined],
      machine: "vm.local",
    });
    assert.deepEqual(hosts.sort(), [
      "10.9.8.7",
      "api.example.com",
      "fd00::1",
      "git.example.org",
      "proxy.corp",
      "vm",
      "vm.local",
    ]);
  });

  it("leaves out localhost, which is nobody's secret", () => {
    const origin = { kind: "default", source: "test" } as const;
    const tree = fromPlain({ api: { api_server: "http://localhost:8008" } }, origin);
    assert.deepEqual(knownHosts({ trees: [tree], env: {}, evidence: [], machine: "" }), []);
  });
});

describe("shownDetails()", () => {
  const base: CheckReport = {
    id: "x.y",
    category: "server",
    title: "",
    status: "fail",
    durationMs: 0,
    summary: "api http://h:9: refused (+1 more)",
  };
  it("drops the lines that repeat the summary, with or without their level prefix", () => {
    const details = [
      "FAIL: api http://h:9: refused",
      "warn: web http://h:9: refused",
      "api http://h:9: refused",
      "warn: web http://h:9: refused",
    ];
    assert.deepEqual(shownDetails({ ...base, details }), ["warn: web http://h:9: refused"]);
  });

  it("prints config.types' finding once, not again below its summary (issue 8 §5)", async () => {
    const input = doctorInput({}, {
      [`${HOME}/clearml.conf`]: 'sdk.development.worker.report_period_sec: "abc"',
    });
    const [c] = await runDoctor(input, [configCategory] as Category<unknown>[], {
      only: ["config.types"],
    });
    assert.equal(c?.status, "warn");
    const text = renderText({ ...report, checks: [c!] }, {
      color: false,
      utf8: true,
      verbose: false,
    });
    assert.equal(text.split("report_period_sec is").length - 1, 1, text);
  });

  it("prints a parse error once under config.files (issue 8 §5)", () => {
    const error = "/x/bad.conf:1:4: Unexpected end of input; expected '}'";
    const c: CheckReport = {
      ...base,
      id: "config.files",
      summary: error,
      details: ["error  /x/bad.conf  (CLEARML_CONFIG_FILE)", error, error, error],
    };
    const text = renderText({ ...report, checks: [c] }, {
      color: false,
      utf8: true,
      verbose: false,
    });
    assert.equal(text.split(error).length - 1, 1, text);
  });
});
