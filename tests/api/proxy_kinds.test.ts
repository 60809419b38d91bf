/**
 * The proxies Python requests can use, from the API client (and doctor's probe, which opens the
 * same channel): SOCKS5 with local resolution or through the proxy (socks5h), with user and
 * password; SOCKS4a; an HTTPS proxy (TLS to the proxy, its certificate checked against the CA
 * list), for http and https servers. The SOCKS servers here are small RFC 1928/1929 ones.
 */
import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import * as net from "node:net";
import { ApiClient } from "../../src/api/client.ts";
import { chooseProxy } from "../../src/api/proxy.ts";
import {
  type FakeServer,
  hasOpenssl,
  makePki,
  startFakeProxy,
  startFakeServer,
  type TestPki,
} from "../_helpers/fake_clearml_server.ts";
import { NO_RETRIES } from "../_helpers/no_retries.ts";

const KEY = "PROXYTESTKEY0123456789ABCDEF";
const SECRET = "proxy-test-secret-0123456789";

interface Socks {
  url: string;
  /** `host:port` targets asked for, as sent (a name or an IP). */
  asked: string[];
  close(): Promise<void>;
}

/** A SOCKS5/SOCKS4(a) server that connects where asked; `auth` demands user and password. */
async function startSocks(auth?: { user: string; pass: string }): Promise<Socks> {
  const asked: string[] = [];
  const sockets = new Set<net.Socket>();
  const server = net.createServer((c) => {
    sockets.add(c);
    c.on("error", () => {});
    let buf = Buffer.alloc(0);
    let stage = "greet";
    const need = (n: number) => buf.length >= n;
    const take = (n: number) => {
      const out = buf.subarray(0, n);
      buf = buf.subarray(n);
      return out;
    };
    const connect = (host: string, port: number, ok: Buffer) => {
      asked.push(`${host}:${port}`);
      c.removeAllListeners("data");
      const up = net.connect(port, host, () => {
        c.write(ok);
        if (buf.length) up.write(buf);
        c.pipe(up);
        up.pipe(c);
      });
      sockets.add(up);
      up.on("error", () => c.destroy());
    };
    c.on("data", (d: Buffer) => {
      buf = Buffer.concat([buf, d]);
      for (;;) {
        if (stage === "greet") {
          if (!need(2)) return;
          if (buf[0] === 4) {
            // SOCKS4(a): VN CD DSTPORT DSTIP USERID 0 [HOST 0]
            const nul = buf.indexOf(0, 8);
            if (nul < 0) return;
            const port = buf.readUInt16BE(2);
            const ip = [...buf.subarray(4, 8)].join(".");
            let host = ip;
            let end = nul + 1;
            if (ip.startsWith("0.0.0.") && ip !== "0.0.0.0") {
              const nul2 = buf.indexOf(0, end);
              if (nul2 < 0) return;
              host = buf.subarray(end, nul2).toString();
              end = nul2 + 1;
            }
            take(end);
            return connect(host, port, Buffer.from([0, 0x5a, 0, 0, 0, 0, 0, 0]));
          }
          const n = buf[1]!;
          if (!need(2 + n)) return;
          const methods = [...take(2 + n).subarray(2)];
          const method = auth ? 2 : 0;
          if (!methods.includes(method)) return void c.end(Buffer.from([5, 0xff]));
          c.write(Buffer.from([5, method]));
          stage = auth ? "auth" : "request";
        } else if (stage === "auth") {
          if (!need(2)) return;
          const ul = buf[1]!;
          if (!need(3 + ul)) return;
          const pl = buf[2 + ul]!;
          if (!need(3 + ul + pl)) return;
          const b = take(3 + ul + pl);
          const user = b.subarray(2, 2 + ul).toString();
          const pass = b.subarray(3 + ul).toString();
          const good = user === auth!.user && pass === auth!.pass;
          c.write(Buffer.from([1, good ? 0 : 1]));
          if (!good) return void c.end();
          stage = "request";
        } else {
          if (!need(5)) return;
          const atyp = buf[3]!;
          const len = atyp === 1 ? 4 : atyp === 4 ? 16 : 1 + buf[4]!;
          if (!need(4 + len + 2)) return;
          const b = take(4 + len + 2);
          const addr = b.subarray(4, 4 + len);
          const host = atyp === 1
            ? [...addr].join(".")
            : atyp === 3
            ? addr.subarray(1).toString()
            : "::1";
          const port = b.readUInt16BE(4 + len);
          return connect(host, port, Buffer.from([5, 0, 0, 1, 0, 0, 0, 0, 0, 0]));
        }
      }
    });
  });
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  return {
    url: `127.0.0.1:${(server.address() as net.AddressInfo).port}`,
    asked,
    close: () =>
      new Promise<void>((r) => {
        for (const s of sockets) s.destroy();
        server.close(() => r());
      }),
  };
}

function client(host: string, env: Record<string, string>, ca?: string[]) {
  return new ApiClient({
    host,
    credentials: { mode: "keys", key: KEY, secret: SECRET },
    retries: NO_RETRIES,
    env,
    ...(ca ? { ca } : {}),
  });
}

