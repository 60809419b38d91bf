/**
 * Small local servers for doctor's server e2e tests, on 127.0.0.1 ephemeral ports:
 *  - "api": a fake ClearML API answering debug.ping, server.info and auth.login with the envelope
 *    of server-api.md §1.7 (HTTP or HTTPS);
 *  - "web": a web page (HTML 200 for every path), like the web app;
 *  - "length-required": the fake API behind something that answers 411 to a GET with a body;
 *  - "hang": accepts TCP connections and never sends a byte.
 * Served with node:http / node:https / node:net, which keep GET bodies on both runtimes.
 * `serveRecorded` is the one HTTP server under them and under the API client's scripted server
 * (tests/api/_scripted_server.ts): every request recorded whole, every connection ended on close.
 */
import * as http from "node:http";
import * as https from "node:https";
import * as net from "node:net";
import * as tls from "node:tls";
import { randomBytes } from "node:crypto";
import { execFileSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

export type FakeMode = "api" | "web" | "length-required" | "hang";

export interface FakeServerOptions {
  mode: FakeMode;
  /** PEM key and certificate: serve HTTPS. */
  tls?: { key: string; cert: string };
  /** Accepted key pairs (auth.login with Basic). */
  credentials?: Array<{ key: string; secret: string }>;
  serverVersion?: string;
  apiVersion?: string;
}

export interface SeenRequest {
  method: string;
  path: string;
  body: string;
  headers: http.IncomingHttpHeaders;
}

export interface FakeServer {
  url: string;
  port: number;
  requests: SeenRequest[];
  close(): Promise<void>;
}

const hex = () => randomBytes(16).toString("hex");

export function envelope(
  endpoint: string,
  code: number,
  subcode: number,
  msg: string,
  data: Record<string, unknown>,
  actual: string | null,
  requested: string,
) {
  const id = hex();
  return {
    meta: {
      id,
      trx: id,
      endpoint: { name: endpoint, requested_version: requested, actual_version: actual },
      result_code: code,
      result_subcode: subcode,
      result_msg: msg,
      error_stack: code === 200 ? "" : null,
      error_data: {},
    },
    data,
  };
}

const b64url = (v: unknown) => Buffer.from(JSON.stringify(v)).toString("base64url");

export function token(
  user: string,
  apiVersion: string,
  serverVersion: string,
  extra: Record<string, unknown> = {},
): string {
  const now = Math.floor(Date.now() / 1000);
  const claims = {
    identity: {
      user: "u1",
      company: "d1bd92a3b039400cbafc60a7a5b1e52b",
      role: "user",
      user_name: user,
      company_name: "clearml",
    },
    session_id: hex(),
    env: "<unknown>",
    auth_type: "Bearer",
    iat: now,
    exp: now + 2_592_000,
    api_version: apiVersion,
    server_version: serverVersion,
    server_build: "",
    feature_set: "basic",
    ...extra,
  };
  return `${b64url({ alg: "HS256", typ: "JWT" })}.${b64url(claims)}.${b64url("not-signed")}`;
}

function apiHandler(opts: FakeServerOptions) {
  const apiVersion = opts.apiVersion ?? "2.31";
  const serverVersion = opts.serverVersion ?? "2.0.0";
  const tokens = new Set<string>();
  return (req: http.IncomingMessage, body: string, res: http.ServerResponse) => {
    const path = (req.url ?? "/").split("?")[0]!;
    const m = /^\/(?:v(\d+\.\d+)\/)?([A-Za-z_]\w+)\.([A-Za-z_]\w+)\/?$/.exec(path);
    const send = (status: number, payload: unknown) => {
      res.writeHead(status, { "Content-Type": "application/json", Server: "clearml" });
      res.end(JSON.stringify(payload));
    };
    if (!m) {
      send(400, envelope("", 400, 0, `Invalid request path ${path}`, {}, null, apiVersion));
      return;
    }
    const requested = m[1] ?? apiVersion;
    const name = `${m[2]}.${m[3]}`;
    let fields: Record<string, unknown> = {};
    if (body.trim() !== "") {
      try {
        fields = JSON.parse(body) as Record<string, unknown>;
      } catch {
        send(
          400,
          envelope(
            name,
            400,
            0,
            "The browser (or proxy) sent a request that this server could not understand.",
            {},
            null,
            requested,
          ),
        );
        return;
      }
    }
    if (name === "debug.ping") {
      send(
        200,
        envelope(name, 200, 0, "OK", { msg: "ClearML server", ...fields }, "1.0", requested),
      );
      return;
    }
    if (name === "server.info") {
      const data = { version: serverVersion, build: "", commit: "", api_version: apiVersion };
      send(200, envelope(name, 200, 0, "OK", data, "2.12", requested));
      return;
    }
    if (name === "auth.login") {
      const header = req.headers.authorization ?? "";
      const deny = (sub: number, msg: string) =>
        send(401, envelope(name, 401, sub, msg, {}, "1.0", requested));
      if (header === "") return deny(20, "unauthorized (missing credentials)");
      const [scheme, value = ""] = header.split(" ", 2);
      if (scheme === "Bearer") {
        if (!tokens.has(value)) {
          return deny(30, "invalid token (invalid jwt token): reason=Invalid token");
        }
      } else if (scheme === "Basic") {
        const decoded = Buffer.from(value, "base64").toString("latin1");
        const colon = decoded.indexOf(":");
        const key = decoded.slice(0, colon);
        const secret = decoded.slice(colon + 1);
        const ok = (opts.credentials ?? []).some((c) => c.key === key && c.secret === secret);
        if (colon < 0 || !ok) {
          return deny(
            22,
            "unauthorized (invalid credentials) (failed to locate provided credentials)",
          );
        }
      } else return deny(10, "unauthorized (bad authentication header type)");
      const t = token("Doctor Tester", apiVersion, serverVersion);
      tokens.add(t);
      send(200, envelope(name, 200, 0, "OK", { token: t }, "1.0", requested));
      return;
    }
    send(
      404,
      envelope(
        name,
        404,
        0,
        `Unable to find endpoint for name ${name} and version ${requested}`,
        {},
        null,
        requested,
      ),
    );
  };
}

const PAGE =
  "<!doctype html><html><head><title>ClearML</title></head><body><app-root></app-root></body></html>";

/**
 * Listen on 127.0.0.1, an ephemeral port. `close()` ends the open connections first: a
 * keep-alive or hanging one would hold `server.close()` up.
 */
async function listenLocal(
  server: net.Server,
  scheme: string,
  sockets = new Set<net.Socket>(),
): Promise<{ url: string; port: number; close(): Promise<void> }> {
  server.on("connection", (socket: net.Socket) => {
    sockets.add(socket);
    socket.on("close", () => sockets.delete(socket));
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const port = (server.address() as net.AddressInfo).port;
  return {
    url: `${scheme}://127.0.0.1:${port}`,
    port,
    close: () =>
      new Promise<void>((resolve) => {
        for (const s of sockets) s.destroy();
        server.close(() => resolve());
      }),
  };
}

/**
 * An HTTP (or, with `tls`, HTTPS) server that reads each request whole, records it in
 * `requests`, then hands it to `handle` with the response to write.
 */
export async function serveRecorded(
  handle: (
    seen: SeenRequest,
    res: http.ServerResponse,
    req: http.IncomingMessage,
  ) => void | Promise<void>,
  tlsPair?: { key: string; cert: string },
): Promise<FakeServer> {
  const requests: SeenRequest[] = [];
  const handler = (req: http.IncomingMessage, res: http.ServerResponse) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => {
      const seen: SeenRequest = {
        method: req.method ?? "",
        path: req.url ?? "",
        body: Buffer.concat(chunks).toString("utf8"),
        headers: req.headers,
      };
      requests.push(seen);
      void handle(seen, res, req);
    });
  };
  const server = tlsPair
    ? https.createServer({ key: tlsPair.key, cert: tlsPair.cert }, handler)
    : http.createServer(handler);
  return { ...await listenLocal(server, tlsPair ? "https" : "http"), requests };
}

export async function startFakeServer(opts: FakeServerOptions): Promise<FakeServer> {
  if (opts.mode === "hang") {
    const server = net.createServer((socket) => {
      socket.on("error", () => {});
      // Read and ignore whatever comes; never answer.
      socket.on("data", () => {});
    });
    return { ...await listenLocal(server, "http"), requests: [] };
  }
  const api = apiHandler(opts);
  return await serveRecorded(({ method, body }, res, req) => {
    if (opts.mode === "web") {
      res.writeHead(200, { "Content-Type": "text/html; charset=utf-8" });
      res.end(PAGE);
      return;
    }
    if (opts.mode === "length-required" && method === "GET" && body !== "") {
      res.writeHead(411, { "Content-Type": "text/html", Connection: "close" });
      res.end("<html><body><h1>411 Length Required</h1></body></html>");
      return;
    }
    api(req, body, res);
  }, opts.tls);
}

export interface TestPki {
  dir: string;
  caPath: string;
  caPem: string;
  key: string;
  cert: string;
  cleanup(): void;
}

/** Whether the openssl CLI runs here. */
export function hasOpenssl(): boolean {
  try {
    execFileSync("openssl", ["version"], { stdio: "pipe" });
    return true;
  } catch {
    return false;
  }
}

/**
 * A throw-away CA and a leaf certificate it signs for 127.0.0.1 and localhost. A self-signed
 * CA:TRUE certificate used as the leaf is rejected by some TLS stacks, hence the pair.
 */
export function makePki(leafDays = 30): TestPki {
  const dir = mkdtempSync(join(tmpdir(), "clearml-doctor-pki-"));
  const p = (f: string) => join(dir, f);
  const run = (args: string[]) => execFileSync("openssl", args, { stdio: "pipe" });
  writeFileSync(
    p("ca.cnf"),
    "[req]\ndistinguished_name=dn\nx509_extensions=v3_ca\nprompt=no\n[dn]\nCN=Doctor Test CA\n" +
      "[v3_ca]\nbasicConstraints=critical,CA:TRUE\nkeyUsage=critical,keyCertSign,cRLSign\n" +
      "subjectKeyIdentifier=hash\n",
  );
  writeFileSync(
    p("leaf.ext"),
    "subjectAltName=IP:127.0.0.1,DNS:localhost\nbasicConstraints=CA:FALSE\n" +
      "keyUsage=digitalSignature,keyEncipherment\nextendedKeyUsage=serverAuth\n",
  );
  run([
    "req",
    "-x509",
    "-newkey",
    "rsa:2048",
    "-nodes",
    "-keyout",
    p("ca.key"),
    "-out",
    p("ca.pem"),
    "-days",
    "2",
    "-config",
    p("ca.cnf"),
  ]);
  run([
    "req",
    "-newkey",
    "rsa:2048",
    "-nodes",
    "-keyout",
    p("leaf.key"),
    "-out",
    p("leaf.csr"),
    "-subj",
    "/CN=localhost",
  ]);
  run([
    "x509",
    "-req",
    "-in",
    p("leaf.csr"),
    "-CA",
    p("ca.pem"),
    "-CAkey",
    p("ca.key"),
    "-CAcreateserial",
    "-out",
    p("leaf.pem"),
    "-days",
    String(leafDays),
    "-extfile",
    p("leaf.ext"),
  ]);
  return {
    dir,
    caPath: p("ca.pem"),
    caPem: readFileSync(p("ca.pem"), "utf8"),
    key: readFileSync(p("leaf.key"), "utf8"),
    cert: readFileSync(p("leaf.pem"), "utf8"),
    cleanup: () => rmSync(dir, { recursive: true, force: true }),
  };
}

export interface FakeProxyOptions {
  /** Answer 411 Length Required to a plain-HTTP GET that carries a body. */
  lengthRequiredForGetBody?: boolean;
  /** Answer CONNECT with this status instead of tunnelling (e.g. 407). */
  refuseConnect?: number;
  /** PEM key and certificate: an HTTPS proxy (clients speak TLS to it first). */
  tls?: { key: string; cert: string };
}

export interface FakeProxy {
  url: string;
  /** Request lines seen (`CONNECT 127.0.0.1:1234 HTTP/1.1`, `GET http://… HTTP/1.1`). */
  seen: string[];
  close(): Promise<void>;
}

/**
 * A forward proxy on raw sockets: CONNECT tunnels for https, absolute-form requests forwarded
 * for http (one request per connection, as the probe sends `Connection: close`).
 */
export async function startFakeProxy(opts: FakeProxyOptions = {}): Promise<FakeProxy> {
  const seen: string[] = [];
  const sockets = new Set<net.Socket>();
  const track = (s: net.Socket) => {
    sockets.add(s);
    s.on("error", () => {});
    s.on("close", () => sockets.delete(s));
  };
  const onClient = (client: net.Socket) => {
    track(client);
    let buf = Buffer.alloc(0);
    const onData = (chunk: Buffer) => {
      buf = Buffer.concat([buf, chunk]);
      const end = buf.indexOf("\r\n\r\n");
      if (end < 0) return;
      client.removeListener("data", onData);
      const head = buf.subarray(0, end).toString("latin1");
      const rest = buf.subarray(end + 4);
      const [line = "", ...headers] = head.split("\r\n");
      seen.push(line);
      const [method = "", target = ""] = line.split(" ");
      if (method === "CONNECT") {
        if (opts.refuseConnect) {
          client.end(
            `HTTP/1.1 ${opts.refuseConnect} Proxy Authentication Required\r\nContent-Length: 0\r\n\r\n`,
          );
          return;
        }
        const colon = target.lastIndexOf(":");
        const upstream = net.connect(
          Number(target.slice(colon + 1)),
          target.slice(0, colon),
          () => {
            client.write("HTTP/1.1 200 Connection Established\r\n\r\n");
            if (rest.length) upstream.write(rest);
            client.pipe(upstream);
            upstream.pipe(client);
          },
        );
        track(upstream);
        upstream.on("error", () => client.destroy());
        return;
      }
      const length = Number(
        headers.find((h) => /^content-length:/i.test(h))?.split(":")[1]?.trim() ?? "0",
      );
      if (opts.lengthRequiredForGetBody && method === "GET" && length > 0) {
        client.end(
          "HTTP/1.1 411 Length Required\r\nContent-Type: text/html\r\nContent-Length: 37\r\n" +
            "Connection: close\r\n\r\n<html><h1>Length Required</h1></html>",
        );
        return;
      }
      const url = new URL(target);
      // One request per connection, as a proxy without persistent connections says so: the
      // upstream's answer then closes the client's connection too.
      const forwarded = [
        ...headers.filter((h) => !/^(proxy-)?connection:/i.test(h)),
        "Connection: close",
      ];
      const upstream = net.connect(Number(url.port || 80), url.hostname, () => {
        upstream.write(
          `${method} ${url.pathname}${url.search} HTTP/1.1\r\n${forwarded.join("\r\n")}\r\n\r\n`,
        );
        if (rest.length) upstream.write(rest);
        client.pipe(upstream);
        upstream.pipe(client);
      });
      track(upstream);
      upstream.on("error", () => client.destroy());
    };
    client.on("data", onData);
  };
  const server = opts.tls
    ? tls.createServer({ key: opts.tls.key, cert: opts.tls.cert }, onClient)
    : net.createServer(onClient);
  const { url, close } = await listenLocal(server, opts.tls ? "https" : "http", sockets);
  return { url, seen, close };
}
