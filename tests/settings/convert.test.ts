import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { convert } from "../../src/settings/convert.ts";
import { pyInt } from "../../src/settings/py_int.ts";
import { pyB64decodeText } from "../../src/settings/py_base64.ts";
import { cudaVersionInt10, normalizeCudaVersion } from "../../src/settings/normalize_cuda.ts";
import { pyRepr, pyStrip } from "../../src/settings/py_str.ts";
import type { Plain } from "../../src/settings/tree.ts";
import type { ConverterId, ConvertResult } from "../../src/settings/variable.ts";

type Row = [ConverterId, string, ConvertResult, string];

const ok = (value: Plain, warning?: string): ConvertResult =>
  warning === undefined ? { ok: true, value } : { ok: true, value, warning };
const err = (error: string): ConvertResult => ({ ok: false, error });

/**
 * [converter, raw, expected, where the real program does it] — paths in the ClearML SDK 1.17.0
 * (`clearml/…`) and clearml-agent 1.9.2 (`clearml_agent/…`), as in ../shared/peers. The SDK
 * strips before converting (clearml/backend_config/environment.py:22-24).
 */
const ROWS: Row[] = [
  // sdk-config #49: strict bool, true spellings (the EnvEntry has stripped " yes ")
  ...["1", "true", "True", "TRUE", "yes", "Y", "on", "t", pyStrip(" yes ")].map((
    raw,
  ): Row => [
    "strict-bool",
    raw,
    ok(true),
    "clearml/backend_config/converters.py:23-25, clearml/backend_config/environment.py:11",
  ]),
  // #50: false spellings
  ...["0", "f", "no", "off", "false"].map((
    raw,
  ): Row => ["strict-bool", raw, ok(false), "clearml/backend_config/converters.py:26-27"]),
  // #51, #52: anything else is an error naming the lower-cased value
  [
    "strict-bool",
    "2",
    err("invalid truth value '2'"),
    "clearml/backend_config/converters.py:28-29, clearml/backend_config/entry.py:74-78",
  ],
  ["strict-bool", "abc", err("invalid truth value 'abc'"), "clearml/backend_config/entry.py:78"],
  [
    "strict-bool",
    "ABC",
    err("invalid truth value 'abc'"),
    "clearml/backend_config/converters.py:16-29,37-39",
  ],
  [
    "strict-bool",
    "1.0",
    err("invalid truth value '1.0'"),
    "clearml/backend_config/converters.py:16-29,37-39",
  ],
  [
    "strict-bool",
    "enable",
    err("invalid truth value 'enable'"),
    "clearml/backend_config/converters.py:16-29,37-39",
  ],
  // #54: safe bool
  [
    "safe-bool",
    "abc",
    ok(true),
    "clearml/backend_config/converters.py:42-47, clearml/backend_api/session/session.py:773-786",
  ],
  [
    "safe-bool",
    "2.20",
    ok(true),
    "clearml/backend_config/converters.py:42-47, clearml/backend_api/session/session.py:773-786",
  ],
  [
    "safe-bool",
    "1",
    ok(true),
    "clearml/backend_config/converters.py:42-47, clearml/backend_api/session/session.py:773-786",
  ],
  [
    "safe-bool",
    "true",
    ok(true),
    "clearml/backend_config/converters.py:42-47, clearml/backend_api/session/session.py:773-786",
  ],
  [
    "safe-bool",
    "0",
    ok(false),
    "clearml/backend_config/converters.py:42-47, clearml/backend_api/session/session.py:773-786",
  ],
  [
    "safe-bool",
    "false",
    ok(false),
    "clearml/backend_config/converters.py:42-47, clearml/backend_api/session/session.py:773-786",
  ],
  [
    "safe-bool",
    "debug",
    ok(true),
    "clearml/backend_config/converters.py:42-47, clearml/backend_api/session/defs.py:11-13",
  ],
  // #59, #60: Python int()
  ["int", "5", ok(5), "clearml/config/defs.py:23, clearml/backend_config/entry.py:64"],
  ["int", " 7 ", ok(7), "clearml/config/defs.py:23, clearml/backend_config/entry.py:64"],
  ["int", "-3", ok(-3), "clearml/config/defs.py:23, clearml/backend_config/entry.py:64"],
  ["int", "+4", ok(4), "clearml/config/defs.py:23, clearml/backend_config/entry.py:64"],
  ["int", "1_000", ok(1000), "clearml/config/defs.py:23, clearml/backend_config/entry.py:64"],
  ["int", "٣", ok(3), "clearml/config/defs.py:23, clearml/backend_config/entry.py:64"],
  [
    "int",
    "5.0",
    err("invalid literal for int() with base 10: '5.0'"),
    "clearml/backend_config/entry.py:74-78",
  ],
  [
    "int",
    "abc",
    err("invalid literal for int() with base 10: 'abc'"),
    "clearml/backend_config/entry.py:74-78",
  ],
  [
    "int",
    "0x10",
    err("invalid literal for int() with base 10: '0x10'"),
    "clearml/backend_config/entry.py:74-78",
  ],
  // #67: verify certificate
  ["verify-cert", "0", ok(false), "clearml/backend_api/utils.py:159-163"],
  ["verify-cert", "off", ok(false), "clearml/backend_api/utils.py:159-163"],
  ["verify-cert", "/etc/ssl/ca.pem", ok("/etc/ssl/ca.pem"), "clearml/backend_api/utils.py:159-163"],
  ["verify-cert", "yes", ok(true), "clearml/backend_api/utils.py:159-163"],
  [
    "verify-cert",
    "flase",
    ok(
      "flase",
      "'flase' is not a true/false spelling, so the SDK uses it as the path of a CA bundle: " +
        'its first request fails with "Could not find a suitable TLS CA certificate bundle, ' +
        'invalid path: flase" (accepted: y, yes, t, true, on, 1 or n, no, f, false, off, 0, ' +
        "or a CA file path)",
    ),
    "clearml/backend_api/utils.py:159-163",
  ],
  // #71-#73: request method
  ["req-method", "post", ok("post"), "clearml/backend_api/session/request.py:18-26"],
  ["req-method", pyStrip(" PUT "), ok("PUT"), "clearml/backend_api/session/request.py:18-26"],
  ["req-method", "Get", ok("Get"), "clearml/backend_api/session/request.py:18-26"],
  [
    "req-method",
    "delete",
    err(
      "CLEARML_API_DEFAULT_REQ_METHOD environment variable must be 'get' or 'post' (any case is allowed).",
    ),
    "clearml/backend_api/session/request.py:18-21",
  ],
  [
    "req-method",
    "",
    err("'NoneType' object has no attribute 'upper'"),
    "clearml/backend_api/session/request.py:18, clearml/backend_config/environment.py:36-37",
  ],
  // base64 text: clearml/backend_config/converters.py:32-34
  [
    "base64-text",
    "bm90IGJhc2U2NA",
    err("Incorrect padding"),
    "clearml/backend_config/converters.py:32-34",
  ],
  ["base64-text", "aGVs bG8=", ok("hello"), "clearml/backend_config/converters.py:34"],
  ["base64-text", "aGVsbG8===", ok("hello"), "clearml/backend_config/converters.py:32-34"],
  ["base64-text", "aGVsbG8=x", ok("hello"), "clearml/backend_config/converters.py:32-34"],
  [
    "base64-text",
    "aGVsbG8",
    err("Incorrect padding"),
    "clearml/backend_config/converters.py:32-34",
  ],
  [
    "base64-text",
    "/w==",
    err("'utf-8' codec can't decode byte 0xff in position 0: invalid start byte"),
    "clearml/backend_config/converters.py:32-34",
  ],
  // base logger level: clearml/debugging/log.py:25-47
  ["log-level", "DEBUG", ok(10), "clearml/debugging/log.py:107-124"],
  ["log-level", "debug", ok(10), "clearml/debugging/log.py:45"],
  [
    "log-level",
    "15",
    err("Invalid value in environment variable CLEARML_LOG_LEVEL: 15"),
    "clearml/debugging/log.py:37-47,108-110",
  ],
  ["log-level", "20", ok(20), "clearml/debugging/log.py:25-47"],
  ["log-level", "warn", ok(30), "clearml/debugging/log.py:25-47"],
  ["log-level", "fatal", ok(50), "clearml/debugging/log.py:25-47"],
  ["log-level", "notset", ok(0), "clearml/debugging/log.py:25-47"],
  [
    "log-level",
    "verbose",
    err("Invalid value in environment variable CLEARML_LOG_LEVEL: verbose"),
    "clearml/debugging/log.py:25-47",
  ],
  // comma list: clearml/binding/environ_bind.py:43,54-56
  [
    "comma-list",
    " AWS_* , MY_VAR ",
    ok(["AWS_*", "MY_VAR"]),
    "clearml/binding/environ_bind.py:43,54-56",
  ],
  [
    "comma-list",
    "[AWS_*, MY_VAR]",
    ok(["[AWS_*", "MY_VAR]"]),
    "clearml/binding/environ_bind.py:43",
  ],
  ["comma-list", "A,,B,", ok(["A", "B"]), "clearml/binding/environ_bind.py:43,54-56"],
  ["comma-list", ",", ok([]), "clearml/binding/environ_bind.py:43,54-56"],
  // agent T01-T04: EnvironmentConfig bools are not stripped
  [
    "agent-bool",
    "YES",
    ok(true),
    "clearml_agent/definitions.py:35,170, clearml_agent/helper/environment/converters.py:72-85",
  ],
  ["agent-bool", " true", err("invalid truth value ' true'"), "clearml_agent/definitions.py:35"],
  [
    "agent-bool",
    "2",
    err("invalid truth value '2'"),
    "clearml_agent/helper/environment/converters.py:84-85",
  ],
  [
    "agent-bool",
    "enable",
    err("invalid truth value 'enable'"),
    "clearml_agent/helper/environment/converters.py:84-85",
  ],
  ["agent-bool", "0", ok(false), "clearml_agent/definitions.py:32-63"],
  // T05: text with truthiness only
  [
    "truthy-text",
    "0",
    ok("0"),
    "clearml_agent/definitions.py:166, clearml_agent/commands/worker.py:4445,4451",
  ],
  ["truthy-text", "false", ok("false"), "clearml_agent/definitions.py:166"],
  // T06-T08: shlex lists
  [
    "shlex-list",
    "--ipc=host -e 'A=b c' --network host",
    ok(["--ipc=host", "-e", "A=b c", "--network", "host"]),
    "clearml_agent/definitions.py:37,182",
  ],
  [
    "shlex-list",
    "-e 'unterminated",
    err("No closing quotation"),
    "clearml_agent/commands/worker.py:768-770, clearml_agent/__main__.py:63-67",
  ],
  [
    "shlex-list",
    "--use-deprecated=legacy-resolver --no-cache-dir",
    ok(["--use-deprecated=legacy-resolver", "--no-cache-dir"]),
    "clearml_agent/definitions.py:155, clearml_agent/helper/package/pip_api/system.py:99-108",
  ],
  [
    "shlex-list",
    'team=ml "owner=John Doe"',
    ok(["team=ml", "owner=John Doe"]),
    "clearml_agent/commands/worker.py:4486-4488",
  ],
  ["shlex-list", "  ", ok([]), "clearml_agent/definitions.py:32-63"],
  // T09, T10: text
  ["text", "clearml:img", ok("clearml:img"), "clearml_agent/definitions.py:55-63,156"],
  ["text", "  trains:img \n", ok("trains:img"), "clearml_agent/definitions.py:57-58"],
  ["raw", "  x ", ok("  x "), "clearml/backend_config/config.py:87-100"],
  // T21: cuda-version normalises
  ["cuda-version", "11.8", ok("118"), "clearml_agent/session.py:406-431"],
  ["cuda-version", " 11.8.89 ", ok("118"), "clearml_agent/session.py:406-431"],
  ["cuda-version", "12", ok("12"), "clearml_agent/session.py:406-431"],
  ["cuda-version", "11.x", ok("11.x"), "clearml_agent/session.py:406-431"],
  // T28: initial connect retry override
  ["connect-retry", "1", ok(1), "clearml_agent/backend_api/session/defs.py:21-23"],
  ["connect-retry", "true", ok(4), "clearml_agent/backend_api/session/defs.py:21-23"],
  ["connect-retry", "0", ok(false), "clearml_agent/backend_api/session/defs.py:21-23"],
  ["connect-retry", "-3", ok(3), "clearml_agent/backend_api/session/defs.py:21-23"],
  ["connect-retry", "abc", ok(4), "clearml_agent/backend_api/session/defs.py:21-23"],
  ["connect-retry", "false", ok(false), "clearml_agent/backend_api/session/defs.py:21-23"],
  // T60: skip venv install
  ["skip-venv", "1", ok(true), "clearml_agent/commands/worker.py:3838-3846"],
  ["skip-venv", "true", ok(true), "clearml_agent/commands/worker.py:3838-3846"],
  ["skip-venv", "false", ok(false), "clearml_agent/commands/worker.py:3838-3846"],
  ["skip-venv", "0", ok(false), "clearml_agent/commands/worker.py:3838-3846"],
  [
    "skip-venv",
    "/usr/bin/python3",
    ok("/usr/bin/python3"),
    "clearml_agent/commands/worker.py:3838-3846",
  ],
  // T69-T71: pytorch resolve
  [
    "pytorch-resolve",
    "none",
    ok("none"),
    "clearml_agent/helper/package/pytorch.py:272-277,500-502",
  ],
  ["pytorch-resolve", "DIRECT", ok("direct"), "clearml_agent/helper/package/pytorch.py:293-433"],
  [
    "pytorch-resolve",
    "foo",
    ok(
      "pip",
      "agent.package_manager.pytorch_resolve==foo not in ('pip', 'direct', 'none') reverting to 'pip'",
    ),
    "clearml_agent/helper/package/pytorch.py:216-219",
  ],
  // sdk #13-#15: environment name
  ["env-name", "demo", ok("demo"), "clearml/backend_config/config.py:277-289,191"],
  ["env-name", "prod", err("Invalid environment None"), "clearml/backend_config/config.py:99-100"],
  [
    "env-name",
    "",
    err("Missing environment in either init of environment variable"),
    "clearml/backend_config/config.py:87,95-98",
  ],
  ["env-name", " demo", err("Invalid environment None"), "clearml/backend_config/config.py:87-100"],
];

