/**
 * Dynamic variables, the fixed env map, precedence and failures as clearml-agent 1.9.2 reads
 * them; each test names the agent file and lines it reproduces.
 */
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { HOME, resolveWith, valueAt } from "../_helpers/resolve.ts";
import { formatOrigin, toPlain } from "../../src/settings/tree.ts";
import { lookup, resolve } from "../../src/settings/resolve.ts";
import { memoryFs } from "../../src/settings/fs_view.ts";

const CONF = `${HOME}/clearml.conf`;

describe("resolve() for the agent: dynamic CLEARML_AGENT__ variables", () => {
  const cases: Array<[string, string, string, unknown]> = [
    ["T11", "CLEARML_AGENT__AGENT__DOCKER_USE_ACTIVATED_VENV", "false", false],
    [
      "T12",
      "CLEARML_AGENT__AGENT__DEFAULT_DOCKER__IMAGE",
      "nvidia/cuda:11.8.0-runtime",
      "nvidia/cuda:11.8.0-runtime",
    ],
    [
      "T13",
      "CLEARML_AGENT__AGENT__PACKAGE_MANAGER__EXTRA_INDEX_URL",
      '["https://a/simple", "https://b/simple"]',
      ["https://a/simple", "https://b/simple"],
    ],
    ["T14", "CLEARML_AGENT__AGENT__GIT_PASS", "abc#def", "abc"],
    ["T16", "CLEARML_AGENT__agent__worker_name", "mixedCase", "mixedCase"],
    // Read as the float 11.8, then normalised by the agent's Session to "118".
    ["T17", "CLEARML_AGENT__AGENT__CUDA_VERSION", "11.8", "118"],
  ];
  const keyOf: Record<string, string> = {
    T11: "agent.docker_use_activated_venv",
    T12: "agent.default_docker.image",
    T13: "agent.package_manager.extra_index_url",
    T14: "agent.git_pass",
    T16: "agent.worker_name",
    T17: "agent.cuda_version",
  };
  for (const [id, name, value, expected] of cases) {
    it(`reads ${name}=${value} as HOCON at its lower-cased path (${id})`, () => {
      const r = resolveWith("agent", { [name]: value });
      assert.deepEqual(r.fatal, []);
      assert.deepEqual(valueAt(r, keyOf[id]!), expected);
      assert.equal(formatOrigin(lookup(r, keyOf[id]!)!.origin), `dynamic env ${name}`);
    });
  }

  // clearml_agent/backend_config/config.py:216-223
  it("stops when a value is not valid HOCON", () => {
    const r = resolveWith("agent", { CLEARML_AGENT__AGENT__X: "a=b" });
    assert.equal(r.fatal.length, 1);
    assert.match(r.fatal[0]!.message, /CLEARML_AGENT__AGENT__X/);
  });

  // clearml_agent/session.py:137-153; clearml_agent/backend_config/config.py:191-193
  it("beats the configuration file, and loses to the fixed env map", () => {
    const files = { [CONF]: 'agent.worker_name: "from-file"' };
    assert.equal(
      valueAt(
        resolveWith("agent", { CLEARML_AGENT__AGENT__WORKER_NAME: "a" }, files),
        "agent.worker_name",
      ),
      "a",
    );
    const r = resolveWith("agent", {
      CLEARML_WORKER_NAME: "b",
      CLEARML_AGENT__AGENT__WORKER_NAME: "a",
    }, files);
    assert.equal(valueAt(r, "agent.worker_name"), "b");
    assert.equal(formatOrigin(lookup(r, "agent.worker_name")!.origin), "env CLEARML_WORKER_NAME");
  });

  it("collapses empty path segments and keeps a single underscore", () => {
    assert.equal(valueAt(resolveWith("agent", { CLEARML_AGENT__AGENT____X: "1" }), "agent.x"), 1);
    assert.equal(valueAt(resolveWith("agent", { CLEARML_AGENT__AGENT___X: "1" }), "agent._x"), 1);
  });

  it("is not read by the SDK", () => {
    assert.equal(
      valueAt(resolveWith("sdk", { CLEARML_AGENT__AGENT__WORKER_NAME: "a" }), "agent.worker_name"),
      undefined,
    );
  });
});

