/**
 * A json-lines body of plain log events stored as sent (`scanLogLines` + `addLogLines`) reads
 * back exactly as the same body parsed event by event (`addEvents`); every body the scanner is
 * not sure of is left to the full parser.
 */
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { addEvents, addLogLines, allLogEvents } from "../../src/server/events_store.ts";
import { scanLogLines } from "../../src/server/scan_log_lines.ts";
import { Store } from "../../src/server/store.ts";
import { createTask, loadTask } from "../../src/server/tasks_store.ts";
import type { Obj } from "../../src/server/call_body.ts";

const NOW = Date.parse("2025-01-15T10:00:00.123Z");
const UNKNOWN = "0".repeat(32);
const encode = (s: string) => new TextEncoder().encode(s);

/** The body for `task` (`T` in `template`), parsed as the full parser does. */
function parsed(text: string): Obj[] {
  return text.split("\n").filter((l) => l.trim()).map((l) => JSON.parse(l) as Obj);
}

/**
 * The same body stored both ways, each for a task of its own: the results, the log lines read
 * back (key order included) and the tasks' statistics, with the task ids made equal.
 */
function bothWays(template: string) {
  const store = Store.open(":memory:");
  const ident = store.identity();
  const a = createTask(store, ident, { name: "parsed", type: "training" }, NOW);
  const b = createTask(store, ident, { name: "scanned", type: "training" }, NOW);
  const lines = scanLogLines(encode(template.replaceAll("T", b)));
  assert.ok(lines, `the scanner takes ${JSON.stringify(template)}`);
  const ra = addEvents(store, parsed(template.replaceAll("T", a)), "w:1", NOW + 5);
  const rb = addLogLines(store, lines, "w:1", NOW + 5);
  const read = (task: string) =>
    JSON.stringify(allLogEvents(store, task).map((e) => e.event)).replaceAll(task, "T");
  const stats = (task: string) => {
    const t = loadTask(store, task)!;
    return JSON.stringify([t.last_update, t.last_change, t.last_metrics, t.last_iteration]);
  };
  return { ra, rb, a: read(a), b: read(b), sa: stats(a), sb: stats(b) };
}

const line = (fields: string) => `{"type":"log","task":"T",${fields}}`;

