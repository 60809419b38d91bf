/**
 * The running `clearml serve`: open the store, settle the credentials (printed once when
 * generated), serve the listeners (API, web page, files server: a list of port and app) through
 * the `node:http` bridge, and on SIGTERM/SIGINT finish the in-flight requests before closing the
 * database.
 */
import type { CliContext } from "./context.ts";
import type { GlobalOptions } from "./global_options.ts";
import { takeSnapshot } from "./snapshot.ts";
import { resolveFor } from "./resolve_for.ts";
import { clientEnv, listenUrl } from "./serve.ts";
import { type ServeUrls, webApp } from "./serve_web.ts";
import { callErrorResponse, createApp } from "../server/app.ts";
import { Authenticator } from "../server/authenticate.ts";
import { createFilesApp } from "../server/files/app.ts";
import { filesPlaces, prepareFilesPlaces } from "../server/files/places.ts";
import { Store } from "../server/store.ts";
import {
  NON_RESPONSIVE_S,
  NON_RESPONSIVE_SWEEP_S,
  stopNonResponsiveTasks,
} from "../server/tasks_store.ts";
import { ensureCredentials, type FixedKeys } from "../server/credentials.ts";
import { errors } from "../server/call_error.ts";
import { type RunningServer, serve, type ServeOptions } from "../runtime/serve.ts";
import { lastFour, maskTree } from "../settings/mask.ts";
import { toPlain } from "../settings/tree.ts";
import { ConfigError } from "../errors.ts";
import { useNormalJit } from "../runtime/jit_policy.ts";

export interface ServeRun {
  host: string;
  port: number;
  webPort: number;
  filesPort: number;
  /** Files server upload limit in bytes (0: none). */
  maxUpload: number;
  openWeb: boolean;
  dir: string;
  maxBody: number;
  timeoutMs: number;
  fixed: FixedKeys;
}

async function doctorReport(ctx: CliContext, g: GlobalOptions): Promise<unknown> {
  const { runDoctor } = await import("../doctor/run.ts");
  const { CATEGORIES } = await import("../doctor/categories.ts");
  const { summarize } = await import("../doctor/report.ts");
  const snap = takeSnapshot(ctx, g);
  const checks = await runDoctor(
    {
      env: snap.env,
      envFromFile: snap.envFromFile,
      home: snap.home,
      cwd: snap.cwd,
      sdk: resolveFor(snap, "sdk"),
      agent: resolveFor(snap, "agent"),
      options: { offline: true, timeoutMs: 10_000, probeGit: false, queues: [], verbose: false },
    },
    CATEGORIES,
    {},
  );
  return { schema: "clearml.doctor/v1", mode: "offline", summary: summarize(checks), checks };
}

/** A files connection that sends nothing for this long is dropped (a stalled upload). */
const FILES_IDLE_MS = 120_000;

