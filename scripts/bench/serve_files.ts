/**
 * The files server of `clearml serve` (multipart parse, temp file, fsync, rename; streamed
 * download), on each runtime, against a bare `node:http` floor served by the same runtime that
 * only writes the raw body to a file (fsync, rename) and pipes it back (multipart framing and
 * all, a few hundred bytes more):
 *   - upload of one SIZE MiB file as the SDK sends it (one multipart part), MB/s (median of runs)
 *   - download of it, MB/s
 *   - the server's resident memory after the uploads (the body is never held whole)
 *   bun scripts/bench/serve_files.ts [--runtime bun|deno|both] [--size MIB] [--runs N]
 */
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { request } from "node:http";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { ROOT } from "./_binaries.ts";
import { startServer, stopServer } from "./_server_process.ts";
import { median } from "./_stats.ts";

const argv = process.argv.slice(2);
const opt = (name: string, dflt: string) => {
  const i = argv.indexOf(name);
  return i >= 0 && argv[i + 1] ? argv[i + 1]! : dflt;
};
const runtimes = opt("--runtime", "both") === "both" ? ["bun", "deno"] : [opt("--runtime", "bun")];
const sizeMiB = Number(opt("--size", "256"));
const runs = Number(opt("--runs", "3"));
const KEY = "BENCHKEY0123456789ABCDEFGHIJKL";
const SECRET = "benchSecret0123456789abcdefghijklmnopqrstuvwxyz0123";
const BOUNDARY = "benchboundary0123456789abcdef";
const CHUNK = Buffer.alloc(1024 * 1024);
for (let i = 0; i < CHUNK.byteLength; i += 65536) {
  CHUNK.set(crypto.getRandomValues(new Uint8Array(65536)), i);
}

function rssMiB(pid: number): number {
  const m = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, "utf8"));
  return m ? Number(m[1]) / 1024 : NaN;
}

/** POST SIZE MiB as one multipart part (written chunk by chunk); resolves with seconds. */
function upload(url: string, token: string): Promise<number> {
  const head = Buffer.from(
    `--${BOUNDARY}\r\nContent-Disposition: form-data; name="/bench/weights.bin"; ` +
      `filename="/bench/weights.bin"\r\nContent-Type: application/octet-stream\r\n\r\n`,
  );
  const tail = Buffer.from(`\r\n--${BOUNDARY}--\r\n`);
  const length = head.byteLength + sizeMiB * CHUNK.byteLength + tail.byteLength;
  const t0 = performance.now();
  return new Promise((resolve, reject) => {
    const req = request(`${url}/`, {
      method: "POST",
      headers: {
        authorization: `Bearer ${token}`,
        "content-type": `multipart/form-data; boundary=${BOUNDARY}`,
        "content-length": String(length),
      },
    }, (res) => {
      res.resume();
      res.on("end", () => {
        if (res.statusCode !== 200) reject(new Error(`upload: HTTP ${res.statusCode}`));
        else resolve((performance.now() - t0) / 1000);
      });
    });
    req.on("error", reject);
    let sent = 0;
    const more = () => {
      while (sent < sizeMiB) {
        sent++;
        if (!req.write(CHUNK)) return void req.once("drain", more);
      }
      req.end(tail);
    };
    req.write(head);
    more();
  });
}

/** GET the stored file; resolves with seconds (after checking the length). */
function download(url: string, token: string): Promise<number> {
  const t0 = performance.now();
  return new Promise((resolve, reject) => {
    request(
      `${url}/bench/weights.bin`,
      { headers: { authorization: `Bearer ${token}` } },
      (res) => {
        let n = 0;
        res.on("data", (c: Buffer) => (n += c.byteLength));
        res.on("end", () => {
          if (n < sizeMiB * CHUNK.byteLength) reject(new Error(`download: ${n} bytes`));
          else resolve((performance.now() - t0) / 1000);
        });
      },
    ).on("error", reject).end();
  });
}

async function login(url: string): Promise<string> {
  const r = await fetch(`${url}/auth.login`, {
    method: "POST",
    headers: { authorization: `Basic ${btoa(`${KEY}:${SECRET}`)}` },
  });
  return ((await r.json()) as { data: { token: string } }).data.token;
}

async function measure(url: string, token: string, pid: number) {
  const up: number[] = [];
  const down: number[] = [];
  for (let i = 0; i < runs; i++) {
    up.push(sizeMiB / await upload(url, token));
    down.push(sizeMiB / await download(url, token));
  }
  return { up: median(up), down: median(down), rss: rssMiB(pid) };
}

const rows: string[][] = [[
  "runtime",
  "server",
  "upload MiB/s",
  "download MiB/s",
  "RSS MiB",
  "upload vs floor",
  "download vs floor",
]];
for (const runtime of runtimes) {
  const dir = mkdtempSync(join(tmpdir(), "clearml-bench-files-"));
  try {
    const floor = await startServer(runtime, join(ROOT, "scripts", "bench", "_files_floor.ts"), [
      join(dir, "floor"),
    ]);
    const f = await measure(floor.url, "", floor.child.pid!);
    await stopServer(floor.child);
    const serve = await startServer(runtime, join(ROOT, "src", "main.ts"), [
      "serve",
      "--port",
      "0",
      "--data",
      join(dir, "data"),
      "--access-key",
      KEY,
      "--secret-key",
      SECRET,
    ]);
    const token = await login(serve.url);
    const filesUrl = /files server on (http:\/\/\S+)/.exec(serve.err())?.[1];
    if (!filesUrl) throw new Error(`no files server URL in: ${serve.err()}`);
    const s = await measure(filesUrl, token, serve.child.pid!);
    await stopServer(serve.child);
    rows.push([runtime, "floor", f.up.toFixed(0), f.down.toFixed(0), f.rss.toFixed(0), "", ""]);
    rows.push([
      runtime,
      "clearml serve",
      s.up.toFixed(0),
      s.down.toFixed(0),
      s.rss.toFixed(0),
      `${(s.up / f.up).toFixed(2)}×`,
      `${(s.down / f.down).toFixed(2)}×`,
    ]);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
console.log(`files server, ${sizeMiB} MiB file, median of ${runs} runs`);
const widths = rows[0]!.map((_, i) => Math.max(...rows.map((r) => r[i]!.length)));
for (const r of rows) console.log(r.map((c, i) => c.padEnd(widths[i]!)).join("  "));