describe("scanLogLines", () => {
  const bodies: [string, string][] = [
    [
      "an agent's batch (spaces after separators, a trailing newline)",
      '{"type": "log", "level": "INFO", "task": "T", "worker": "host:1", "msg": "pulled\\n", ' +
      '"timestamp": 1736935262000}\n{"type": "log", "level": "DEBUG", "task": "T", ' +
      '"worker": "host:1", "msg": "Collecting torch\\nDownloading ...\\n", "timestamp": 1736935270000}\n',
    ],
    [
      "escapes, quotes and text beyond ASCII",
      [
        line(
          '"msg":"say \\"hi\\" \\\\ \\/ \\b\\f\\r\\t \\u00e9\\ud83d\\ude00 \\ud800","timestamp":3',
        ),
        line('"msg":"héllo ✓ 😀 — 日本","level":"info","timestamp":1'),
      ].join("\n"),
    ],
    [
      "CRLF line ends, blank lines and spaces around objects",
      `\r\n  ${line('"msg":"a","timestamp":5')}  \r\n\n\t\n${line('"msg":"b","timestamp":4')}\r\n`,
    ],
    [
      "timestamps absent, fractional, negative, a string, null, nested",
      [
        line('"msg":"none"'),
        line('"msg":"frac","timestamp":12.75'),
        line('"msg":"neg","timestamp":-3'),
        line('"msg":"str","timestamp":"12"'),
        line('"msg":"null","timestamp":null'),
        line('"msg":"obj","timestamp":{"a":[1,2]}'),
        line('"msg":"big","timestamp":12345678901234567890'),
      ].join("\n"),
    ],
    [
      "other fields of any kind, repeated ones, integer-like keys, __proto__",
      [
        line(
          '"msg":"x","level":"info","level":"error","b":1,"1":2,"extra":{"k":[true,false,null,-0.5,{}]}',
        ),
        line('"msg":"y","__proto__":{"p":1},"worker":"other","timestamp":7'),
        '{"msg":"task last","timestamp":8,"task":"T","type":"log"}',
      ].join("\n"),
    ],
    [
      "lines for an unknown task counted as errors",
      [
        line('"msg":"ok","timestamp":1'),
        `{"type":"log","task":"${UNKNOWN}","msg":"lost"}`,
        line('"msg":"ok too","timestamp":2'),
        `{"type":"log","task":"${UNKNOWN}","msg":"lost too"}`,
      ].join("\n"),
    ],
  ];
  for (const [name, body] of bodies) {
    it(`stores ${name} as the full parser does`, () => {
      const r = bothWays(body);
      assert.deepEqual(r.rb, r.ra);
      assert.equal(r.b, r.a);
      assert.equal(r.sb, r.sa);
    });
  }

  it("reads each line's task and timestamp, and where its object starts and ends", () => {
    const body = encode(
      `  {"task":"a1","type":"log","timestamp":17}\r\n\n{"type":"log","task":"b2"}`,
    );
    const r = scanLogLines(body)!;
    assert.deepEqual(r.tasks, ["a1", "b2"]);
    assert.deepEqual(r.stamps, [17, NaN]);
    const text = new TextDecoder().decode(body);
    assert.equal(text.slice(r.spans[0], r.spans[1]), '{"task":"a1","type":"log","timestamp":17}');
    assert.equal(text.slice(r.spans[2], r.spans[3]), '{"type":"log","task":"b2"}');
  });

  const refused: [string, string | Uint8Array][] = [
    ["a scalar event", '{"type":"training_stats_scalar","task":"t","iter":1,"value":1}'],
    ["a log line then a plot", `${line('"msg":"a"')}\n{"type":"plot","task":"t"}`],
    ["a type with a space", '{"type":"log ","task":"t"}'],
    ["a line that is not JSON", `${line('"msg":"a"')}\n{"type":"log",`],
    ["a line that is not an object", '[{"type":"log","task":"t"}]'],
    ["two objects on a line", `${line('"msg":"a"')} {}`],
    ["a trailing comma", '{"type":"log","task":"t",}'],
    ["a control character in a string", '{"type":"log","task":"t","msg":"a\tb"}'],
    ["a bad escape", '{"type":"log","task":"t","msg":"\\x"}'],
    ["a number with an exponent", '{"type":"log","task":"t","n":1e999}'],
    ["a number with a leading zero", '{"type":"log","task":"t","n":012}'],
    ["an escaped key", '{"t\\u0079pe":"log","task":"t"}'],
    ["an escaped task", '{"type":"log","task":"\\u0074"}'],
    ["an empty task", '{"type":"log","task":""}'],
    ["no task", '{"type":"log","msg":"a"}'],
    ["no type", '{"task":"t","msg":"a"}'],
    ["a repeated type", '{"type":"log","task":"t","type":"plot"}'],
    ["a repeated task", '{"type":"log","task":"t","task":"u"}'],
    ["a repeated timestamp", '{"type":"log","task":"t","timestamp":1,"timestamp":2}'],
    ["ts", '{"type":"log","task":"t","ts":1}'],
    ["metric", '{"type":"log","task":"t","metric":"m"}'],
    ["iter", '{"type":"log","task":"t","iter":3}'],
    ["model_event", '{"type":"log","task":"t","model_event":false}'],
    ["model", '{"type":"log","task":"t","model":"m"}'],
    ["allow_locked", '{"type":"log","task":"t","allow_locked":true}'],
    ["a byte-order mark", "\ufeff" + '{"type":"log","task":"t"}'],
    ["a form feed as a blank line", `\f\n${line('"msg":"a"')}`],
    ["nothing but blank lines", "\n \r\n"],
    [
      "bytes that are not UTF-8",
      new Uint8Array([...encode('{"type":"log","task":"t","msg":"'), 0xc3, 0x28, 0x22, 0x7d]),
    ],
    [
      "an overlong UTF-8 sequence",
      new Uint8Array([...encode('{"type":"log","task":"t","msg":"'), 0xe0, 0x80, 0xaf, 0x22, 0x7d]),
    ],
    [
      "a UTF-8 surrogate",
      new Uint8Array([...encode('{"type":"log","task":"t","msg":"'), 0xed, 0xa0, 0x80, 0x22, 0x7d]),
    ],
  ];
  for (const [name, body] of refused) {
    it(`leaves a body with ${name} to the full parser`, () => {
      assert.equal(scanLogLines(typeof body === "string" ? encode(body) : body), undefined);
    });
  }
});