export async function runServe(ctx: CliContext, g: GlobalOptions, o: ServeRun): Promise<void> {
  useNormalJit(); // a server keeps running: the normal JIT pays back
  let store: Store;
  try {
    store = Store.open(o.dir);
  } catch (e) {
    throw new ConfigError(
      `--data ${o.dir}: cannot open the database (${e instanceof Error ? e.message : e})`,
    );
  }
  const { pair, generated } = ensureCredentials(store, o.fixed);
  const log = (line: string) => ctx.err(`clearml serve: ${line}\n`);
  const local = {
    settings: () => {
      const snap = takeSnapshot(ctx, g);
      return {
        sdk: toPlain(maskTree(resolveFor(snap, "sdk").tree)),
        agent: toPlain(maskTree(resolveFor(snap, "agent").tree)),
      };
    },
    doctor: () => doctorReport(ctx, g),
  };
  const app = createApp(store, { maxBodyBytes: o.maxBody, log, local });
  const places = filesPlaces(o.dir);
  const dropped = prepareFilesPlaces(places);
  if (dropped) log(`files: dropped ${dropped} upload(s) left half-written by a killed server`);
  const authenticator = new Authenticator(store);
  const files = createFilesApp({
    places,
    maxUploadBytes: o.maxUpload,
    validateToken: (token) => {
      try {
        authenticator.authenticate(`Bearer ${token}`, null, Date.now());
        return undefined;
      } catch (e) {
        return e instanceof Error ? e.message : String(e);
      }
    },
    log,
  });
  // known once every listener has its port (0 picks one)
  const urls: ServeUrls = { api: "", web: "", files: "" };
  const web = webApp({
    store,
    local,
    files: places,
    urls: () => urls,
    openWeb: o.openWeb,
    host: o.host,
    log,
  });

  // the listeners: one (flag, port, app) each; the web page and the files server are plain HTTP
  const listeners: { flag: string; options: ServeOptions }[] = [
    {
      flag: "--port",
      options: {
        fetch: app.fetch,
        direct: app.direct,
        host: o.host,
        port: o.port,
        maxBodyBytes: o.maxBody,
        timeoutMs: o.timeoutMs,
        tooLarge: (path) => callErrorResponse(path, errors.tooLarge(o.maxBody)),
        timedOut: (path) => callErrorResponse(path, errors.timedOut(o.timeoutMs)),
        log,
      },
    },
    {
      flag: "--web-port",
      options: {
        fetch: web.fetch,
        host: o.host,
        port: o.webPort,
        mode: "http",
        maxBodyBytes: o.maxBody,
        timeoutMs: o.timeoutMs,
        log,
      },
    },
    {
      flag: "--files-port",
      options: {
        fetch: files.fetch,
        host: o.host,
        port: o.filesPort,
        mode: "http",
        maxBodyBytes: o.maxUpload,
        // an upload takes as long as it takes; a stalled one is dropped
        timeoutMs: 0,
        idleTimeoutMs: FILES_IDLE_MS,
        log,
      },
    },
  ];
  const servers: RunningServer[] = [];
  for (const l of listeners) {
    try {
      servers.push(await serve(l.options));
    } catch (e) {
      await Promise.all(servers.map((s) => s.close(0)));
      store.close();
      throw new ConfigError(
        `--host ${o.host} ${l.flag} ${l.options.port}: cannot listen (${
          e instanceof Error ? e.message : e
        })`,
      );
    }
  }
  const [apiServer, webServer, filesServer] = servers as [
    RunningServer,
    RunningServer,
    RunningServer,
  ];
  urls.api = listenUrl(o.host, apiServer.port);
  urls.web = listenUrl(o.host, webServer.port);
  urls.files = listenUrl(o.host, filesServer.port);
  const url = urls.api;
  store.setMeta("api_url", urls.api);
  store.setMeta("web_url", urls.web);
  store.setMeta("files_url", urls.files);
  if (generated) {
    ctx.out(
      `Generated credentials (shown once; later: clearml serve credentials --data ${o.dir}):\n` +
        clientEnv(urls, pair),
    );
  }
  // the real server's watchdog: tasks of killed agents do not stay in_progress forever
  const watchdog = () => {
    for (const id of stopNonResponsiveTasks(store)) {
      log(`task ${id}: no news for ${NON_RESPONSIVE_S} s, stopped (non-responsive)`);
    }
  };
  watchdog();
  const sweep = setInterval(watchdog, NON_RESPONSIVE_SWEEP_S * 1000);
  log(`web page on ${urls.web}`);
  log(`files server on ${urls.files} (files under ${places.root})`);
  log(`listening on ${url} (data ${o.dir}, access key ${lastFour(pair.accessKey)})`);
  await new Promise<void>((resolve) => {
    let stopping = false;
    const stop = async (sig: string) => {
      if (stopping) return;
      stopping = true;
      log(`${sig}: finishing in-flight requests`);
      clearInterval(sweep);
      await Promise.all(servers.map((s) => s.close()));
      store.close();
      log("stopped");
      resolve();
    };
    process.once("SIGTERM", () => void stop("SIGTERM"));
    process.once("SIGINT", () => void stop("SIGINT"));
  });
}
