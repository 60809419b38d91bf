/**
 * The running `clearml serve`: open the store, settle the credentials (printed once when
 * generated), serve the app through the `node:http` bridge, and on SIGTERM/SIGINT finish the
 * in-flight requests before closing the database.
 */
import type { CliContext } from "./context.ts";
import type { GlobalOptions } from "./global_options.ts";
import { takeSnapshot } from "./snapshot.ts";
import { resolveFor } from "./resolve_for.ts";
import { apiUrl } from "./serve.ts";
import { callErrorResponse, createApp } from "../server/app.ts";
import { Store } from "../server/store.ts";
import {
  NON_RESPONSIVE_S,
  NON_RESPONSIVE_SWEEP_S,
  stopNonResponsiveTasks,
} from "../server/tasks_store.ts";
import { ensureCredentials, type FixedKeys } from "../server/credentials.ts";
import { errors } from "../server/call_error.ts";
import { serve } from "../runtime/serve.ts";
import { lastFour, maskTree } from "../settings/mask.ts";
import { toPlain } from "../settings/tree.ts";
import { ConfigError } from "../errors.ts";

export interface ServeRun {
  host: string;
  port: number;
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

export async function runServe(ctx: CliContext, g: GlobalOptions, o: ServeRun): Promise<void> {
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
  const app = createApp(store, {
    maxBodyBytes: o.maxBody,
    log,
    local: {
      settings: () => {
        const snap = takeSnapshot(ctx, g);
        return {
          sdk: toPlain(maskTree(resolveFor(snap, "sdk").tree)),
          agent: toPlain(maskTree(resolveFor(snap, "agent").tree)),
        };
      },
      doctor: () => doctorReport(ctx, g),
    },
  });
  const server = await serve({
    fetch: app.fetch,
    host: o.host,
    port: o.port,
    maxBodyBytes: o.maxBody,
    timeoutMs: o.timeoutMs,
    tooLarge: (path) => callErrorResponse(path, errors.tooLarge(o.maxBody)),
    timedOut: (path) => callErrorResponse(path, errors.timedOut(o.timeoutMs)),
    log,
  }).catch((e) => {
    store.close();
    throw new ConfigError(
      `--host ${o.host} --port ${o.port}: cannot listen (${e instanceof Error ? e.message : e})`,
    );
  });
  const url = apiUrl(o.host, server.port);
  store.setMeta("api_url", url);
  if (generated) {
    ctx.out(
      `Generated credentials (shown once; later: clearml serve credentials --data ${o.dir}):\n` +
        `CLEARML_API_HOST=${url}\nCLEARML_API_ACCESS_KEY=${pair.accessKey}\n` +
        `CLEARML_API_SECRET_KEY=${pair.secretKey}\n`,
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
  log(`listening on ${url} (data ${o.dir}, access key ${lastFour(pair.accessKey)})`);
  await new Promise<void>((resolve) => {
    let stopping = false;
    const stop = async (sig: string) => {
      if (stopping) return;
      stopping = true;
      log(`${sig}: finishing in-flight requests`);
      clearInterval(sweep);
      await server.close();
      store.close();
      log("stopped");
      resolve();
    };
    process.once("SIGTERM", () => void stop("SIGTERM"));
    process.once("SIGINT", () => void stop("SIGINT"));
  });
}
