/**
 * Compressed answers both ways (server-api.md §1.3): the client asks for gzip as Python requests
 * does and reads gzip/deflate bodies; `clearml serve` gzips a successful answer of 500 bytes or
 * more for a client that accepts it, and leaves the rest alone.
 */
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { createServer, request } from "node:http";
import type { AddressInfo } from "node:net";
import { deflateSync, gunzipSync, gzipSync } from "node:zlib";
import { ApiClient } from "../../src/api/client.ts";
import { parseResponse } from "../../src/runtime/http.ts";
import { acceptsGzip, compressed } from "../../src/server/compress.ts";
import { createApp } from "../../src/server/app.ts";
import { Store } from "../../src/server/store.ts";
import { serve } from "../../src/runtime/serve.ts";
import { fakeToken } from "./_scripted_server.ts";
import { NO_RETRIES } from "../_helpers/no_retries.ts";

const envelope = (data: unknown) =>
  JSON.stringify({ meta: { result_code: 200, result_subcode: 0, result_msg: "OK" }, data });

function head(extra: string, body: Buffer): Buffer {
  return Buffer.concat([
    Buffer.from(`HTTP/1.1 200 OK\r\n${extra}Content-Length: ${body.length}\r\n\r\n`, "latin1"),
    body,
  ]);
}

describe("parseResponse() with Content-Encoding", () => {
  it("decodes gzip and deflate bodies, and refuses a body that does not decompress", () => {
    const text = envelope({ msg: "é".repeat(400) });
    for (const [name, z] of [["gzip", gzipSync], ["deflate", deflateSync]] as const) {
      const r = parseResponse(head(`Content-Encoding: ${name}\r\n`, z(text)), true);
      assert.ok(r !== "incomplete");
      assert.equal(r.body, text);
    }
    assert.throws(() =>
      parseResponse(head("Content-Encoding: gzip\r\n", Buffer.from("nope")), true)
    );
  });
});

describe("ApiClient and gzip", () => {
  it("sends Accept-Encoding and reads a gzipped answer", async () => {
    const seen: string[] = [];
    const server = createServer((req, res) => {
      seen.push(String(req.headers["accept-encoding"]));
      req.resume();
      req.on("end", () => {
        const body = req.url?.includes("auth.login")
          ? envelope({ token: fakeToken() })
          : envelope({ big: "x".repeat(5000) });
        const z = gzipSync(body);
        res.writeHead(200, { "content-type": "application/json", "content-encoding": "gzip" });
        res.end(z);
      });
    });
    await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
    try {
      const c = new ApiClient({
        host: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
        credentials: { mode: "keys", key: "K", secret: "S" },
        retries: NO_RETRIES,
      });
      const data = await c.call("tasks", "get_all", {});
      assert.equal(data.big, "x".repeat(5000));
      assert.ok(seen.every((h) => /gzip/.test(h)), seen.join(" | "));
    } finally {
      await new Promise<void>((r) => server.close(() => r()));
    }
  });
});

describe("clearml serve compression", () => {
  it("acceptsGzip() reads names and q-values", () => {
    assert.equal(acceptsGzip("gzip, deflate"), true);
    assert.equal(acceptsGzip("br;q=1, gzip;q=0"), false);
    assert.equal(acceptsGzip("*"), true);
    assert.equal(acceptsGzip("identity"), false);
    assert.equal(acceptsGzip(undefined), false);
  });

  it("compressed() leaves errors and short answers alone", () => {
    const big = { status: 200, headers: {}, body: "y".repeat(600) };
    assert.equal(compressed({ ...big, status: 400 }, "gzip").body, big.body);
    assert.equal(compressed({ ...big, body: "short" }, "gzip").body, "short");
    const z = compressed(big, "gzip");
    assert.equal(z.headers["content-encoding"], "gzip");
    assert.equal(gunzipSync(z.body as Uint8Array).toString(), big.body);
  });

  it("gzips a large answer over the socket only for a client that asks", async () => {
    const store = Store.open(":memory:");
    const app = createApp(store);
    const server = await serve({
      fetch: app.fetch,
      direct: app.direct,
      host: "127.0.0.1",
      port: 0,
      maxBodyBytes: 1 << 20,
      timeoutMs: 5000,
    });
    const get = (body: string, accept?: string) =>
      new Promise<{ encoding?: string; raw: Buffer }>((resolve, reject) => {
        const req = request(`http://127.0.0.1:${server.port}/debug.ping`, {
          method: "GET",
          headers: {
            "content-type": "application/json",
            "content-length": String(Buffer.byteLength(body)),
            ...(accept ? { "accept-encoding": accept } : {}),
          },
        }, (res) => {
          const chunks: Buffer[] = [];
          res.on("data", (c: Buffer) => chunks.push(c));
          res.on("end", () =>
            resolve({
              encoding: res.headers["content-encoding"],
              raw: Buffer.concat(chunks),
            }));
        });
        req.on("error", reject);
        req.end(body);
      });
    try {
      const body = JSON.stringify({ pad: "z".repeat(2000) });
      const zipped = await get(body, "gzip, deflate");
      assert.equal(zipped.encoding, "gzip");
      assert.equal(JSON.parse(gunzipSync(zipped.raw).toString()).data.pad, "z".repeat(2000));
      assert.ok(zipped.raw.length < 500, `compressed to ${zipped.raw.length} bytes`);
      const plain = await get(body);
      assert.equal(plain.encoding, undefined);
      assert.equal(JSON.parse(plain.raw.toString()).data.pad, "z".repeat(2000));
      const small = await get("{}", "gzip");
      assert.equal(small.encoding, undefined, "short answers are not compressed");
    } finally {
      await server.close(1000);
      store.close();
    }
  });
});