describe("chooseProxy() schemes", () => {
  it("parses http, https and socks proxies with their default ports and credentials", () => {
    const at = (v: string) => chooseProxy({ ALL_PROXY: v }, "http", "x", undefined).endpoint;
    assert.deepEqual(at("https://p"), { host: "p", port: 443, kind: "https" });
    assert.deepEqual(at("socks5h://u:p%40ss@p"), {
      host: "p",
      port: 1080,
      kind: "socks5h",
      username: "u",
      password: "p@ss",
    });
    assert.deepEqual(at("socks4a://p:9050"), { host: "p", port: 9050, kind: "socks4a" });
    assert.match(
      chooseProxy({ ALL_PROXY: "ftp://p:21" }, "http", "x", undefined).unsupported ?? "",
      /ftp proxies are not probed/,
    );
  });
});

describe("ApiClient through SOCKS", () => {
  let fake: FakeServer;
  before(async () => {
    fake = await startFakeServer({ mode: "api", credentials: [{ key: KEY, secret: SECRET }] });
  });
  after(() => fake.close());

  it("socks5h sends the host name to the proxy; socks5 resolves it here", async () => {
    const socks = await startSocks();
    try {
      const url = `http://localhost:${fake.port}`;
      const remote = await client(url, { ALL_PROXY: `socks5h://${socks.url}` }).call(
        "debug",
        "ping",
        { via: "socks5h" },
      );
      assert.equal(remote.via, "socks5h");
      assert.ok(socks.asked.includes(`localhost:${fake.port}`), socks.asked.join(" "));
      socks.asked.length = 0;
      await client(url, { ALL_PROXY: `socks5://${socks.url}` }).call("debug", "ping");
      assert.ok(socks.asked.length > 0 && socks.asked.every((a) => !a.startsWith("localhost")));
    } finally {
      await socks.close();
    }
  });

  it("socks5 with user and password; a wrong password fails the call", async () => {
    const socks = await startSocks({ user: "agent", pass: "s3cret" });
    try {
      const ok = await client(fake.url, { HTTP_PROXY: `socks5://agent:s3cret@${socks.url}` })
        .call("debug", "ping", { a: 1 });
      assert.equal(ok.a, 1);
      await assert.rejects(
        client(fake.url, { HTTP_PROXY: `socks5://agent:wrong@${socks.url}` }).call(
          "debug",
          "ping",
        ),
        /wrong user name or password/,
      );
    } finally {
      await socks.close();
    }
  });

  it("socks4a sends the name; NO_PROXY still bypasses", async () => {
    const socks = await startSocks();
    try {
      const url = `http://localhost:${fake.port}`;
      await client(url, { ALL_PROXY: `socks4a://${socks.url}` }).call("debug", "ping");
      assert.ok(socks.asked.includes(`localhost:${fake.port}`), socks.asked.join(" "));
      const before = socks.asked.length;
      await client(url, { ALL_PROXY: `socks4a://${socks.url}`, NO_PROXY: "localhost" }).call(
        "debug",
        "ping",
      );
      assert.equal(socks.asked.length, before);
    } finally {
      await socks.close();
    }
  });
});

describe(
  "ApiClient through an HTTPS proxy",
  { skip: hasOpenssl() ? false : "no openssl CLI" },
  () => {
    let pki: TestPki;
    let plain: FakeServer;
    let secure: FakeServer;
    before(async () => {
      pki = makePki();
      plain = await startFakeServer({ mode: "api", credentials: [{ key: KEY, secret: SECRET }] });
      secure = await startFakeServer({
        mode: "api",
        tls: { key: pki.key, cert: pki.cert },
        credentials: [{ key: KEY, secret: SECRET }],
      });
    });
    after(async () => {
      await plain.close();
      await secure.close();
      pki.cleanup();
    });

    it("speaks TLS to the proxy: absolute-form for http, a tunnel for https", async () => {
      const proxy = await startFakeProxy({ tls: { key: pki.key, cert: pki.cert } });
      try {
        const env = { HTTP_PROXY: proxy.url, HTTPS_PROXY: proxy.url };
        const a = await client(plain.url, env, [pki.caPem]).call("debug", "ping", { n: 1 });
        assert.equal(a.n, 1);
        assert.ok(proxy.seen.some((l) => l.startsWith(`POST ${plain.url}/`)), proxy.seen.join("|"));
        const b = await client(secure.url, env, [pki.caPem]).call("debug", "ping", { n: 2 });
        assert.equal(b.n, 2);
        assert.ok(proxy.seen.some((l) => l.startsWith("CONNECT 127.0.0.1:")), proxy.seen.join("|"));
        // the proxy's certificate is checked like the server's
        await assert.rejects(
          client(plain.url, env).call("debug", "ping"),
          /certificate|TLS|self.signed|unable to verify/i,
        );
      } finally {
        await proxy.close();
      }
    });
  },
);
