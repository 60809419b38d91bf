/**
 * The files server app (no socket): uploads and downloads as the SDK's `_HttpDriver` makes them,
 * the real fileserver's auth, and every kind of bad input answered with a clear 4xx that stores
 * nothing and leaves the app healthy.
 */
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { existsSync, mkdirSync, readFileSync, symlinkSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import {
  BOUNDARY,
  chunked,
  type FilesFixture,
  filesFixture,
  listFiles,
  multipart,
  part,
  send,
  TOKEN,
} from "./files_fixture.ts";
import { prepareFilesPlaces } from "../../src/server/files/places.ts";

/** A good upload and its download still work, and nothing half-written is left. */
async function healthy(f: FilesFixture): Promise<void> {
  const name = `/health/${crypto.randomUUID()}.txt`;
  const up = await send(f.app, "POST", "/", { body: multipart(part(name, "still fine")) });
  assert.equal(up.status, 200, up.text);
  const down = await send(f.app, "GET", name);
  assert.equal(down.text, "still fine");
  assert.deepEqual(listFiles(f.places.partial), [], "no temp file is left");
}

function withFixture(fn: (f: FilesFixture) => Promise<void>, max = 0): () => Promise<void> {
  return async () => {
    const f = filesFixture(max);
    try {
      await fn(f);
    } finally {
      f.done();
    }
  };
}

describe("files server: the SDK's uploads and downloads", () => {
  it(
    "stores a part under its field name (leading / stripped) and answers the JSON list",
    withFixture(async (f) => {
      const path = "/sdk demo/run.0123abcd/artifacts/data/data.txt";
      const r = await send(f.app, "POST", "/", { body: multipart(part(path, "hello\n")) });
      assert.equal(r.status, 200, r.text);
      assert.deepEqual(JSON.parse(r.text), ["sdk demo/run.0123abcd/artifacts/data/data.txt"]);
      assert.equal(r.headers.get("server"), "clearml");
      assert.equal(
        readFileSync(join(f.places.root, "sdk demo/run.0123abcd/artifacts/data/data.txt"), "utf8"),
        "hello\n",
      );
      // the SDK downloads the URL-quoted path
      const g = await send(f.app, "GET", "/sdk%20demo/run.0123abcd/artifacts/data/data.txt");
      assert.equal(g.status, 200);
      assert.equal(g.text, "hello\n");
      assert.equal(g.headers.get("content-length"), "6");
      assert.match(g.headers.get("content-type") ?? "", /^text\/plain/);
      assert.equal(g.headers.get("content-disposition"), null);
      const d = await send(
        f.app,
        "GET",
        "/sdk%20demo/run.0123abcd/artifacts/data/data.txt?download",
      );
      assert.equal(d.headers.get("content-disposition"), 'attachment; filename="data.txt"');
      const h = await send(f.app, "HEAD", "/sdk%20demo/run.0123abcd/artifacts/data/data.txt");
      assert.equal(h.status, 200);
      assert.equal(h.headers.get("content-length"), "6");
      assert.equal(h.bytes.byteLength, 0);
      assert.deepEqual(listFiles(f.places.partial), []);
    }),
  );

  it(
    "keeps binary bytes exact however the body is cut into chunks, boundary look-alikes included",
    withFixture(async (f) => {
      const tricky = Buffer.concat([
        Buffer.from(`\r\n--${BOUNDARY.slice(0, 10)}\r\n--`),
        crypto.getRandomValues(new Uint8Array(50_000)),
        Buffer.from(`\r\n-${BOUNDARY}\r\n`),
        Buffer.from(`x--${BOUNDARY}`), // a boundary not after a CRLF is data
      ]);
      const body = multipart(part("/bin/a.bin", tricky, "application/octet-stream"));
      for (const sizes of [[1], [7, 3, 1], [BOUNDARY.length + 3], [4096, 13], [1 << 20]]) {
        const r = await send(f.app, "POST", "/", { body: chunked(body, sizes) });
        assert.equal(r.status, 200, `${sizes}: ${r.text}`);
        const g = await send(f.app, "GET", "/bin/a.bin");
        assert.equal(Buffer.compare(Buffer.from(g.bytes), tricky), 0, `chunks of ${sizes}`);
      }
      await healthy(f);
    }),
  );

  it(
    "stores several parts, ignores form fields, keeps the first of a repeated name",
    withFixture(async (f) => {
      const field = Buffer.from(
        `--${BOUNDARY}\r\nContent-Disposition: form-data; name="note"\r\n\r\nnot a file\r\n`,
      );
      const body = multipart(
        part("/a/1.txt", "one"),
        field,
        part("/a/2.txt", "two"),
        part("/a/1.txt", "again"),
      );
      const r = await send(f.app, "POST", "/", { body });
      assert.equal(r.status, 200, r.text);
      assert.deepEqual(JSON.parse(r.text), ["a/1.txt", "a/2.txt"]);
      assert.deepEqual(listFiles(f.places.root), ["a/1.txt", "a/2.txt"]);
      assert.equal(readFileSync(join(f.places.root, "a/1.txt"), "utf8"), "one");
    }),
  );

  it(
    "a new upload of a path replaces the file; DELETE removes it; GET / is the ping",
    withFixture(async (f) => {
      await send(f.app, "POST", "/", { body: multipart(part("/p/x.txt", "first")) });
      await send(f.app, "POST", "/", { body: multipart(part("/p/x.txt", "second")) });
      assert.equal((await send(f.app, "GET", "/p/x.txt")).text, "second");
      const del = await send(f.app, "DELETE", "/p/x.txt");
      assert.equal(del.status, 200);
      assert.equal(JSON.parse(del.text), "p/x.txt");
      assert.equal((await send(f.app, "GET", "/p/x.txt")).status, 404);
      assert.equal((await send(f.app, "DELETE", "/p/x.txt")).status, 404);
      assert.equal((await send(f.app, "DELETE", "/p")).status, 404, "a folder is not a file");
      const ping = await send(f.app, "GET", "/", { token: null });
      assert.equal(ping.status, 200);
      assert.equal(ping.text, "OK");
    }),
  );

  it(
    "names a non-ASCII download by RFC 5987 and serves .gz as bytes",
    withFixture(async (f) => {
      await send(f.app, "POST", "/", { body: multipart(part("/ü/données.tar.gz", "gz")) });
      const g = await send(
        f.app,
        "GET",
        `/${encodeURIComponent("ü")}/${encodeURIComponent("données.tar.gz")}?download=1`,
      );
      assert.equal(g.status, 200);
      assert.equal(g.headers.get("content-type"), "application/octet-stream");
      assert.equal(g.headers.get("content-encoding"), null);
      assert.match(
        g.headers.get("content-disposition") ?? "",
        /filename\*=UTF-8''donn%C3%A9es\.tar\.gz/,
      );
    }),
  );
});

describe("files server: auth as the real fileserver", () => {
  it(
    "refuses uploads, downloads and deletes without a valid bearer token, storing nothing",
    withFixture(async (f) => {
      const body = () => multipart(part("/secret/x.txt", "x"));
      const none = await send(f.app, "POST", "/", { body: body(), token: null });
      assert.equal(none.status, 401);
      assert.match(none.text, /no token/);
      const bad = await send(f.app, "POST", "/", { body: body(), token: "forged" });
      assert.equal(bad.status, 401);
      assert.match(bad.text, /Invalid token/);
      const basic = await send(f.app, "POST", "/", {
        body: body(),
        token: null,
        headers: { authorization: `Basic ${btoa("k:s")}` },
      });
      assert.equal(basic.status, 401);
      assert.equal(basic.text, "Only bearer token authorization is supported");
      assert.deepEqual(listFiles(f.places.root), []);
      mkdirSync(join(f.places.root, "secret"), { recursive: true });
      writeFileSync(join(f.places.root, "secret/x.txt"), "x");
      assert.equal((await send(f.app, "GET", "/secret/x.txt", { token: null })).status, 401);
      assert.equal((await send(f.app, "DELETE", "/secret/x.txt", { token: "forged" })).status, 401);
      assert.ok(existsSync(join(f.places.root, "secret/x.txt")));
      assert.equal((await send(f.app, "GET", "/", { token: "forged" })).status, 401);
      await healthy(f);
    }),
  );

  it(
    "takes the token from the clearml_token_basic cookie when no header is sent",
    withFixture(async (f) => {
      await send(f.app, "POST", "/", { body: multipart(part("/c/x.txt", "cookie")) });
      const g = await send(f.app, "GET", "/c/x.txt", {
        token: null,
        headers: { cookie: `other=1; clearml_token_basic=${TOKEN}` },
      });
      assert.equal(g.status, 200);
      assert.equal(g.text, "cookie");
      const forged = await send(f.app, "GET", "/c/x.txt", {
        token: null,
        headers: { cookie: "clearml_token_basic=forged" },
      });
      assert.equal(forged.status, 401);
    }),
  );
});

describe("files server: bad input is a clear 4xx and the server stays healthy", () => {
  for (
    const [name, why] of [
      ["../escape.txt", /'\.\.' is not allowed/],
      ["/a/../../escape.txt", /'\.\.' is not allowed/],
      ["/..", /'\.\.' is not allowed/],
      ["a\\..\\..\\escape.txt", /backslashes/],
      ["a\0b.txt", /NUL/],
      ["C:/windows/x.txt", /drive paths/],
      ["a/b\x01.txt", /control characters/],
      ["/", /no file name/],
      [`/${"n".repeat(256)}.txt`, /longer than 255 bytes/],
    ] as const
  ) {
    it(
      `refuses the upload name ${JSON.stringify(name.slice(0, 40))} with 400`,
      withFixture(async (f) => {
        const r = await send(f.app, "POST", "/", { body: multipart(part(name, "evil")) });
        assert.equal(r.status, 400, r.text);
        assert.match(r.text, why);
        assert.deepEqual(listFiles(f.dir).filter((p) => !p.includes("health")), []);
        await healthy(f);
      }),
    );
  }

  for (
    const [path, why] of [
      ["/a/%2e%2e/%2e%2e/escape.txt", /'\.\.' is not allowed/],
      ["/..%2f..%2fescape.txt", /'\.\.' is not allowed/],
      ["//etc/passwd", /absolute paths/],
      ["/%2fetc/passwd", /absolute paths/],
      ["/a%00b", /NUL/],
      ["/a%5c..%5cb", /backslashes/],
      ["/%zz", /percent-encoding/],
      ["/C:%5cx", /backslashes|drive/],
    ] as const
  ) {
    it(
      `refuses GET and DELETE of ${path} with 400`,
      withFixture(async (f) => {
        for (const method of ["GET", "DELETE"]) {
          const r = await send(f.app, method, path);
          assert.equal(r.status, 400, `${method} ${path}: ${r.text}`);
          assert.match(r.text, why);
        }
        await healthy(f);
      }),
    );
  }

  for (
    const [label, body, type, why] of [
      ["no Content-Type", multipart(part("/x.txt", "x")), null, /no Content-Type/],
      ["a JSON body", Buffer.from('{"a":1}'), "application/json", /expected multipart\/form-data/],
      ["no boundary", multipart(part("/x.txt", "x")), "multipart/form-data", /no boundary/],
      ["an empty body", Buffer.alloc(0), undefined, /empty/],
      [
        "no closing boundary",
        part("/x.txt", "x"),
        undefined,
        /ended before the closing boundary/,
      ],
      [
        "a body cut inside a part",
        multipart(part("/x.txt", "0123456789")).subarray(0, 120),
        undefined,
        /ended before the closing boundary/,
      ],
      ["no boundary line at all", Buffer.alloc(100_000, 0x61), undefined, /no boundary line/],
      [
        "junk after a boundary",
        Buffer.from(`--${BOUNDARY}junk\r\n\r\n`),
        undefined,
        /something other than a line end/,
      ],
      [
        "a part without Content-Disposition",
        multipart(Buffer.from(`--${BOUNDARY}\r\nContent-Type: text/plain\r\n\r\nx\r\n`)),
        undefined,
        /without Content-Disposition/,
      ],
      [
        "a header line without a name",
        multipart(Buffer.from(`--${BOUNDARY}\r\nno colon here\r\n\r\nx\r\n`)),
        undefined,
        /header line without a name/,
      ],
      [
        "endless part headers",
        Buffer.concat([Buffer.from(`--${BOUNDARY}\r\nX-A: `), Buffer.alloc(20_000, 0x61)]),
        undefined,
        /headers longer than/,
      ],
    ] as const
  ) {
    it(
      `answers ${label} with 400`,
      withFixture(async (f) => {
        const r = await send(f.app, "POST", "/", {
          body: new Uint8Array(body),
          type: type === undefined ? undefined : type,
        });
        assert.equal(r.status, 400, r.text);
        assert.match(r.text, why);
        assert.deepEqual(listFiles(f.places.root), []);
        await healthy(f);
      }),
    );
  }

  it(
    "answers a body over --max-upload with 413, declared or streamed, storing nothing",
    withFixture(async (f) => {
      const body = multipart(part("/big.bin", new Uint8Array(5000)));
      const declared = await send(f.app, "POST", "/", { body });
      assert.equal(declared.status, 413);
      assert.equal(
        declared.text,
        "The upload is larger than the limit of 4096 bytes (--max-upload)",
      );
      const streamed = await send(f.app, "POST", "/", { body: chunked(body, [1000]) });
      assert.equal(streamed.status, 413);
      assert.deepEqual(listFiles(f.places.root), []);
      assert.deepEqual(listFiles(f.places.partial), []);
      const small = await send(f.app, "POST", "/", { body: multipart(part("/s.txt", "ok")) });
      assert.equal(small.status, 200, small.text);
    }, 4096),
  );

  it(
    "leaves no file, visible or temporary, when the client goes away mid-upload",
    withFixture(async (f) => {
      const body = multipart(part("/cut/model.bin", new Uint8Array(300_000)));
      const r = await send(f.app, "POST", "/", { body: chunked(body, [16_384], 150_000) });
      assert.equal(r.status, 400);
      assert.match(r.text, /cut off/);
      assert.deepEqual(listFiles(f.places.root), []);
      assert.deepEqual(listFiles(f.places.partial), []);
      assert.equal((await send(f.app, "GET", "/cut/model.bin")).status, 404);
      await healthy(f);
    }),
  );

  it(
    "refuses to store under a path whose folder is a file, or onto a folder",
    withFixture(async (f) => {
      await send(f.app, "POST", "/", { body: multipart(part("/d/file", "f")) });
      const under = await send(f.app, "POST", "/", { body: multipart(part("/d/file/x", "x")) });
      assert.equal(under.status, 400);
      assert.match(under.text, /a folder on its path is a file/);
      await send(f.app, "POST", "/", { body: multipart(part("/e/sub/x", "x")) });
      const onto = await send(f.app, "POST", "/", { body: multipart(part("/e/sub", "y")) });
      assert.equal(onto.status, 400);
      assert.match(onto.text, /it is a folder/);
      await healthy(f);
    }),
  );

  it(
    "does not follow a symbolic link out of the files (GET, DELETE, upload)",
    withFixture(async (f) => {
      const outside = join(f.dir, "outside");
      mkdirSync(outside);
      writeFileSync(join(outside, "secret.txt"), "secret");
      symlinkSync(outside, join(f.places.root, "link"));
      mkdirSync(join(f.places.root, "in"));
      writeFileSync(join(f.places.root, "in", "ok.txt"), "inside");
      symlinkSync(join(f.places.root, "in"), join(f.places.root, "inlink"));
      assert.equal((await send(f.app, "GET", "/link/secret.txt")).status, 404);
      assert.equal((await send(f.app, "DELETE", "/link/secret.txt")).status, 404);
      assert.ok(existsSync(join(outside, "secret.txt")));
      const up = await send(f.app, "POST", "/", { body: multipart(part("/link/new.txt", "x")) });
      assert.equal(up.status, 400);
      assert.match(up.text, /leads outside the files/);
      assert.ok(!existsSync(join(outside, "new.txt")));
      assert.equal((await send(f.app, "GET", "/inlink/ok.txt")).text, "inside", "inside is fine");
      await healthy(f);
    }),
  );

  it(
    "answers 404 for missing files and folders, 405 for other methods, 415 for encoded bodies",
    withFixture(async (f) => {
      assert.equal((await send(f.app, "GET", "/nothing/here.txt")).status, 404);
      mkdirSync(join(f.places.root, "dir"));
      assert.equal((await send(f.app, "GET", "/dir")).status, 404);
      assert.equal((await send(f.app, "PUT", "/x", { body: "x" })).status, 405);
      assert.equal((await send(f.app, "POST", "/x", { body: "x" })).status, 405);
      const enc = await send(f.app, "POST", "/", {
        body: multipart(part("/z.txt", "z")),
        headers: { "content-encoding": "gzip" },
      });
      assert.equal(enc.status, 415);
      assert.equal(enc.text, "Content encoding is not supported (gzip)");
      await healthy(f);
    }),
  );
});

describe("files server: start-up", () => {
  it("drops what a killed server left half-written", () => {
    const f = filesFixture();
    try {
      writeFileSync(join(f.places.partial, "0a.part"), "half");
      writeFileSync(join(f.places.root, "kept.txt"), "whole");
      assert.equal(prepareFilesPlaces(f.places), 1);
      assert.deepEqual(listFiles(f.places.partial), []);
      assert.deepEqual(listFiles(f.places.root), ["kept.txt"]);
    } finally {
      f.done();
    }
  });
});
