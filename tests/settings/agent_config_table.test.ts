/**
 * `config show --for agent` is the configuration clearml-agent 1.9.2 works with, key for key:
 * every leaf of `Session(only_load_config=True).config`, recorded from the real agent on each
 * case of tests/fixtures/agent_config/cases.json (scripts/gen-agent-config-fixtures), must be
 * ours, and we must have no leaf it lacks. The machine facts the real Session derived values
 * from (host name, Python, detected CUDA) are handed to our resolver as recorded.
 */
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { Buffer } from "node:buffer";
import { resolve } from "../../src/settings/resolve.ts";
import { memoryFs } from "../../src/settings/fs_view.ts";
import { type Plain, toPlain } from "../../src/settings/tree.ts";
import type { AgentStartFacts } from "../../src/settings/agent_start.ts";

interface Case {
  name: string;
  env?: Record<string, string>;
  files?: Record<string, string>;
  binaryFiles?: Record<string, string>;
  /** Leaves where ours deliberately differs, with the reason (documented divergences). */
  ours?: Record<string, Plain | { absent: true }>;
  why?: string;
}
interface Recorded {
  /** Plus the temporary HOME the case ran in (values may contain it). */
  facts: AgentStartFacts & { home: string };
  config?: Plain;
  error?: string;
}

function fixture<T>(name: string): T {
  const url = new URL(`../fixtures/agent_config/${name}`, import.meta.url);
  return JSON.parse(readFileSync(fileURLToPath(url.href), "utf8")) as T;
}

const cases = fixture<Case[]>("cases.json");
const recorded = fixture<Record<string, Recorded>>("expected.json");

/** Every leaf as `path → value`; lists of scalars are one leaf, lists of objects are walked. */
function leafMap(value: Plain, prefix = "", out = new Map<string, Plain>()): Map<string, Plain> {
  const walkList = Array.isArray(value) &&
    value.some((v) => v !== null && typeof v === "object");
  if (value !== null && typeof value === "object" && !Array.isArray(value)) {
    const entries = Object.entries(value);
    if (entries.length === 0 && prefix) out.set(prefix, {});
    for (const [k, v] of entries) leafMap(v, prefix ? `${prefix}.${k}` : k, out);
  } else if (walkList) {
    (value as Plain[]).forEach((v, i) => leafMap(v, `${prefix}.${i}`, out));
  } else out.set(prefix, value);
  return out;
}

function resolveCase(c: Case, facts: Recorded["facts"]) {
  const HOME = facts.home;
  const files: Record<string, string | Uint8Array> = {};
  for (const [rel, text] of Object.entries(c.files ?? {})) files[`${HOME}/${rel}`] = text;
  for (const [rel, b64] of Object.entries(c.binaryFiles ?? {})) {
    files[`${HOME}/${rel}`] = new Uint8Array(Buffer.from(b64, "base64"));
  }
  return resolve({
    consumer: "agent",
    env: { HOME, ...c.env },
    home: HOME,
    cwd: HOME,
    fs: memoryFs(files),
    agentStart: facts,
  });
}

describe("config show --for agent against clearml-agent 1.9.2, every leaf", () => {
  it("has a recorded answer for many configurations", () => {
    assert.ok(cases.length >= 40, `only ${cases.length} cases`);
    for (const c of cases) assert.ok(recorded[c.name], `no recorded answer for "${c.name}"`);
  });

  for (const c of cases) {
    const rec = recorded[c.name]!;
    if (rec.error !== undefined) {
      it(`stops where the agent stops: ${c.name} (${rec.error.split(":")[0]})`, () => {
        const r = resolveCase(c, rec.facts);
        assert.ok(r.fatal.some((d) => d.stops !== "use"), `no fatal finding for ${rec.error}`);
      });
      continue;
    }
    it(`matches the agent leaf for leaf: ${c.name}`, () => {
      const r = resolveCase(c, rec.facts);
      assert.deepEqual(r.fatal.filter((d) => d.stops !== "use"), []);
      const ours = leafMap(toPlain(r.tree));
      const theirs = leafMap(rec.config!);
      for (const [key, want] of Object.entries(c.ours ?? {})) {
        if (want !== null && typeof want === "object" && "absent" in want) theirs.delete(key);
        else theirs.set(key, want);
      }
      const problems: string[] = [];
      for (const [key, want] of theirs) {
        if (!ours.has(key)) problems.push(`missing ${key} = ${JSON.stringify(want)}`);
        else {
          try {
            assert.deepEqual(ours.get(key), want);
          } catch {
            problems.push(
              `${key}: ours ${JSON.stringify(ours.get(key))}, agent ${JSON.stringify(want)}`,
            );
          }
        }
      }
      for (const [key, have] of ours) {
        if (!theirs.has(key)) problems.push(`extra ${key} = ${JSON.stringify(have)}`);
      }
      assert.deepEqual(problems, []);
    });
  }
});
