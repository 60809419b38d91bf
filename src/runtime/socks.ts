/**
 * A SOCKS handshake on an open socket to the proxy, as PySocks does it for `requests` (ClearML's
 * clients reach SOCKS proxies through `requests[socks]`): SOCKS5 (RFC 1928) with no
 * authentication or user/password (RFC 1929), SOCKS4 and its 4a form. The `h`/`a` forms let the
 * proxy resolve the host name; the others resolve it here first, as PySocks does.
 */
import type * as net from "node:net";

export type SocksKind = "socks4" | "socks4a" | "socks5" | "socks5h";

export interface SocksProxy {
  kind: SocksKind;
  username?: string;
  password?: string;
}

export class SocksRefused extends Error {
  override name = "SocksRefused";
  constructor(detail: string) {
    super(`the SOCKS proxy refused: ${detail}`);
  }
}

const SOCKS5_REPLIES: Record<number, string> = {
  1: "general SOCKS server failure",
  2: "connection not allowed by ruleset",
  3: "network unreachable",
  4: "host unreachable",
  5: "connection refused",
  6: "TTL expired",
  7: "command not supported",
  8: "address type not supported",
};

/** Reads exact byte counts off a socket; what comes after the handshake is put back. */
class Reader {
  #buf = Buffer.alloc(0);
  #want = 0;
  #wake?: () => void;
  #fail?: (e: Error) => void;
  readonly #onData = (c: Buffer) => {
    this.#buf = Buffer.concat([this.#buf, c]);
    if (this.#buf.length >= this.#want) this.#wake?.();
  };
  readonly #onEnd = () => this.#fail?.(new SocksRefused("it closed the connection"));
  readonly #onError = (e: Error) => this.#fail?.(e);

  constructor(readonly socket: net.Socket, readonly signal: AbortSignal) {
    socket.on("data", this.#onData);
    socket.on("end", this.#onEnd);
    socket.on("error", this.#onError);
  }

  read(n: number): Promise<Buffer> {
    return new Promise((resolve, reject) => {
      const take = () => {
        const out = this.#buf.subarray(0, n);
        this.#buf = this.#buf.subarray(n);
        this.#wake = this.#fail = undefined;
        this.signal.removeEventListener("abort", onAbort);
        resolve(out);
      };
      const onAbort = () => {
        this.socket.destroy();
        reject(this.signal.reason instanceof Error ? this.signal.reason : new Error("aborted"));
      };
      if (this.signal.aborted) return onAbort();
      if (this.#buf.length >= n) return take();
      this.#want = n;
      this.#wake = take;
      this.#fail = (e) => {
        this.signal.removeEventListener("abort", onAbort);
        reject(e);
      };
      this.signal.addEventListener("abort", onAbort, { once: true });
    });
  }

  done(): void {
    this.socket.off("data", this.#onData);
    this.socket.off("end", this.#onEnd);
    this.socket.off("error", this.#onError);
    if (this.#buf.length) this.socket.unshift(this.#buf);
  }
}

function port16(port: number): Buffer {
  const b = Buffer.alloc(2);
  b.writeUInt16BE(port);
  return b;
}

async function resolve4(host: string): Promise<Buffer> {
  const { isIPv4 } = await import("node:net");
  if (isIPv4(host)) return Buffer.from(host.split(".").map(Number));
  const { lookup } = await import("node:dns/promises");
  const a = await lookup(host, { family: 4 });
  return Buffer.from(a.address.split(".").map(Number));
}

/** The SOCKS5 address of the target: an IP as resolved here, or the name (socks5h). */
async function address5(host: string, remote: boolean): Promise<Buffer> {
  const net = await import("node:net");
  let ip = net.isIP(host) ? host : "";
  if (!ip && remote) {
    const name = Buffer.from(host);
    return Buffer.concat([Buffer.from([3, name.length]), name]);
  }
  if (!ip) ip = (await (await import("node:dns/promises")).lookup(host)).address;
  if (net.isIPv4(ip)) return Buffer.from([1, ...ip.split(".").map(Number)]);
  const groups = expand6(ip);
  const b = Buffer.alloc(17);
  b[0] = 4;
  groups.forEach((g, i) => b.writeUInt16BE(g, 1 + 2 * i));
  return b;
}

/** The eight 16-bit groups of an IPv6 address. */
function expand6(ip: string): number[] {
  const [head = "", tail = ""] = ip.split("::");
  const h = head ? head.split(":") : [];
  const t = tail ? tail.split(":") : [];
  const fill = ip.includes("::") ? Array(8 - h.length - t.length).fill("0") : [];
  return [...h, ...fill, ...t].map((g) => parseInt(g, 16));
}

async function socks5(r: Reader, host: string, port: number, p: SocksProxy): Promise<void> {
  const withAuth = p.username !== undefined || p.password !== undefined;
  r.socket.write(Buffer.from(withAuth ? [5, 2, 0, 2] : [5, 1, 0]));
  const [ver, method] = await r.read(2);
  if (ver !== 5) throw new SocksRefused("it does not speak SOCKS5");
  if (method === 0xff) throw new SocksRefused("no acceptable authentication method");
  if (method === 2) {
    const u = Buffer.from(p.username ?? "");
    const w = Buffer.from(p.password ?? "");
    r.socket.write(Buffer.concat([Buffer.from([1, u.length]), u, Buffer.from([w.length]), w]));
    const [, status] = await r.read(2);
    if (status !== 0) throw new SocksRefused("wrong user name or password");
  } else if (method !== 0) throw new SocksRefused(`unknown authentication method ${method}`);
  const addr = await address5(host, p.kind === "socks5h");
  r.socket.write(Buffer.concat([Buffer.from([5, 1, 0]), addr, port16(port)]));
  const [, rep = 1, , atyp] = await r.read(4);
  if (rep !== 0) throw new SocksRefused(SOCKS5_REPLIES[rep] ?? `reply ${rep}`);
  const rest = atyp === 1 ? 4 : atyp === 4 ? 16 : (await r.read(1))[0]!;
  await r.read(rest + 2);
}

async function socks4(r: Reader, host: string, port: number, p: SocksProxy): Promise<void> {
  const user = Buffer.from(p.username ?? "");
  const { isIPv4 } = await import("node:net");
  const remote = p.kind === "socks4a" && !isIPv4(host);
  const ip = remote ? Buffer.from([0, 0, 0, 1]) : await resolve4(host);
  const parts = [Buffer.from([4, 1]), port16(port), ip, user, Buffer.from([0])];
  if (remote) parts.push(Buffer.from(host), Buffer.from([0]));
  r.socket.write(Buffer.concat(parts));
  const [, status] = await r.read(8);
  if (status !== 0x5a) {
    throw new SocksRefused(
      status === 0x5c || status === 0x5d ? "identd check failed" : "request rejected or failed",
    );
  }
}

/** Ask the proxy on `socket` for a connection to host:port; resolves once it is open. */
export async function socksConnect(
  socket: net.Socket,
  host: string,
  port: number,
  proxy: SocksProxy,
  signal: AbortSignal,
): Promise<void> {
  const r = new Reader(socket, signal);
  try {
    if (proxy.kind === "socks5" || proxy.kind === "socks5h") await socks5(r, host, port, proxy);
    else await socks4(r, host, port, proxy);
  } finally {
    r.done();
  }
}
