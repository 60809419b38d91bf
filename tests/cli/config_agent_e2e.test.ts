/**
 * `config show|get --for agent` from the command line: the start-up values the agent derives,
 * normalised CUDA versions, indexed keys, findings that do not stop the printout, and files
 * that are not UTF-8.
 */
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { mkdtempSync, writeFileSync } from "node:fs";
import { hostname, tmpdir } from "node:os";
import { join } from "node:path";
import { Buffer } from "node:buffer";
import { runCli } from "../_helpers/cli.ts";

function home(files: Record<string, string | Uint8Array> = {}): string {
  const dir = mkdtempSync(join(tmpdir(), "clearml-agent-cfg-"));
  for (const [name, body] of Object.entries(files)) writeFileSync(join(dir, name), body);
  return dir;
}

function showAgent(env: Record<string, string>) {
  const r = runCli(["config", "show", "--for", "agent", "--json"], { env });
  return { ...r, config: r.code === 0 ? JSON.parse(r.stdout).config : undefined };
}

describe("config show --for agent", () => {
  it("adds what the agent's Session derives at start: worker name, Python, CUDA, api.host", () => {
    const h = home({ "clearml.conf": 'api.api_server: "http://a:8008"\n' });
    const r = showAgent({ HOME: h });
    assert.equal(r.code, 0, r.stderr);
    assert.equal(r.config.agent.worker_name, hostname());
    assert.match(r.config.agent.default_python, /^3\.\d+$/);
    assert.match(r.config.agent.cuda_version, /^\d+$/);
    assert.match(r.config.agent.cudnn_version, /^\d+$/);
    assert.equal(r.config.api.host, "http://a:8008");
    assert.equal(r.config.env, "default");
  });

  it("uses the agent's own defaults, not the SDK's", () => {
    const r = showAgent({ HOME: home() });
    assert.equal(r.code, 0, r.stderr);
    assert.equal(r.config.agent.disable_task_docker_override, false);
    assert.equal(r.config.agent.default_docker.match_rules[0].arguments, "--ipc=host");
    assert.equal(r.config.agent.package_manager.pytorch_resolve, undefined);
    assert.equal(r.config.sdk.storage.cache.size.min_free_bytes, "10GB");
    assert.equal(r.config.sdk.development.log_os_environments, undefined);
    assert.equal(r.config.api.api_server, undefined);
  });

  it("normalises cuda_version: 11.8 and cudnn_version: 8.9 from the file to 118 and 89", () => {
    const h = home({ "clearml.conf": "agent { cuda_version: 11.8, cudnn_version: 8.9 }\n" });
    const r = showAgent({ HOME: h });
    assert.equal(r.code, 0, r.stderr);
    assert.equal(r.config.agent.cuda_version, "118");
    assert.equal(r.config.agent.cudnn_version, "89");
  });

  it("prints with CLEARML_CPU_ONLY=maybe, and says the value stops a task run", () => {
    const r = showAgent({ HOME: home(), CLEARML_CPU_ONLY: "maybe" });
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stderr, /CLEARML_CPU_ONLY="maybe" is invalid/);
    assert.equal(r.stderr.match(/CLEARML_CPU_ONLY/g)?.length, 1);
  });

  it("stops with file, line and byte on a Latin-1 clearml.conf (exit 3)", () => {
    const h = home({
      "clearml.conf": new Uint8Array([...Buffer.from('# x\nagent.worker_name: "caf'), 0xe9, 0x22]),
    });
    const r = runCli(["config", "show", "--for", "agent"], { env: { HOME: h } });
    assert.equal(r.code, 3);
    assert.match(r.stderr, new RegExp(`${h}/clearml\\.conf:2: byte 0xe9 .*not UTF-8`));
    assert.doesNotMatch(r.stdout + r.stderr, /\uFFFD/);
  });
});

describe("config get with indexed keys", () => {
  it("reads agent.package_manager.pip_version.0 as the agent's printout names it", () => {
    const h = home({ "clearml.conf": 'agent.package_manager.pip_version: ["<21", ">=19"]\n' });
    const r = runCli(["config", "get", "--for", "agent", "agent.package_manager.pip_version.1"], {
      env: { HOME: h },
    });
    assert.equal(r.code, 0, r.stderr);
    assert.equal(r.stdout, ">=19\n");
    const out = runCli(["config", "get", "--for", "agent", "agent.package_manager.pip_version.2"], {
      env: { HOME: h },
    });
    assert.equal(out.code, 1);
  });
});

describe("doctor on a clearml.conf that is not UTF-8", () => {
  it("fails config.files with the file, the line and the byte", () => {
    const h = home({
      "clearml.conf": new Uint8Array([...Buffer.from('# x\nagent.worker_name: "caf'), 0xe9, 0x22]),
    });
    const r = runCli(["doctor", "--offline", "--check", "config.files", "--json"], {
      env: { HOME: h },
    });
    const check = JSON.parse(r.stdout).checks.find((c: { id: string }) => c.id === "config.files");
    assert.equal(check.status, "fail");
    assert.match(check.summary, new RegExp(`${h}/clearml\\.conf:2: byte 0xe9 .*not UTF-8`));
    assert.equal(r.code, 1);
  });
});
