/**
 * The web page's place in `clearml serve`: what the listener on `--web-port` serves. This is the
 * one hook the page (src/server/web, `createWebApp`) plugs into: replace the body of `webApp`.
 * Until then the port answers every request with a plain 404 that says the page is not built.
 * The listener runs the bridge's "http" mode: real methods, streamed bodies.
 *
 * Artifact links: the files server wants the API's token (Bearer header or the
 * `clearml_token_basic` cookie, which a browser also sends to the files port of the same host,
 * as the real web app sets it). Without that cookie (or with `--open-web`) serve downloads from
 * this port with `openStoredFile`/`fileResponse` (src/server/files/stored_file.ts) and `files`.
 */
import type { Store } from "../server/store.ts";
import type { LocalSources } from "../server/local.ts";
import type { FilesPlaces } from "../server/files/places.ts";

export interface ServeUrls {
  api: string;
  web: string;
  files: string;
}

export interface WebDeps {
  store: Store;
  /** The settings and doctor report of the serving machine (as the API's `/v1/` has them). */
  local: LocalSources;
  /** The files server's folders (artifact downloads can be served from here). */
  files: FilesPlaces;
  /** The three listeners' URLs, as clients should use them. */
  urls: () => ServeUrls;
  /** `--open-web`: no login (only allowed on a loopback `--host`, checked by the CLI). */
  openWeb: boolean;
  /** The `--host` every listener binds. */
  host: string;
  log: (line: string) => void;
}

export interface WebApp {
  fetch: (req: Request) => Response | Promise<Response>;
}

export function webApp(_deps: WebDeps): WebApp {
  return {
    fetch: () =>
      new Response("The web page is not built into this clearml yet.\n", {
        status: 404,
        headers: { "content-type": "text/plain; charset=utf-8", server: "clearml" },
      }),
  };
}
