/**
 * The floor for the files benchmark: a bare `node:http` server run by the same runtime that
 * writes a POST's raw body to a temp file, fsyncs and renames it (no multipart, no auth, no
 * checks), and answers a GET with the file piped out. Prints `listening on http://…` on stderr.
 */
import {
  closeSync,
  createReadStream,
  createWriteStream,
  fsyncSync,
  mkdirSync,
  openSync,
  renameSync,
  statSync,
} from "node:fs";
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { join } from "node:path";

const dir = process.argv[2]!;
mkdirSync(dir, { recursive: true });
let n = 0;
const server = createServer((req, res) => {
  const target = join(dir, "stored.bin");
  if (req.method === "POST") {
    const temp = join(dir, `upload-${n++}.part`);
    const fd = openSync(temp, "w");
    const out = createWriteStream("", { fd, autoClose: false });
    req.pipe(out);
    out.on("finish", () => {
      fsyncSync(fd);
      closeSync(fd);
      renameSync(temp, target);
      res.writeHead(200, { "content-type": "application/json", "content-length": 2 });
      res.end("[]");
    });
    out.on("error", () => res.destroy());
    return;
  }
  req.resume();
  const size = statSync(target).size;
  res.writeHead(200, { "content-length": size, "content-type": "application/octet-stream" });
  createReadStream(target).pipe(res);
});
server.listen(0, "127.0.0.1", () => {
  process.stderr.write(`listening on http://127.0.0.1:${(server.address() as AddressInfo).port}\n`);
});
process.on("SIGTERM", () => server.close(() => process.exit(0)));
