/**
 * auth.logout (server-api.md §2.1, handler 2.2): the presented token's session is revoked — later
 * calls with it get 401/30 `invalid token (revoked token)` from every authenticator of the store,
 * after a restart too — other logins stay valid, and the cookie is cleared. Impersonation headers
 * (§1.4): both kinds at once 400/5, a `user` caller 400/6, checked after authentication.
 */
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { Authenticator } from "../../src/server/authenticate.ts";
import { createApp } from "../../src/server/app.ts";
import { call, KEY, SECRET, testServer } from "./_client.ts";

describe("auth.logout", () => {
  it("revokes the token's session and clears the cookie", async () => {
    const s = await testServer();
    const other = (await call(s.app, "/auth.login", { basic: `${KEY}:${SECRET}` })).json.data
      .token as string;
    const before = await call(s.app, "/v2.23/queues.get_default", { token: s.token });
    assert.equal(before.status, 200);
    const out = await call(s.app, "/v2.23/auth.logout", { token: s.token });
    assert.equal(out.status, 200);
    assert.deepEqual(out.json.data, {});
    assert.match(out.headers.get("set-cookie") ?? "", /^clearml_token_basic=;.*Max-Age=0/);
    const after = await call(s.app, "/v2.23/queues.get_default", { token: s.token });
    assert.equal(after.status, 401);
    assert.equal(after.json.meta.result_subcode, 30);
    assert.equal(after.json.meta.result_msg, "invalid token (revoked token)");
    // as a cookie too
    const byCookie = await call(s.app, "/v2.23/queues.get_default", {
      headers: { cookie: `clearml_token_basic=${s.token}` },
    });
    assert.equal(byCookie.status, 401);
    assert.equal(
      (await call(s.app, "/v2.23/queues.get_default", { token: other })).status,
      200,
      "another login's token stays valid",
    );
    // every authenticator of the store, and a new app on it (a restart), refuse it
    assert.throws(
      () => new Authenticator(s.store).authenticate(`Bearer ${s.token}`, null, s.clock.now),
      /revoked token/,
    );
    const restarted = createApp(s.store, { now: () => s.clock.now });
    assert.equal(
      (await call(restarted, "/v2.23/queues.get_default", { token: s.token })).status,
      401,
    );
  });

  it("with a key pair revokes nothing; before 2.2 it does not exist", async () => {
    const s = await testServer();
    const r = await call(s.app, "/v2.23/auth.logout", { basic: `${KEY}:${SECRET}` });
    assert.equal(r.status, 200);
    assert.equal((await call(s.app, "/v2.23/queues.get_default", { token: s.token })).status, 200);
    assert.equal((await call(s.app, "/v2.1/auth.logout", { token: s.token })).status, 404);
  });
});

describe("impersonation headers", () => {
  it("refuses both kinds at once (400/5), and a user-role caller (400/6)", async () => {
    const s = await testServer();
    const both = await call(s.app, "/v2.23/queues.get_default", {
      token: s.token,
      headers: { "x-clearml-impersonate-as": "someone", "x-clearml-act-as": "someone" },
    });
    assert.equal(both.status, 400);
    assert.equal(both.json.meta.result_subcode, 5);
    assert.match(both.json.meta.result_msg, /^invalid headers \(only one allowed\): headers=\(/);
    for (const h of ["x-clearml-impersonate-as", "x-trains-act-as"]) {
      const r = await call(s.app, "/v2.23/queues.get_default", {
        token: s.token,
        headers: { [h]: s.store.identity().user },
      });
      assert.equal(r.status, 400, h);
      assert.equal(r.json.meta.result_subcode, 6);
      assert.equal(
        r.json.meta.result_msg,
        "impersonation error (impersonation not allowed): role=user",
      );
    }
  });

  it("comes after authentication and is ignored where no token is needed", async () => {
    const s = await testServer();
    const headers = { "x-clearml-impersonate-as": "someone" };
    const noAuth = await call(s.app, "/v2.23/queues.get_default", { headers });
    assert.equal(noAuth.status, 401);
    const ping = await call(s.app, "/debug.ping", { headers });
    assert.equal(ping.status, 200);
  });
});
