/**
 * Files, aliases, precedence and host derivation as the ClearML SDK 1.17.0 resolves them; each
 * test names the SDK file and lines it reproduces.
 */
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { HOME, hosts, resolveWith, valueAt } from "../_helpers/resolve.ts";
import { formatOrigin } from "../../src/settings/tree.ts";
import { lookup } from "../../src/settings/resolve.ts";

const CONF = `${HOME}/clearml.conf`;
const TRAINS = `${HOME}/trains.conf`;

describe("resolve() for the SDK: configuration files", () => {
  // clearml/backend_api/session/session.py:91-93,700-701,716-717,743-744; clearml/backend_api/config/default/api.conf:4-8
  it("uses the built-in hosts when nothing is configured", () => {
    const r = resolveWith("sdk");
    assert.deepEqual(hosts(r), [
      "https://api.clear.ml",
      "https://app.clear.ml",
      "https://files.clear.ml",
    ]);
    assert.deepEqual(r.fatal, []);
    assert.deepEqual(r.files.map((f) => f.status), ["missing", "missing"]);
  });

  // clearml/backend_config/defs.py:29-32; clearml/backend_config/config.py:171-180; clearml/utilities/pyhocon/config_tree.py:41-69
  it("merges ~/trains.conf then ~/clearml.conf, clearml.conf winning", () => {
    const r = resolveWith("sdk", {}, {
      [TRAINS]: 'api { api_server: "http://t:8008", web_server: "http://tw:8080" }',
      [CONF]: 'api.api_server: "http://c:8008"',
    });
    assert.equal(valueAt(r, "api.api_server"), "http://c:8008");
    assert.equal(valueAt(r, "api.web_server"), "http://tw:8080");
  });

  // clearml/backend_config/config.py:165-168,331-333; clearml/backend_config/defs.py:62-75
  it("reads only CLEARML_CONFIG_FILE, and reports it missing", () => {
    const r = resolveWith("sdk", { CLEARML_CONFIG_FILE: `${HOME}/missing.conf` }, {
      [CONF]: 'api.api_server: "http://c:8008"',
    });
    assert.equal(valueAt(r, "api.api_server"), "https://api.clear.ml");
    assert.deepEqual(r.files.map((f) => [f.path, f.status]), [[`${HOME}/missing.conf`, "missing"]]);
  });

  // clearml/backend_config/config.py:168
  it("expands ~ in CLEARML_CONFIG_FILE but not $HOME", () => {
    const files = { [`${HOME}/x/my.conf`]: 'api.api_server: "http://x:8008"' };
    assert.equal(
      valueAt(resolveWith("sdk", { CLEARML_CONFIG_FILE: "~/x/my.conf" }, files), "api.api_server"),
      "http://x:8008",
    );
    const literal = resolveWith("sdk", { CLEARML_CONFIG_FILE: "$HOME/x/my.conf" }, files);
    assert.equal(valueAt(literal, "api.api_server"), "https://api.clear.ml");
    assert.equal(literal.files[0]?.status, "missing");
  });

  // clearml/backend_config/defs.py:36; clearml/backend_config/entry.py:69-79; clearml/backend_config/environment.py:23
  it("prefers CLEARML_CONFIG_FILE over TRAINS_CONFIG_FILE and strips it", () => {
    const files = { "/x.conf": 'api.api_server: "X"', "/y.conf": 'api.api_server: "Y"' };
    const r = resolveWith("sdk", {
      TRAINS_CONFIG_FILE: "/x.conf",
      CLEARML_CONFIG_FILE: "  /y.conf  ",
    }, files);
    assert.equal(valueAt(r, "api.api_server"), "Y");
  });

  // clearml/backend_config/config.py:144-180; clearml/backend_config/config.py:308-326
  it("lets the user file beat the CLEARML_CONFIG_PATH tree, whose files nest by name", () => {
    const r = resolveWith("sdk", { CLEARML_CONFIG_PATH: "/d" }, {
      "/d/default/api.conf": 'api_server: "P"',
      "/d/default/sub/x.conf": "k: 1",
      [CONF]: 'api.api_server: "C"',
    });
    assert.equal(valueAt(r, "api.api_server"), "C");
    assert.equal(valueAt(r, "sub.x.k"), 1);
  });

  // clearml/backend_config/config.py:277-289,191
  it("reads the <env> overlay of CLEARML_CONFIG_PATH for CLEARML_ENV=demo", () => {
    const r = resolveWith("sdk", { CLEARML_ENV: "demo", CLEARML_CONFIG_PATH: "/d" }, {
      "/d/default/api.conf": 'api_server: "P"',
      "/d/demo/api.conf": 'api_server: "D"',
    });
    assert.equal(valueAt(r, "api.api_server"), "D");
    assert.equal(r.envName, "demo");
  });

  // clearml/backend_config/config.py:99-100; clearml/backend_config/config.py:87,95-98
  it("stops on an invalid or empty CLEARML_ENV", () => {
    assert.match(resolveWith("sdk", { CLEARML_ENV: "prod" }).fatal[0]?.message ?? "", /prod/);
    assert.match(resolveWith("sdk", { CLEARML_ENV: "" }).fatal[0]?.message ?? "", /empty/);
  });

  // clearml/backend_config/config.py:340-347; clearml/config/__init__.py:23-28
  it("stops on a syntax error and names the line and column", () => {
    const r = resolveWith("sdk", {}, { [CONF]: 'api { api_server: "C" ' });
    assert.equal(r.fatal.length, 1);
    assert.match(r.fatal[0]!.message, /clearml\.conf:1:\d+/);
    assert.equal(r.files.find((f) => f.path === CONF)?.status, "error");
  });

  // clearml/utilities/pyhocon/config_parser.py:459-483; clearml/utilities/pyhocon/config_parser.py:466-474; clearml/backend_config/config.py:353-355; clearml/utilities/pyhocon/config_parser.py:466-468; clearml/utilities/pyhocon/config_parser.py:459-474
  it("substitutes environment variables inside the file", () => {
    const file = (t: string) => ({ [CONF]: t });
    assert.equal(
      valueAt(
        resolveWith("sdk", { MYHOST: "http://envhost:8008" }, file("api.api_server: ${MYHOST}")),
        "api.api_server",
      ),
      "http://envhost:8008",
    );
    assert.equal(resolveWith("sdk", {}, file("api.api_server: ${NOPE}")).fatal.length, 1);
    assert.equal(
      valueAt(resolveWith("sdk", {}, file("api.api_server: ${?NOPE}")), "api.api_server"),
      "https://api.clear.ml",
    );
    assert.equal(resolveWith("sdk", {}, file("api.api_server: ${api.web_server}")).fatal.length, 1);
  });

  // clearml/utilities/pyhocon/config_parser.py:379,398; clearml/utilities/pyhocon/config_tree.py:145-171; clearml/backend_api/session/session.py:725-727,749-750
  it("keeps an unquoted URL, drops a trailing comment, and is case-sensitive", () => {
    assert.equal(
      valueAt(
        resolveWith("sdk", {}, { [CONF]: "api.api_server: http://h:8008 // c" }),
        "api.api_server",
      ),
      "http://h:8008",
    );
    assert.equal(
      valueAt(resolveWith("sdk", {}, { [CONF]: 'API.API_SERVER: "A"' }), "api.api_server"),
      "https://api.clear.ml",
    );
    assert.deepEqual(
      hosts(resolveWith("sdk", {}, { [CONF]: "api { api_server: http://localhost:8008 }" })),
      [
        "http://localhost:8008",
        "http://localhost:8080",
        "http://localhost:8081",
      ],
    );
  });

  // clearml/backend_config/config.py:348-352
  it("rejects a file that starts with a byte-order mark", () => {
    assert.equal(resolveWith("sdk", {}, { [CONF]: '\uFEFFapi.api_server: "A"' }).fatal.length, 1);
  });

  it("records the file, line and column of a value", () => {
    const r = resolveWith("sdk", {}, { [CONF]: '\napi {\n  files_server: "http://f:8081"\n}' });
    assert.equal(formatOrigin(lookup(r, "api.files_server")!.origin), `${CONF}:3:17`);
  });
});

