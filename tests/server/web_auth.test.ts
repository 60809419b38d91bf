/**
 * The web page's login: the server's key pair opens a server-side session in an HttpOnly,
 * SameSite=Strict cookie; without one a page redirects to the login form, a forged or expired one
 * gets 401; `open` serves without login only on loopback; no page carries the secret.
 */
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { createWebApp } from "../../src/server/web/app.ts";
import { METHOD_HEADER, REMOTE_HEADER } from "../../src/server/bridge.ts";
import { SESSION_SECONDS } from "../../src/server/web/sessions.ts";
import { apiTask, KEY, login, logLines, page, SECRET, webFixture } from "./web_fixture.ts";
import { call } from "./_client.ts";

const PAGES = ["/projects", "/tasks", "/queues", "/workers", "/doctor"];

describe("web page login", () => {
  it("a page without a session redirects to the login form, keeping where it was going", async () => {
    const f = await webFixture();
    for (const path of PAGES) {
      const r = await page(f.web, path);
      assert.equal(r.status, 302, path);
      assert.equal(r.headers.get("location"), `/login?next=${encodeURIComponent(path)}`);
    }
    const form = await page(f.web, "/login?next=%2Fqueues");
    assert.equal(form.status, 200);
    assert.match(form.text, /name="access_key"/);
    assert.match(form.text, /type="password"/);
    assert.match(form.text, /name="next" value="\/queues"/);
  });

  it("the right key pair opens a session cookie that is HttpOnly and SameSite=Strict", async () => {
    const f = await webFixture();
    const r = await f.web.request("/login", {
      method: "POST",
      headers: { "content-type": "application/x-www-form-urlencoded" },
      body: new URLSearchParams({ access_key: KEY, secret_key: SECRET, next: "/queues" }),
    });
    assert.equal(r.status, 303);
    assert.equal(r.headers.get("location"), "/queues");
    const set = r.headers.get("set-cookie") ?? "";
    assert.match(set, /^clearml_web_session=[A-Za-z0-9_-]{43};/);
    assert.match(set, /HttpOnly/);
    assert.match(set, /SameSite=Strict/);
    assert.ok(!set.includes(SECRET) && !set.includes(KEY), "the cookie is not the key pair");
    const cookie = set.split(";")[0]!;
    for (const path of PAGES) {
      const p = await page(f.web, path, cookie);
      assert.equal(p.status, 200, path);
    }
    // a second login is another session: ids are random, not derived from the keys
    assert.notEqual(await login(f.web), cookie);
  });

  it("login also sets the API token cookie the files server accepts (HttpOnly); logout clears both", async () => {
    const f = await webFixture();
    const r = await f.web.request("/login", {
      method: "POST",
      headers: { "content-type": "application/x-www-form-urlencoded" },
      body: new URLSearchParams({ access_key: KEY, secret_key: SECRET }),
    });
    const cookies = r.headers.getSetCookie();
    const token = cookies.find((c) => c.startsWith("clearml_token_basic="));
    assert.ok(token, cookies.join("\n"));
    assert.match(token, /HttpOnly/);
    assert.match(token, /SameSite=Strict/);
    const jwt = token.split(";")[0]!.slice("clearml_token_basic=".length);
    const api = await call(f.app, "/tasks.get_all", {
      headers: { cookie: `clearml_token_basic=${jwt}` },
    });
    assert.equal(api.status, 200, "the API (and the files server) accept it");
    const out = await f.web.request("/logout", {
      method: "POST",
      headers: { cookie: cookies.map((c) => c.split(";")[0]).join("; ") },
    });
    const cleared = out.headers.getSetCookie();
    assert.ok(cleared.some((c) => /^clearml_token_basic=;.*Max-Age=0/.test(c)));
    assert.ok(cleared.some((c) => /^clearml_web_session=;.*Max-Age=0/.test(c)));
  });

  it("a wrong secret, a wrong key or an empty form gets 401 and the form again", async () => {
    const f = await webFixture();
    for (const [k, s] of [[KEY, `${SECRET}x`], ["NOPE", SECRET], ["", ""]]) {
      const r = await f.web.request("/login", {
        method: "POST",
        headers: { "content-type": "application/x-www-form-urlencoded" },
        body: new URLSearchParams({ access_key: k!, secret_key: s! }),
      });
      const text = await r.text();
      assert.equal(r.status, 401);
      assert.equal(r.headers.get("set-cookie"), null);
      assert.match(text, /wrong/);
      assert.ok(!text.includes(SECRET), "the tried secret is not echoed");
    }
  });

  it("a forged cookie gets 401 (page: the login form, console: JSON) and is cleared", async () => {
    const f = await webFixture();
    const id = await apiTask(f, "forged cookie target");
    await login(f.web);
    const forged = "clearml_web_session=AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA";
    const r = await page(f.web, `/tasks/${id}`, forged);
    assert.equal(r.status, 401);
    assert.match(r.text, /session is not valid/);
    assert.match(r.headers.get("set-cookie") ?? "", /clearml_web_session=;.*Max-Age=0/);
    assert.ok(!r.text.includes("forged cookie target"), "nothing of the task leaks");
    const j = await page(f.web, `/tasks/${id}/console?after=0`, forged);
    assert.equal(j.status, 401);
    assert.equal(JSON.parse(j.text).error, "not logged in");
    const none = await page(f.web, `/tasks/${id}/console?after=0`);
    assert.equal(none.status, 401);
  });

  it("a session ends after its lifetime, and at logout", async () => {
    const f = await webFixture();
    const cookie = await login(f.web);
    assert.equal((await page(f.web, "/projects", cookie)).status, 200);
    const out = await f.web.request("/logout", { method: "POST", headers: { cookie } });
    assert.equal(out.status, 303);
    assert.equal((await page(f.web, "/projects", cookie)).status, 401);
    const again = await login(f.web);
    f.clock.now += SESSION_SECONDS * 1000 + 1;
    assert.equal((await page(f.web, "/projects", again)).status, 401);
  });

  it("after login, `next` only leads within the site", async () => {
    const f = await webFixture();
    for (const next of ["//evil.example/x", "https://evil.example/", "/\\evil.example", "x"]) {
      const r = await f.web.request("/login", {
        method: "POST",
        headers: { "content-type": "application/x-www-form-urlencoded" },
        body: new URLSearchParams({ access_key: KEY, secret_key: SECRET, next }),
      });
      assert.equal(r.headers.get("location"), "/projects", next);
    }
  });

  it("a login body that cannot be read gets the form again, not a server error", async () => {
    const f = await webFixture();
    const r = await f.web.request("/login", {
      method: "POST",
      headers: { "content-type": "multipart/form-data; boundary=xx" },
      body: "garbage",
    });
    // unreadable (400), or read as no fields (401) where the runtime's parser is lenient
    assert.ok([400, 401].includes(r.status), String(r.status));
    assert.match(await r.text(), /name="access_key"/);
    const json = await f.web.request("/login", {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: "{",
    });
    assert.equal(json.status, 401, "no form fields: a wrong key pair");
  });

  it("a login posted from another origin is refused", async () => {
    const f = await webFixture();
    const r = await f.web.request("http://localhost:8080/login", {
      method: "POST",
      headers: {
        "content-type": "application/x-www-form-urlencoded",
        origin: "http://evil.example",
      },
      body: new URLSearchParams({ access_key: KEY, secret_key: SECRET }),
    });
    assert.equal(r.status, 403);
    assert.equal(r.headers.get("set-cookie"), null);
    const garbled = await f.web.request("http://localhost:8080/login", {
      method: "POST",
      headers: { "content-type": "application/x-www-form-urlencoded", origin: "not a url" },
      body: new URLSearchParams({ access_key: KEY, secret_key: SECRET }),
    });
    assert.equal(garbled.status, 403);
  });

  it("no page carries the secret key, and every page sets a strict CSP", async () => {
    const f = await webFixture({
      doctor: () => Promise.resolve({ checks: [{ id: "x.y", status: "pass", summary: "ok" }] }),
    });
    const id = await apiTask(f, "a task", { project: "proj/sub", start: true });
    await logLines(f, id, ["a line"]);
    const cookie = await login(f.web);
    for (const path of [...PAGES, `/tasks/${id}`, `/tasks/${id}/console?after=0`, "/login"]) {
      const r = await page(f.web, path, cookie);
      assert.ok(!r.text.includes(SECRET), `${path} has no secret`);
      assert.match(r.headers.get("content-security-policy") ?? "", /default-src 'none'/, path);
      assert.equal(r.headers.get("x-content-type-options"), "nosniff");
    }
  });

  it("requests through the node:http bridge (POST + original method header) are routed by it", async () => {
    const f = await webFixture();
    const cookie = await login(f.web);
    const r = await f.web.request("/projects", {
      method: "POST",
      headers: { cookie, [METHOD_HEADER]: "GET" },
    });
    assert.equal(r.status, 200);
    const login2 = await f.web.request("/login", {
      method: "POST",
      headers: {
        [METHOD_HEADER]: "POST",
        "content-type": "application/x-www-form-urlencoded",
      },
      body: new URLSearchParams({ access_key: KEY, secret_key: SECRET }),
    });
    assert.equal(login2.status, 303);
  });
});

describe("open web page (--open-web)", () => {
  it("is refused unless bound to a loopback address", async () => {
    const f = await webFixture();
    for (const host of ["0.0.0.0", "::", "192.168.1.10", "example.com", ""]) {
      assert.throws(() => createWebApp(f.store, { open: true, host }), /loopback/, host);
    }
    for (const host of ["127.0.0.1", "localhost", "::1", "[::1]"]) {
      assert.doesNotThrow(() => createWebApp(f.store, { open: true, host }), host);
    }
  });

  it("serves pages without login to loopback peers only", async () => {
    const f = await webFixture({ open: true, host: "127.0.0.1" });
    assert.equal((await page(f.web, "/projects")).status, 200);
    const local = await f.web.request("/tasks", {
      headers: { [REMOTE_HEADER]: "::ffff:127.0.0.1" },
    });
    assert.equal(local.status, 200);
    const far = await f.web.request("/tasks", { headers: { [REMOTE_HEADER]: "10.1.2.3" } });
    assert.equal(far.status, 403);
  });
});
