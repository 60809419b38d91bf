/**
 * `clearml serve` as a user runs it: credentials generated and printed once, fixed by flags or by
 * CLEARML_API_ACCESS_KEY/SECRET_KEY, printed again by `serve credentials`; the local /v1/
 * endpoints; a port in use is a clear error; SIGTERM ends it with exit 0.
 */
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { runCli } from "../_helpers/cli.ts";
import { RawApi, rawCall, type ServeProcess, startServe } from "../server/_serve_process.ts";

async function stop(p: ServeProcess): Promise<number> {
  process.kill(p.child.pid!, "SIGTERM");
  return await p.exited;
}

describe("clearml serve (CLI)", () => {
  it("generates a key pair on first start, prints it once, and serve credentials prints it again", {
    timeout: 120_000,
  }, async () => {
    const dir = mkdtempSync(join(tmpdir(), "clearml-serve-cli-"));
    const data = join(dir, "data");
    try {
      const first = await startServe(["--port", "0", "--data", data]);
      const key = /CLEARML_API_ACCESS_KEY=([A-Z0-9]{30})\n/.exec(first.stdout())?.[1];
      const secret = /CLEARML_API_SECRET_KEY=([A-Za-z0-9]{50})\n/.exec(first.stdout())?.[1];
      assert.ok(key && secret, first.stdout());
      assert.ok(!first.stderr().includes(secret!), "the secret is not logged");
      const api = new RawApi(first.url);
      await api.login(key!, secret!);
      assert.equal(await stop(first), 0);

      const second = await startServe(["--port", "0", "--data", data]);
      assert.equal(second.stdout(), "", "printed only on the first start");
      assert.equal(await stop(second), 0);

      const text = runCli(["serve", "credentials", "--data", data], { env: { HOME: dir } });
      assert.equal(text.code, 0, text.stderr);
      assert.match(text.stdout, new RegExp(`^CLEARML_API_HOST=http://127\\.0\\.0\\.1:\\d+\\n`));
      assert.match(
        text.stdout,
        new RegExp(`CLEARML_API_ACCESS_KEY=${key}\\nCLEARML_API_SECRET_KEY=${secret}\\n$`),
      );
      const json = runCli(["serve", "credentials", "--data", data, "--json"], {
        env: { HOME: dir },
      });
      const parsed = JSON.parse(json.stdout);
      assert.equal(parsed.schema, "clearml.serve-credentials/v1");
      assert.equal(parsed.access_key, key);
      assert.equal(parsed.secret_key, secret);

      const none = runCli(["serve", "credentials", "--data", join(dir, "nothing")], {
        env: { HOME: dir },
      });
      assert.equal(none.code, 2);
      assert.match(none.stderr, /no clearml serve data there/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it("takes the key pair from the environment; /v1/ endpoints; a busy port is exit 3", {
    timeout: 120_000,
  }, async () => {
    const dir = mkdtempSync(join(tmpdir(), "clearml-serve-cli-"));
    const data = join(dir, "data");
    const key = "ENVKEY0123456789ABCDEFGHIJKLMN";
    const secret = "envSecret0123456789abcdefghijklmnopqrstuvwxyzABCDE";
    try {
      const p = await startServe(["--port", "0", "--data", data], {
        CLEARML_API_ACCESS_KEY: key,
        CLEARML_API_SECRET_KEY: secret,
      });
      try {
        assert.equal(p.stdout(), "", "a fixed pair is not printed");
        const api = new RawApi(p.url);
        await api.login(key, secret);
        const health = await rawCall(`${p.url}/v1/health`);
        assert.equal(health.status, 200);
        assert.equal(health.json.status, "ok");
        const anonymous = await rawCall(`${p.url}/v1/settings`);
        assert.equal(anonymous.status, 401);
        const auth = { authorization: `Bearer ${api.token}` };
        const settings = await rawCall(`${p.url}/v1/settings`, { headers: auth });
        assert.equal(settings.status, 200);
        assert.ok(settings.json.settings.sdk && settings.json.settings.agent);
        assert.ok(!settings.text.includes(secret), "secrets are masked");
        const id = (await api.call("tasks.create", { name: "running-one", type: "training" })).id;
        await api.call("tasks.started", { task: id, force: true });
        await api.call("workers.register", { worker: "cli-test:1" });
        const tasks = await rawCall(`${p.url}/v1/tasks`, { headers: auth });
        assert.deepEqual(tasks.json.tasks.map((t: { id: string }) => t.id), [id]);
        const workers = await rawCall(`${p.url}/v1/workers`, { headers: auth });
        assert.deepEqual(workers.json.workers.map((w: { id: string }) => w.id), ["cli-test:1"]);
        const doctor = await rawCall(`${p.url}/v1/doctor`, { headers: auth, timeoutMs: 60_000 });
        assert.equal(doctor.status, 200);
        assert.equal(doctor.json.schema, "clearml.doctor/v1");
        assert.ok(doctor.json.checks.length > 0);

        const busy = runCli(["serve", "--port", String(p.port), "--data", join(dir, "other")], {
          env: { HOME: dir },
        });
        assert.equal(busy.code, 3, busy.stderr);
        assert.match(busy.stderr, new RegExp(`--port ${p.port}: cannot listen`));
        const half = runCli(["serve", "--port", "0", "--data", data, "--access-key", key], {
          env: { HOME: dir },
        });
        assert.equal(half.code, 2);
        assert.match(
          half.stderr,
          /--access-key is set but CLEARML_API_SECRET_KEY is not: give both/,
        );
      } finally {
        assert.equal(await stop(p), 0);
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