describe("resolve() for the agent: fixed variables", () => {
  // clearml_agent/definitions.py:55-63,156; clearml_agent/definitions.py:57-58
  it("prefers CLEARML_DOCKER_IMAGE over TRAINS_DOCKER_IMAGE, and falls through an empty one", () => {
    assert.equal(
      valueAt(
        resolveWith("agent", {
          TRAINS_DOCKER_IMAGE: "trains:img",
          CLEARML_DOCKER_IMAGE: "clearml:img",
        }),
        "agent.default_docker.image",
      ),
      "clearml:img",
    );
    assert.equal(
      valueAt(
        resolveWith("agent", { TRAINS_DOCKER_IMAGE: "trains:img", CLEARML_DOCKER_IMAGE: "" }),
        "agent.default_docker.image",
      ),
      "trains:img",
    );
  });

  // clearml_agent/commands/worker.py:4076-4082,4556
  it("splits CLEARML_DOCKER_IMAGE into the image and default arguments", () => {
    const r = resolveWith("agent", {
      CLEARML_DOCKER_IMAGE: "myorg/base:1 --ipc=host --shm-size=8g",
    });
    assert.equal(valueAt(r, "agent.default_docker.image"), "myorg/base:1");
    assert.deepEqual(valueAt(r, "agent.default_docker.arguments"), ["--ipc=host", "--shm-size=8g"]);
    assert.equal(
      formatOrigin(lookup(r, "agent.default_docker.image")!.origin),
      "env CLEARML_DOCKER_IMAGE",
    );
  });

  // clearml_agent/definitions.py:37,182
  it("puts the shlex-split CLEARML_AGENT_EXTRA_DOCKER_ARGS at agent.extra_docker_arguments", () => {
    const r = resolveWith("agent", {
      CLEARML_AGENT_EXTRA_DOCKER_ARGS: "--ipc=host -e 'A=b c' --network host",
    }, {
      [CONF]: 'agent.extra_docker_arguments: ["--privileged"]',
    });
    assert.deepEqual(valueAt(r, "agent.extra_docker_arguments"), [
      "--ipc=host",
      "-e",
      "A=b c",
      "--network",
      "host",
    ]);
  });

  // clearml_agent/commands/worker.py:768-770; clearml_agent/__main__.py:63-67
  it("stops on unbalanced quotes in a list variable", () => {
    const r = resolveWith("agent", { CLEARML_AGENT_EXTRA_DOCKER_ARGS: "-e 'unterminated" });
    assert.equal(r.fatal.length, 1);
    assert.match(r.fatal[0]!.message, /CLEARML_AGENT_EXTRA_DOCKER_ARGS.*No closing quotation/);
  });

  // clearml_agent/definitions.py:35; clearml_agent/helper/environment/converters.py:84-85
  it("stops on an agent boolean it cannot read, naming the value and the spellings", () => {
    for (const value of [" true", "2", "enable"]) {
      const r = resolveWith("agent", { CLEARML_AGENT_DISABLE_SSH_MOUNT: value });
      assert.equal(r.fatal.length, 1, value);
      assert.match(r.fatal[0]!.message, /CLEARML_AGENT_DISABLE_SSH_MOUNT/);
      assert.match(r.fatal[0]!.message, /y, yes, t, true, on, 1/);
    }
    assert.deepEqual(resolveWith("agent", { CLEARML_AGENT_DISABLE_SSH_MOUNT: "YES" }).fatal, []);
    assert.deepEqual(resolveWith("agent", { CLEARML_AGENT_DISABLE_SSH_MOUNT: "" }).fatal, []);
  });

  it("treats CLEARML_CPU_ONLY=maybe as an error, and a true value as --cpu-only", () => {
    const bad = resolveWith("agent", { CLEARML_CPU_ONLY: "maybe" });
    assert.equal(bad.fatal.length, 1);
    assert.match(bad.fatal[0]!.message, /CLEARML_CPU_ONLY="maybe"/);
    const on = resolveWith("agent", { CLEARML_CPU_ONLY: "1" });
    assert.equal(valueAt(on, "agent.cpu_only"), true);
    assert.equal(valueAt(on, "agent.cuda_version"), "0");
  });

  // clearml_agent/definitions.py:99; clearml_agent/session.py:149-151
  it("does not let a false CLEARML_CPU_ONLY override the file", () => {
    const r = resolveWith("agent", { CLEARML_CPU_ONLY: "0" }, { [CONF]: "agent.cpu_only: true" });
    assert.equal(valueAt(r, "agent.cpu_only"), true);
  });

  it("does not let a false fixed-map variable override the file (clearml_agent/session.py:137-153)", () => {
    // The map writes a value only `if value:`: "0" reads as False and leaves the file's true.
    const r = resolveWith("agent", { CLEAMRL_AGENT_CRASH_ON_EXCEPTION: "0" }, {
      [CONF]: "agent.crash_on_exception: true",
    });
    assert.equal(valueAt(r, "agent.crash_on_exception"), true);
    assert.equal(
      formatOrigin(lookup(r, "agent.crash_on_exception")!.origin),
      `${CONF}:1:27`,
    );
    const on = resolveWith("agent", { CLEAMRL_AGENT_CRASH_ON_EXCEPTION: "1" }, {
      [CONF]: "agent.crash_on_exception: false",
    });
    assert.equal(valueAt(on, "agent.crash_on_exception"), true);
  });

  it("writes the fixed env map only when truthy, CUDA_VERSION as the last fallback", () => {
    const r = resolveWith("agent", { CUDA_VERSION: "11.8" }, {
      [CONF]: 'agent.cuda_version: "120"',
    });
    assert.equal(formatOrigin(lookup(r, "agent.cuda_version")!.origin), "env CUDA_VERSION");
    const r2 = resolveWith("agent", { CLEARML_API_HOST: "http://h:8008" });
    assert.equal(valueAt(r2, "api.api_server"), "http://h:8008");
  });

  // clearml_agent/definitions.py:100; clearml_agent/commands/worker.py:1915
  it("reads only the misspelled crash-on-exception variable", () => {
    assert.equal(
      valueAt(
        resolveWith("agent", { CLEAMRL_AGENT_CRASH_ON_EXCEPTION: "1" }),
        "agent.crash_on_exception",
      ),
      true,
    );
    assert.equal(
      valueAt(
        resolveWith("agent", { CLEARML_AGENT_CRASH_ON_EXCEPTION: "1" }),
        "agent.crash_on_exception",
      ),
      undefined,
    );
  });

  it("fails --config-file that is not a file, like the agent", () => {
    const r = resolveWith("agent", {}, {}, { configFile: "/nope.conf" });
    assert.match(r.fatal[0]?.message ?? "", /Could not open configuration file: \/nope\.conf/);
  });

  it("layers flags over the fixed variables", () => {
    const r = resolve({
      consumer: "agent",
      env: { CLEARML_WORKER_NAME: "b" },
      home: HOME,
      cwd: "/",
      fs: memoryFs({}),
      flags: [{ key: "agent.worker_name", value: "from-flag", flag: "--name" }],
    });
    assert.equal(formatOrigin(lookup(r, "agent.worker_name")!.origin), "flag --name");
    assert.equal(toPlain(lookup(r, "agent.worker_name")!), "from-flag");
  });
});
