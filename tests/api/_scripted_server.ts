/**
 * A fake ClearML API whose answers a test writes: each request (method, path, headers, body —
 * GET bodies included) goes to `handle`, which answers with an envelope, a raw status, or by
 * dropping the connection. For the client's retry, renewal and envelope tests. The server is
 * the doctor fakes' one (`serveRecorded`); only the scripted answers are here.
 */
import {
  envelope,
  type SeenRequest,
  serveRecorded,
  token,
} from "../_helpers/fake_clearml_server.ts";

export type Seen = SeenRequest;

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
  const server = await serveRecorded(async (s, res, req) => {
    const a = await handle(s, server.requests.length);
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
  return { url: server.url, seen: server.requests, close: server.close };
}