describe("convert()", () => {
  for (const [id, raw, expected, vector] of ROWS) {
    it(`convert() ${id} of ${JSON.stringify(raw)} (${vector})`, () => {
      assert.deepEqual(convert(id, raw), expected);
    });
  }

  it("convert() rejects a bool with a leading space for the agent", () => {
    assert.deepEqual(convert("agent-bool", " true"), err("invalid truth value ' true'"));
  });

  it("convert() accepts a bool with a leading space for the SDK, which strips it", () => {
    assert.deepEqual(convert("strict-bool", " yes "), ok(true));
  });

  it("convert() lower-cases the bool with Unicode rules before the error", () => {
    assert.deepEqual(convert("strict-bool", "ÉTÉ"), err("invalid truth value 'été'"));
  });

  it("convert() quotes the error value the way Python's repr() does", () => {
    assert.deepEqual(convert("agent-bool", "it's"), err(`invalid truth value "it's"`));
    assert.deepEqual(
      convert("int", "a\nb"),
      err("invalid literal for int() with base 10: 'a\\nb'"),
    );
  });

  it("convert() keeps the log level error on the raw value, not the stripped one", () => {
    assert.deepEqual(
      convert("log-level", " 15 "),
      err("Invalid value in environment variable CLEARML_LOG_LEVEL:  15 "),
    );
  });

  it("convert() never fails for the converters documented as never failing", () => {
    const samples = ["", " ", "abc", "'", "\\", "-1", "0", "ÿ"];
    for (
      const id of ["text", "raw", "safe-bool", "comma-list", "verify-cert", "truthy-text"] as const
    ) {
      for (const s of samples) assert.equal(convert(id, s).ok, true, `${id} ${JSON.stringify(s)}`);
    }
    for (const id of ["cuda-version", "pytorch-resolve", "skip-venv", "connect-retry"] as const) {
      for (const s of samples) assert.equal(convert(id, s).ok, true, `${id} ${JSON.stringify(s)}`);
    }
  });
});

