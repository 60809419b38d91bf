/**
 * A node:http server on 127.0.0.1:0 whose answers a test writes: each request (method, path,
 * headers, body — GET bodies included) goes to `handle`, which answers with an envelope, a raw
 * status, or by dropping the connection. For the client's retry, renewal and envelope tests.
 */
import * as http from "node:http";
import type * as net from "node:net";
import { envelope, token } from "../_helpers/fake_clearml_server.ts";

export interface Seen {
  method: string;
  path: string;
  headers: http.IncomingHttpHeaders;
  body: string;
}

export type Answer =
  | { envelope: { code?: number; subcode?: number; msg?: string; data?: unknown } }
  | { status: number; body: string; contentType?: string }
  | { drop: true };

export interface ScriptedServer {
  url: string;
  seen: Seen[];
  close(): Promise<void>;
}

/** An unsigned JWT with ClearML's claims (clients do not verify the signature). */
export function fakeToken(claims: Record<string, unknown> = {}): string {
  return token("Tester", "2.31", "2.0.0", claims);
}

export async function startScripted(
  handle: (req: Seen, n: number) => Answer | Promise<Answer>,
): Promise<ScriptedServer> {
  const seen: Seen[] = [];
  const sockets = new Set<net.Socket>();
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", async () => {
      const s: Seen = {
        method: req.method ?? "",
        path: req.url ?? "",
        headers: req.headers,
        body: Buffer.concat(chunks).toString("utf8"),
      };
      seen.push(s);
      const a = await handle(s, seen.length);
      if ("drop" in a) {
        req.socket.destroy();
        return;
      }
      if ("status" in a) {
        res.writeHead(a.status, { "Content-Type": a.contentType ?? "text/plain" });
        res.end(a.body);
        return;
      }
      const name = (s.path.split("?")[0] ?? "").split("/").pop() ?? "";
      const e = a.envelope;
      const code = e.code ?? 200;
      res.writeHead(code, { "Content-Type": "application/json" });
      res.end(
        JSON.stringify(
          envelope(
            name,
            code,
            e.subcode ?? 0,
            e.msg ?? "OK",
            (e.data ?? {}) as Record<string, unknown>,
            "1.0",
            "2.31",
          ),
        ),
      );
    });
  });
  server.on("connection", (s: net.Socket) => {
    sockets.add(s);
    s.on("close", () => sockets.delete(s));
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const port = (server.address() as net.AddressInfo).port;
  return {
    url: `http://127.0.0.1:${port}`,
    seen,
    close: () =>
      new Promise<void>((resolve) => {
        for (const s of sockets) s.destroy();
        server.close(() => resolve());
      }),
  };
}
