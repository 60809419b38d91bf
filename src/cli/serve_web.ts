/**
 * The web page's place in `clearml serve`: what the listener on `--web-port` serves (the bridge's
 * "http" mode: real methods, streamed bodies), the page of src/server/web (`createWebApp`) on the
 * server's store, with the serving machine's doctor report and the files server's URL.
 *
 * Artifact links point at the files port, which wants the API's token (Bearer header or the
 * `clearml_token_basic` cookie, which a browser also sends to the files port of the same host):
 * the page sets that cookie at login (and on `--open-web` pages), as the real web app does.
 */
import type { Store } from "../server/store.ts";
import { createWebApp } from "../server/web/app.ts";
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

export function webApp(deps: WebDeps): WebApp {
  return createWebApp(deps.store, {
    host: deps.host,
    open: deps.openWeb,
    doctor: deps.local.doctor,
    filesUrl: () => deps.urls().files,
    log: deps.log,
  });
}
