/**
 * `createFilesApp(opts)`: the files server on `--files-port` as a pure Hono app (the `node:http`
 * bridge serves it in "http" mode: methods kept, bodies streamed). It answers as the real
 * clearml-server fileserver does for the SDK's `_HttpDriver`:
 * - `GET /` → `OK` (a ping; a token, if sent, must be valid)
 * - `POST /` multipart → stores each file part under its field name → JSON list of the paths
 * - `GET|HEAD /<path>` → the file (`?download`: as an attachment), 404 when none
 * - `DELETE /<path>` → removes the file → JSON string of the path, 404 when none
 * Auth as the real one (enabled by default since server 1.16): `Authorization: Bearer <token>`
 * issued by the API (`auth.login`), or the `clearml_token_basic` cookie; anything else is 401.
 * Bad input is a 4xx with a sentence saying why; nothing half-stored is ever visible.
 */
import { Hono } from "hono";
import { lstat, unlink } from "node:fs/promises";
import { join } from "node:path";
import { cookieToken } from "../authenticate.ts";
import { RAW_PATH_HEADER } from "../bridge.ts";
import { FilesError } from "./files_error.ts";
import type { FilesPlaces } from "./places.ts";
import { receiveUpload } from "./receive_upload.ts";
import { fileResponse, openStoredFile } from "./stored_file.ts";
import { storedPath } from "./stored_path.ts";
import { withinRoot } from "./within_root.ts";

export interface FilesAppOptions {
  places: FilesPlaces;
  /** Largest request body in bytes; 0: no limit (the real server's default). */
  maxUploadBytes: number;
  /** Check a bearer token: undefined when valid, else why not (sent back with the 401). */
  validateToken: (token: string) => string | undefined;
  /** One line per stored or deleted file and per internal error, without secrets. */
  log?: (line: string) => void;
}

const SERVER = { server: "clearml" };

function text(status: number, body: string): Response {
  return new Response(body, {
    status,
    headers: { ...SERVER, "content-type": "text/plain; charset=utf-8" },
  });
}

function json(body: unknown): Response {
  return new Response(JSON.stringify(body), {
    status: 200,
    headers: { ...SERVER, "content-type": "application/json" },
  });
}

/** The caller's token: the Bearer header first, else the cookie; a non-Bearer header is 401. */
function tokenOf(h: Headers): string | undefined {
  const header = h.get("authorization");
  if (header) {
    if (!header.startsWith("Bearer ")) {
      throw new FilesError(401, "Only bearer token authorization is supported");
    }
    return header.slice("Bearer ".length).trim();
  }
  return cookieToken(h.get("cookie"));
}

export function createFilesApp(opts: FilesAppOptions): Hono {
  const log = opts.log ?? (() => {});
  const { places } = opts;

  const authorize = (h: Headers, required: boolean) => {
    const token = tokenOf(h);
    if (token === undefined || token === "") {
      if (required) throw new FilesError(401, "Unauthorized: no token (log in with auth.login)");
      return;
    }
    const why = opts.validateToken(token);
    if (why !== undefined) throw new FilesError(401, why);
  };

  async function handle(req: Request): Promise<Response> {
    const h = req.headers;
    const encoding = h.get("content-encoding");
    if (encoding) {
      throw new FilesError(415, `Content encoding is not supported (${encoding})`);
    }
    const url = req.url;
    const start = url.indexOf("/", url.indexOf("//") + 2);
    const q = url.indexOf("?", start);
    // the path as the client sent it (URL parsing would quietly resolve its `..`)
    const rawPath = h.get(RAW_PATH_HEADER) ??
      (start < 0 ? "/" : url.slice(start, q < 0 ? undefined : q));
    const query = new URLSearchParams(q < 0 ? "" : url.slice(q + 1));
    const method = req.method;

    if (rawPath === "/") {
      if (method === "GET" || method === "HEAD") {
        authorize(h, false);
        return text(200, "OK");
      }
      if (method !== "POST") throw new FilesError(405, `${method} / is not allowed (POST, GET)`);
      authorize(h, true);
      const length = h.get("content-length");
      const paths = await receiveUpload(
        {
          contentType: h.get("content-type"),
          length: length === null ? undefined : Number(length),
          body: req.body,
        },
        places,
        opts.maxUploadBytes,
      );
      log(`files: stored ${paths.length === 1 ? paths[0] : `${paths.length} files`}`);
      return json(paths);
    }

    if (method !== "GET" && method !== "HEAD" && method !== "DELETE") {
      throw new FilesError(405, `${method} is not allowed here (GET, HEAD, DELETE)`);
    }
    authorize(h, true);
    const path = storedPath(rawPath.slice(1), true);
    if (method === "DELETE") {
      const target = join(places.root, path);
      // only a file (unlink would take an empty folder on some runtimes)
      const st = await lstat(target).catch(() => undefined);
      if (!st?.isFile() || !await withinRoot(places.root, target)) {
        throw new FilesError(404, `File ${path} not found`);
      }
      await unlink(target);
      log(`files: deleted ${path}`);
      return json(path);
    }
    const file = await openStoredFile(places.root, path);
    if (!file) throw new FilesError(404, `File ${path} not found`);
    const r = await fileResponse(file, path, {
      download: query.has("download"),
      head: method === "HEAD",
    });
    r.headers.set("server", "clearml");
    return r;
  }

  const app = new Hono();
  app.all("*", (c) => handle(c.req.raw));
  app.onError((err) => {
    if (err instanceof FilesError) return text(err.status, err.message);
    log(`files: internal error: ${err.message}`);
    return text(500, "Internal server error");
  });
  return app;
}