describe("resolve() for the SDK: hosts", () => {
  const cases: Array<[string, Record<string, string>, string, Array<string | undefined>]> = [
    ["#24", { CLEARML_API_HOST: "https://api.example.com/" }, "", [
      "https://api.example.com",
      "https://app.example.com",
      "https://files.example.com",
    ]],
    ["#25", { CLEARML_API_HOST: "https://demoapi.example.com" }, "", [
      "https://demoapi.example.com",
      "https://demoapp.example.com",
      "https://demofiles.example.com",
    ]],
    ["#27", { CLEARML_API_HOST: "http://10.0.0.1" }, "", ["http://10.0.0.1", undefined, undefined]],
    ["#28", { CLEARML_API_HOST: "http://10.0.0.1", CLEARML_WEB_HOST: "http://10.0.0.1:9000" }, "", [
      "http://10.0.0.1",
      "http://10.0.0.1:9000",
      "http://10.0.0.1:8081",
    ]],
    ["#29", { CLEARML_API_HOST: "http://10.0.0.1", CLEARML_WEB_HOST: "http://web.local" }, "", [
      "http://10.0.0.1",
      "http://web.local",
      "http://web.local:8081",
    ]],
    ["#30", { CLEARML_API_HOST: "https://API.example.com" }, "", [
      "https://API.example.com",
      undefined,
      undefined,
    ]],
    ["#31", { CLEARML_API_HOST: "https://api.example.com:8008/base" }, "", [
      "https://api.example.com:8008/base",
      "https://app.example.com:8008/base",
      "https://app.example.com:8081/base",
    ]],
    ["#32", {}, 'api { api_server:"http://a:8008", web_server:"https://app.x.com:443" }', [
      "http://a:8008",
      "https://app.x.com:443",
      "https://app.x.com:8081",
    ]],
    ["#33", {}, 'api.host: "http://legacy:8008"', [
      "http://legacy:8008",
      "http://legacy:8080",
      "http://legacy:8081",
    ]],
    ["#34", {}, 'api { api_server:"http://a:8008", host:"http://legacy:8008" }', [
      "http://a:8008",
      "http://a:8080",
      "http://a:8081",
    ]],
    ["#35", { CLEARML_API_HOST: "   " }, 'api.api_server:"http://a:8008"', [
      "http://a:8008",
      "http://a:8080",
      "http://a:8081",
    ]],
    [
      "#36",
      { CLEARML_API_HOST: "", TRAINS_API_HOST: "http://t:8008" },
      'api.api_server:"http://a:8008"',
      [
        "http://t:8008",
        "http://t:8080",
        "http://t:8081",
      ],
    ],
    ["#37", { TRAINS_API_HOST: "http://h:8008" }, "", [
      "http://h:8008",
      "http://h:8080",
      "http://h:8081",
    ]],
    ["#39", {}, 'api.api_server: "localhost:8008"', ["localhost:8008", undefined, undefined]],
    ["table: path kept", { CLEARML_API_HOST: "http://a.b:8008/api.x" }, "", [
      "http://a.b:8008/api.x",
      "http://a.b:8080/api.x",
      "http://a.b:8081/api.x",
    ]],
  ];
  for (const [id, env, conf, expected] of cases) {
    it(`derives (API, web, files) as the SDK does (${id})`, () => {
      const r = resolveWith("sdk", env, conf ? { [CONF]: conf } : {});
      assert.deepEqual(hosts(r), expected);
      if (expected.includes(undefined)) {
        assert.ok(
          r.diagnostics.some((d) =>
            /Could not detect ClearML web application server/.test(d.message)
          ),
        );
      }
    });
  }

  // clearml/backend_api/session/session.py:710
  it("reports a null web_server as the SDK's crash", () => {
    const r = resolveWith("sdk", {}, {
      [CONF]: 'api { api_server:"http://a:8008", web_server: null }',
    });
    assert.ok(
      r.diagnostics.some((d) => d.subject === "api.web_server" && /None\.rstrip/.test(d.message)),
    );
  });

  it("marks derived hosts with what they were derived from", () => {
    const r = resolveWith("sdk", { CLEARML_API_HOST: "https://api.example.com" });
    assert.equal(formatOrigin(lookup(r, "api.api_server")!.origin), "env CLEARML_API_HOST");
    assert.match(
      formatOrigin(lookup(r, "api.web_server")!.origin),
      /^derived from API host https:\/\/api\.example\.com \(api\. → app\.\)$/,
    );
  });
});

