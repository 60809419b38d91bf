/** The parts of Python's urllib.parse.urlparse that host derivation depends on. */
export interface ParsedUrl {
  scheme: string;
  netloc: string;
  /** Everything after the netloc (path, params, query, fragment), verbatim. */
  rest: string;
  /** urlparse().port: the explicit port, or undefined. */
  port: number | undefined;
}

export function pyUrlparse(url: string): ParsedUrl {
  let scheme = "";
  let body = url;
  const m = /^([A-Za-z][A-Za-z0-9+.-]*):/.exec(url);
  if (m) {
    scheme = m[1]!.toLowerCase();
    body = url.slice(m[0].length);
  }
  let netloc = "";
  let rest = body;
  if (body.startsWith("//")) {
    const end = body.slice(2).search(/[/?#]/);
    netloc = end < 0 ? body.slice(2) : body.slice(2, 2 + end);
    rest = end < 0 ? "" : body.slice(2 + end);
  }
  const hostPort = netloc.slice(netloc.lastIndexOf("@") + 1);
  const pm = /\]?:(\d+)$/.exec(hostPort);
  const port = pm ? Number(pm[1]) : undefined;
  return { scheme, netloc, rest, port };
}
