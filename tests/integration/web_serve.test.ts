/**
 * The web page as `clearml serve` serves it on `--web-port` (no browser): login through the form
 * gives a session and the token cookie that the files port accepts; `--open-web` on loopback
 * serves the pages without login and still lets artifact links through; the session of one server
 * process does not survive its restart.
 */
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { keyedArgs, RawApi, startServe } from "../server/_serve_process.ts";

const KEY = "WEBSRVKEY56789ABCDEFGHIJKLMNOP";
const SECRET = "webServeSecret0123456789abcdefghijklmnopqrstuvwxyz";

function cookieHeader(r: Response): string {
  return r.headers.getSetCookie().map((c) => c.split(";")[0]).join("; ");
}

async function upload(api: RawApi, filesUrl: string, path: string, text: string): Promise<void> {
  const form = new FormData();
  form.append(path, new Blob([text]), "a.txt");
  const r = await fetch(`${filesUrl}/`, {
    method: "POST",
    headers: { authorization: `Bearer ${api.token}` },
    body: form,
  });
  assert.equal(r.status, 200, await r.text());
}

describe("the web page of clearml serve", () => {
  it(
    "logs in through the form; the session and the files port's token come with it; a restart ends the session",
    {
      timeout: 120_000,
    },
    async () => {
      const dir = mkdtempSync(join(tmpdir(), "clearml-web-serve-"));
      const data = join(dir, "data");
      let p = await startServe(keyedArgs(data, KEY, SECRET));
      try {
        const first = await fetch(`${p.webUrl}/projects`, { redirect: "manual" });
        assert.equal(first.status, 302);
        const login = await fetch(`${p.webUrl}/login`, {
          method: "POST",
          redirect: "manual",
          headers: { "content-type": "application/x-www-form-urlencoded" },
          body: new URLSearchParams({ access_key: KEY, secret_key: SECRET }),
        });
        assert.equal(login.status, 303);
        const cookie = cookieHeader(login);
        assert.match(cookie, /clearml_web_session=.*clearml_token_basic=/);
        const projects = await fetch(`${p.webUrl}/projects`, { headers: { cookie } });
        assert.equal(projects.status, 200);
        assert.match(await projects.text(), /<h1>Projects<\/h1>/);

        const api = new RawApi(p.url);
        await api.login(KEY, SECRET);
        await upload(api, p.filesUrl, "web/serve/a.txt", "artifact text");
        const file = await fetch(`${p.filesUrl}/web/serve/a.txt?download`, { headers: { cookie } });
        assert.equal(file.status, 200, "the browser's cookies open the files port");
        assert.equal(await file.text(), "artifact text");
        assert.match(file.headers.get("content-disposition") ?? "", /attachment/);
        const none = await fetch(`${p.filesUrl}/web/serve/a.txt`);
        assert.equal(none.status, 401);

        p.child.kill("SIGTERM");
        await p.exited;
        p = await startServe(keyedArgs(data, KEY, SECRET));
        const after = await fetch(`${p.webUrl}/projects`, { headers: { cookie } });
        assert.equal(after.status, 401, "sessions live in the server process");
      } finally {
        if (p.child.exitCode === null) p.child.kill("SIGKILL");
        await p.exited;
        rmSync(dir, { recursive: true, force: true });
      }
    },
  );

  it("--open-web on loopback serves the pages without login, with the files port's token", {
    timeout: 120_000,
  }, async () => {
    const dir = mkdtempSync(join(tmpdir(), "clearml-web-open-"));
    const p = await startServe([...keyedArgs(join(dir, "data"), KEY, SECRET), "--open-web"]);
    try {
      const r = await fetch(`${p.webUrl}/tasks`);
      assert.equal(r.status, 200);
      assert.match(await r.text(), /All tasks/);
      const cookie = cookieHeader(r);
      assert.match(cookie, /^clearml_token_basic=/);
      const api = new RawApi(p.url);
      await api.login(KEY, SECRET);
      await upload(api, p.filesUrl, "open/a.txt", "open artifact");
      const file = await fetch(`${p.filesUrl}/open/a.txt`, { headers: { cookie } });
      assert.equal(file.status, 200);
      assert.equal(await file.text(), "open artifact");
      const login = await fetch(`${p.webUrl}/login`, { redirect: "manual" });
      assert.equal(login.headers.get("location"), "/projects");
    } finally {
      p.child.kill("SIGKILL");
      await p.exited;
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