describe("resolve() for the SDK: variables at their keys", () => {
  // clearml/backend_api/utils.py:159-163
  it("puts TLS verification from the variable at api.verify_certificate", () => {
    assert.equal(
      valueAt(resolveWith("sdk", { CLEARML_API_HOST_VERIFY_CERT: "0" }), "api.verify_certificate"),
      false,
    );
    assert.equal(
      valueAt(
        resolveWith("sdk", { CLEARML_API_HOST_VERIFY_CERT: "/etc/ssl/ca.pem" }),
        "api.verify_certificate",
      ),
      "/etc/ssl/ca.pem",
    );
    assert.equal(
      valueAt(
        resolveWith("sdk", { CLEARML_API_HOST_VERIFY_CERT: "yes" }, {
          [CONF]: "api.verify_certificate: false",
        }),
        "api.verify_certificate",
      ),
      true,
    );
  });

  // clearml/config/__init__.py:98-108
  it("lets CLEARML_CACHE_DIR replace the configured cache", () => {
    const conf = { [CONF]: 'sdk.storage.cache.default_base_dir: "/conf/c"' };
    assert.equal(
      valueAt(
        resolveWith("sdk", { CLEARML_CACHE_DIR: "/env/c" }, conf),
        "sdk.storage.cache.default_base_dir",
      ),
      "/env/c",
    );
    assert.equal(
      valueAt(resolveWith("sdk", {}, conf), "sdk.storage.cache.default_base_dir"),
      "/conf/c",
    );
    assert.equal(
      valueAt(
        resolveWith("sdk", { TRAINS_CACHE_DIR: "/t/c" }),
        "sdk.storage.cache.default_base_dir",
      ),
      "/t/c",
    );
  });

  // clearml/task.py:182; clearml/task.py:182,638-641
  it("lets CLEARML_DEFAULT_OUTPUT_URI replace the configured URI, stripped", () => {
    const conf = { [CONF]: 'sdk.development.default_output_uri: "gs://c"' };
    assert.equal(
      valueAt(
        resolveWith("sdk", { CLEARML_DEFAULT_OUTPUT_URI: " s3://b/p " }, conf),
        "sdk.development.default_output_uri",
      ),
      "s3://b/p",
    );
    assert.equal(
      valueAt(resolveWith("sdk", {}, conf), "sdk.development.default_output_uri"),
      "gs://c",
    );
  });

  // only the agent reads them: clearml_agent/backend_config/config.py:73-76,191-225
  it("ignores dynamic variables, which the SDK does not read", () => {
    const r = resolveWith("sdk", {
      CLEARML__API__API_SERVER: "http://x:8008",
      CLEARML_AGENT__API__API_SERVER: "http://y:8008",
      CLEARML__SDK__DEVELOPMENT__DEFAULT_OUTPUT_URI: "s3://z",
    });
    assert.equal(valueAt(r, "api.api_server"), "https://api.clear.ml");
    assert.equal(valueAt(r, "sdk.development.default_output_uri"), "");
  });

  // clearml/backend_config/converters.py:28-29; clearml/backend_config/entry.py:74-78; clearml/backend_config/entry.py:78
  it("warns and falls back on an invalid SDK boolean, without trying the alias", () => {
    const r = resolveWith("sdk", { CLEARML_TASK_NO_REUSE: "abc", TRAINS_TASK_NO_REUSE: "1" });
    const s = r.variables.find((v) => v.variable.name === "CLEARML_TASK_NO_REUSE")!;
    assert.equal(s.status, "invalid");
    assert.equal(s.name, "CLEARML_TASK_NO_REUSE");
    assert.deepEqual(r.fatal, []);
    assert.ok(
      r.diagnostics.some((d) =>
        /invalid value CLEARML_TASK_NO_REUSE=abc: invalid truth value 'abc'/.test(d.message)
      ),
    );
  });

  // clearml/backend_config/entry.py:69-72
  it("falls through an empty name to the alias", () => {
    const r = resolveWith("sdk", { CLEARML_TASK_NO_REUSE: "", TRAINS_TASK_NO_REUSE: "1" });
    const s = r.variables.find((v) => v.variable.name === "CLEARML_TASK_NO_REUSE")!;
    assert.equal(s.value, true);
    assert.equal(s.name, "TRAINS_TASK_NO_REUSE");
  });

  // clearml/binding/environ_bind.py:40-41
  it("replaces the configured log_os_environments with the variable", () => {
    const r = resolveWith("sdk", { CLEARML_LOG_ENVIRONMENT: "X_SUFFIX" }, {
      [CONF]: 'sdk.development.log_os_environments: ["MY_VAR"]',
    });
    assert.deepEqual(valueAt(r, "sdk.development.log_os_environments"), ["X_SUFFIX"]);
  });
});
