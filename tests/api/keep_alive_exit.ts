/**
 * For keep_alive.test.ts: one call through the API transport, then nothing. The process must end
 * on its own although the connection stays open and idle.
 */
import { Transport } from "../../src/api/transport.ts";

const t = new Transport({ host: process.argv[2]!, env: {}, verify: false });
const r = await t.send({
  method: "POST",
  path: "/debug.ping",
  headers: {},
  body: "{}",
  connectMs: 2000,
  readMs: 2000,
});
console.log(`answered ${r.status}`);