describe("pyInt()", () => {
  const accepted: Array<[string, number]> = [
    ["5", 5],
    [" 7 ", 7],
    ["-3", -3],
    ["+4", 4],
    ["1_000", 1000],
    ["٣", 3],
    ["१२", 12],
    ["007", 7],
    ["\u00a01\u2003", 1],
    ["-0", 0],
  ];
  for (const [s, n] of accepted) {
    it(`pyInt() reads ${JSON.stringify(s)} as ${n}`, () => assert.equal(pyInt(s), n));
  }
  const rejected = [
    "5.0",
    "0x10",
    "1__0",
    "_1",
    "1_",
    "",
    " ",
    "+_1",
    "- 1",
    "1 2",
    "abc",
    "1\x1c",
  ];
  for (const s of rejected) {
    it(`pyInt() rejects ${JSON.stringify(s)}`, () => assert.equal(pyInt(s), undefined));
  }
});

describe("pyB64decodeText()", () => {
  it("pyB64decodeText() discards characters outside the standard alphabet", () => {
    assert.equal(pyB64decodeText("aG-V_s\nbG8="), "hello");
  });

  it("pyB64decodeText() reports one data character too many like CPython", () => {
    assert.throws(
      () => pyB64decodeText("a"),
      {
        message:
          "Invalid base64-encoded string: number of data characters (1) cannot be 1 more than a multiple of 4",
      },
    );
  });

  it("pyB64decodeText() rejects a non-ASCII value before decoding", () => {
    assert.throws(() => pyB64decodeText("aé"), {
      message: "string argument should contain only ASCII characters",
    });
  });

  it("pyB64decodeText() words truncated and invalid UTF-8 like CPython", () => {
    assert.throws(() => pyB64decodeText("4pw="), {
      message: "'utf-8' codec can't decode bytes in position 0-1: unexpected end of data",
    });
    assert.throws(() => pyB64decodeText("7aCA"), {
      message: "'utf-8' codec can't decode byte 0xed in position 0: invalid continuation byte",
    });
  });

  it("pyB64decodeText() decodes multi-byte UTF-8", () => {
    assert.equal(pyB64decodeText("4pyT"), "✓");
  });
});

