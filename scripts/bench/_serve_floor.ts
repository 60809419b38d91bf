/**
 * The floor for the serve benchmarks: a bare `node:http` server answering a fixed JSON body,
 * run by the same runtime. Prints `listening on http://127.0.0.1:PORT` on stderr.
 */
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";

const body = JSON.stringify({ meta: { result_code: 200 }, data: { msg: "ClearML server" } });
const server = createServer((req, res) => {
  req.resume();
  req.on("end", () => {
    res.writeHead(200, { "content-type": "application/json", "content-length": body.length });
    res.end(body);
  });
});
server.listen(0, "127.0.0.1", () => {
  process.stderr.write(`listening on http://127.0.0.1:${(server.address() as AddressInfo).port}\n`);
});
process.on("SIGTERM", () => server.close(() => process.exit(0)));
