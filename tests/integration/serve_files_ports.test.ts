/**
 * `clearml serve` listens on three ports (API, web page, files server); with `--port 0` each
 * takes a free one, and `serve credentials` prints all three URLs, which answer: the API with
 * its envelope, the files server with the fileserver's `OK` ping and a token-checked upload. On
 * the default ports, our doctor (the SDK's derivation rule) finds web and files from the API host.
 * Bad port and size flags are usage errors (exit 2).
 */
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { runCli } from "../_helpers/cli.ts";
import { keyedArgs, RawApi, rawCall, startServe } from "../server/_serve_process.ts";
import { BOUNDARY, multipart, part } from "../server/files_fixture.ts";
import { loopbackHost } from "./sdk_tasks_fixture.ts";

const KEY = "PORTSKEY456789ABCDEFGHIJKLMNOP";
const SECRET = "portsSecret0123456789abcdefghijklmnopqrstuvwxyzAB";

describe("clearml serve: API, web page and files server ports", () => {
  it("takes three free ports with --port 0 and prints their URLs in serve credentials", {
    timeout: 120_000,
  }, async () => {
    const dir = mkdtempSync(join(tmpdir(), "clearml-serve-ports-"));
    const data = join(dir, "data");
    const p = await startServe(keyedArgs(data, KEY, SECRET));
    try {
      const ports = [p.url, p.webUrl, p.filesUrl].map((u) => Number(new URL(u).port));
      assert.equal(new Set(ports).size, 3, `three distinct ports: ${ports}`);
      assert.ok(ports.every((n) => n > 0));

      const ping = await rawCall(`${p.filesUrl}/`);
      assert.equal(ping.status, 200);
      assert.equal(ping.text, "OK");
      const api = new RawApi(p.url);
      await api.login(KEY, SECRET);
      const body = multipart(part("/ports/x.txt", "via the files port")).toString("latin1");
      const headers = {
        authorization: `Bearer ${api.token}`,
        "content-type": `multipart/form-data; boundary=${BOUNDARY}`,
      };
      const up = await rawCall(`${p.filesUrl}/`, { method: "POST", body, headers });
      assert.equal(up.status, 200, up.text);
      assert.deepEqual(up.json, ["ports/x.txt"]);
      const down = await rawCall(`${p.filesUrl}/ports/x.txt`, { headers });
      assert.equal(down.text, "via the files port");
      const anon = await rawCall(`${p.filesUrl}/ports/x.txt`);
      assert.equal(anon.status, 401, "the files server checks the API's token");

      const json = runCli(["serve", "credentials", "--data", data, "--json"], {
        env: { HOME: dir },
      });
      assert.equal(json.code, 0, json.stderr);
      const c = JSON.parse(json.stdout);
      assert.deepEqual(
        [c.api_host, c.web_host, c.files_host, c.access_key, c.secret_key],
        [p.url, p.webUrl, p.filesUrl, KEY, SECRET],
      );
      const text = runCli(["serve", "credentials", "--data", data], { env: { HOME: dir } });
      assert.equal(
        text.stdout,
        `CLEARML_API_HOST=${p.url}\nCLEARML_WEB_HOST=${p.webUrl}\n` +
          `CLEARML_FILES_HOST=${p.filesUrl}\nCLEARML_API_ACCESS_KEY=${KEY}\n` +
          `CLEARML_API_SECRET_KEY=${SECRET}\n`,
      );
    } finally {
      process.kill(p.child.pid!, "SIGTERM");
      assert.equal(await p.exited, 0);
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it(
    "on the default ports, CLEARML_API_HOST and the keys are the whole config (doctor derives web and files)",
    {
      timeout: 120_000,
    },
    async () => {
      const dir = mkdtempSync(join(tmpdir(), "clearml-serve-ports-"));
      // default ports on an own loopback address, so that tests running at once do not collide
      let p: Awaited<ReturnType<typeof startServe>> | undefined;
      let host = "";
      for (let i = 0; i < 5 && !p; i++) {
        host = loopbackHost();
        p = await startServe([
          "--host",
          host,
          "--data",
          join(dir, "data"),
          "--access-key",
          KEY,
          "--secret-key",
          SECRET,
        ])
          .catch(() => undefined);
      }
      assert.ok(p, "no free loopback address with ports 8008/8080/8081");
      try {
        assert.deepEqual(
          [p.url, p.webUrl, p.filesUrl],
          [8008, 8080, 8081].map((n) => `http://${host}:${n}`),
        );
        const r = runCli(
          [
            "doctor",
            "--json",
            "--check",
            "server.url",
            "--check",
            "server.web",
            "--check",
            "server.files",
          ],
          {
            env: {
              HOME: dir,
              CLEARML_API_HOST: `http://${host}:8008`,
              CLEARML_API_ACCESS_KEY: KEY,
              CLEARML_API_SECRET_KEY: SECRET,
            },
          },
        );
        assert.equal(r.code, 0, r.stdout + r.stderr);
        const checks = JSON.parse(r.stdout).checks as {
          id: string;
          status: string;
          summary: string;
        }[];
        const files = checks.find((c) => c.id === "server.files")!;
        assert.equal(files.status, "pass", files.summary);
        assert.match(
          files.summary,
          new RegExp(`http://${host.replaceAll(".", "\\.")}:8081: answered text .*"OK"`),
        );
        assert.equal(checks.find((c) => c.id === "server.web")!.status, "pass");
      } finally {
        process.kill(p.child.pid!, "SIGTERM");
        await p.exited;
        rmSync(dir, { recursive: true, force: true });
      }
    },
  );

  it("refuses one port for two listeners, --open-web off loopback and a bad --max-upload", () => {
    const dir = mkdtempSync(join(tmpdir(), "clearml-serve-ports-"));
    try {
      const cases: [string[], RegExp][] = [
        [
          ["--port", "0", "--files-port", "9123", "--web-port", "9123"],
          /--files-port 9123: the same port as --web-port/,
        ],
        [["--port", "9124", "--files-port", "9124"], /--files-port 9124: the same port as --port/],
        [["--port", "0", "--files-port", "70000"], /--files-port 70000: expected an integer/],
        [["--port", "0", "--host", "0.0.0.0", "--open-web"], /--open-web with --host 0\.0\.0\.0/],
        [["--port", "0", "--max-upload", "lots"], /--max-upload lots: expected a size in MiB/],
      ];
      for (const [args, why] of cases) {
        const r = runCli(["serve", "--data", join(dir, "d"), ...args], { env: { HOME: dir } });
        assert.equal(r.code, 2, `${args.join(" ")}: ${r.stderr}`);
        assert.match(r.stderr, why);
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