describe("normalizeCudaVersion() and cudaVersionInt10()", () => {
  const t21: Array<[string, string]> = [
    ["11.8", "118"],
    ["11.8.89", "118"],
    ["10.0.130", "100"],
    ["118", "118"],
    ["12", "12"],
    ["", ""],
    ["0", "0"],
    ["11.x", "11.x"],
  ];
  for (const [input, expected] of t21) {
    it(`normalizeCudaVersion() turns ${JSON.stringify(input)} into ${expected} (T21)`, () => {
      assert.equal(normalizeCudaVersion(input), expected);
    });
  }

  it("normalizeCudaVersion() gives 10x+y for every x.y with x 7..13 and y 0..9", () => {
    for (let x = 7; x <= 13; x++) {
      for (let y = 0; y <= 9; y++) assert.equal(normalizeCudaVersion(`${x}.${y}`), `${10 * x + y}`);
    }
  });

  const t22: Array<[string, string]> = [["12", "120"], ["118", "118"], ["11.8", "118"], ["", "0"]];
  for (const [input, expected] of t22) {
    it(`cudaVersionInt10() turns ${JSON.stringify(input)} into ${expected} (T22)`, () => {
      assert.equal(cudaVersionInt10(input), expected);
    });
  }

  it("cudaVersionInt10() throws Python's int() error on a non-numeric value (T22)", () => {
    assert.throws(() => cudaVersionInt10("abc"), {
      message: "invalid literal for int() with base 10: 'abc'",
    });
  });

  it("cudaVersionInt10() reads the minor as a decimal fraction like the agent", () => {
    assert.equal(cudaVersionInt10("11.12"), "111");
    assert.equal(cudaVersionInt10("0.25"), "2");
  });
});

describe("pyRepr()", () => {
  it("pyRepr() escapes control characters and picks the quote like Python", () => {
    assert.equal(pyRepr("a'b"), `"a'b"`);
    assert.equal(pyRepr(`a'b"`), `'a\\'b"'`);
    assert.equal(pyRepr("\t\x00\xa0é"), "'\\t\\x00\\xa0é'");
  });
});
