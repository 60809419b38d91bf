/**
 * `clearml serve`: the embedded ClearML server (Hono apps over SQLite, served through
 * `node:http`): the API on `--port` (8008), the web page on `--web-port` (8080) and the files
 * server on `--files-port` (8081), the ports from which the SDK derives the web and files hosts
 * of an API host on 8008. `clearml serve credentials` prints the stored key pair and the URLs.
 */
import { Command, Option } from "@commander-js/extra-typings";
import { homedir } from "node:os";
import { isAbsolute, join } from "node:path";
import { existsSync } from "node:fs";
import type { Register } from "./program.ts";
import type { CliContext } from "./context.ts";
import { addGlobalOptions, globalsOf } from "./global_options.ts";
import { renderData } from "./output.ts";
import { UsageError } from "../errors.ts";

const DEFAULT_PORT = 8008;
const DEFAULT_WEB_PORT = 8080;
const DEFAULT_FILES_PORT = 8081;

function dataDir(ctx: CliContext, given: string | undefined): string {
  const home = ctx.env.HOME || ctx.home || homedir();
  if (given === undefined) return join(home, ".clearml", "serve");
  if (given.startsWith("~/")) return join(home, given.slice(2));
  return isAbsolute(given) ? given : join(ctx.cwd, given);
}

function parsePort(text: string, flag = "--port"): number {
  const n = Number(text);
  if (!/^\d+$/.test(text) || n > 65535) {
    throw new UsageError(`${flag} ${text}: expected an integer from 0 to 65535`);
  }
  return n;
}

/** `--max-upload`: MiB as the real server's `max_upload_size_mb`, or with a K/M/G suffix; 0: none. */
function parseSize(text: string): number {
  const m = /^(\d+(?:\.\d+)?)\s*([KMG]?)(?:i?B)?$/i.exec(text.trim());
  if (!m) {
    throw new UsageError(
      `--max-upload ${text}: expected a size in MiB (e.g. 512) or with a unit (e.g. 2G); 0: no limit`,
    );
  }
  const unit = { "": 2 ** 20, K: 2 ** 10, M: 2 ** 20, G: 2 ** 30 }[m[2]!.toUpperCase()]!;
  return Math.round(Number(m[1]) * unit);
}

function isLoopback(host: string): boolean {
  return host === "localhost" || host === "::1" || /^127\.\d+\.\d+\.\d+$/.test(host);
}

function positive(flag: string, text: string): number {
  const n = Number(text);
  if (!Number.isFinite(n) || n <= 0) {
    throw new UsageError(`${flag} ${text}: expected a positive number`);
  }
  return n;
}

/** The URL clients use for a listener on `host:port` (a wildcard bind is reached on loopback). */
function listenUrl(host: string, port: number): string {
  const h = host === "0.0.0.0" || host === "::" ? "127.0.0.1" : host;
  return `http://${h.includes(":") ? `[${h}]` : h}:${port}`;
}

export const registerServe: Register = (parent, ctx) => {
  const serve = addGlobalOptions(
    new Command("serve")
      .description(
        "run a local ClearML server: API, web page and files (agents and the SDK use it)",
      )
      .enablePositionalOptions()
      .addOption(
        new Option("--host <host>", "address to bind (loopback unless given)").default("127.0.0.1"),
      )
      .addOption(
        new Option("--port <port>", "API port (0: any free port)").default(String(DEFAULT_PORT)),
      )
      .addOption(
        new Option(
          "--web-port <port>",
          `web page port (default ${DEFAULT_WEB_PORT}; any free one with --port 0)`,
        ),
      )
      .addOption(
        new Option(
          "--files-port <port>",
          `files server port (default ${DEFAULT_FILES_PORT}; any free one with --port 0)`,
        ),
      )
      .addOption(
        new Option("--max-upload <size>", "files server upload limit in MiB, or 2G, 512K (0: none)")
          .default("0"),
      )
      .addOption(new Option("--open-web", "web page without login (loopback --host only)"))
      .addOption(new Option("--data <dir>", "data directory (default ~/.clearml/serve)"))
      .addOption(
        new Option("--access-key <key>", "fix the access key (also CLEARML_API_ACCESS_KEY)"),
      )
      .addOption(
        new Option("--secret-key <secret>", "fix the secret key (also CLEARML_API_SECRET_KEY)"),
      )
      .addOption(new Option("--max-body-mb <n>", "request body limit in MiB").default("32"))
      .addOption(new Option("--request-timeout <seconds>", "per-request time limit").default("30")),
  );
  serve.action(async (opts, c) => {
    const g = globalsOf(c);
    const port = parsePort(opts.port);
    // with --port 0 (tests, several servers at once) the other two take free ports as well
    const webPort = opts.webPort !== undefined
      ? parsePort(opts.webPort, "--web-port")
      : port === 0
      ? 0
      : DEFAULT_WEB_PORT;
    const filesPort = opts.filesPort !== undefined
      ? parsePort(opts.filesPort, "--files-port")
      : port === 0
      ? 0
      : DEFAULT_FILES_PORT;
    const taken = new Map<number, string>();
    for (
      const [flag, p] of [["--port", port], ["--web-port", webPort], [
        "--files-port",
        filesPort,
      ]] as const
    ) {
      if (p !== 0 && taken.has(p)) {
        throw new UsageError(`${flag} ${p}: the same port as ${taken.get(p)} (give each its own)`);
      }
      taken.set(p, flag);
    }
    if (opts.openWeb && !isLoopback(opts.host)) {
      throw new UsageError(
        `--open-web with --host ${opts.host}: the page runs without login only on a loopback host`,
      );
    }
    const maxUpload = parseSize(opts.maxUpload);
    const maxBody = Math.round(positive("--max-body-mb", opts.maxBodyMb) * 1024 * 1024);
    const timeoutMs = Math.round(positive("--request-timeout", opts.requestTimeout) * 1000);
    const dir = dataDir(ctx, opts.data);
    const { runServe } = await import("./serve_run.ts");
    await runServe(ctx, g, {
      host: opts.host,
      port,
      webPort,
      filesPort,
      maxUpload,
      openWeb: opts.openWeb === true,
      dir,
      maxBody,
      timeoutMs,
      fixed: {
        accessKey: opts.accessKey ?? (ctx.env.CLEARML_API_ACCESS_KEY || undefined),
        secretKey: opts.secretKey ?? (ctx.env.CLEARML_API_SECRET_KEY || undefined),
        accessFrom: opts.accessKey !== undefined ? "--access-key" : "CLEARML_API_ACCESS_KEY",
        secretFrom: opts.secretKey !== undefined ? "--secret-key" : "CLEARML_API_SECRET_KEY",
      },
    });
  });
  serve.addCommand(
    addGlobalOptions(
      new Command("credentials")
        .description("print the stored key pair and the three URLs (as environment variables)")
        .addOption(new Option("--data <dir>", "data directory (default ~/.clearml/serve)"))
        .addOption(new Option("--json", "JSON (schema clearml.serve-credentials/v1)")),
    ).action(async (opts) => {
      const dir = dataDir(ctx, opts.data);
      const { Store, databasePath } = await import("../server/store.ts");
      if (!existsSync(databasePath(dir))) {
        throw new UsageError(
          `--data ${dir}: no clearml serve data there (start clearml serve first)`,
        );
      }
      const store = Store.open(dir);
      try {
        const pair = store.credentials()[0];
        if (!pair) {
          throw new UsageError(
            `--data ${dir}: no credentials stored yet (start clearml serve first)`,
          );
        }
        const api = store.meta("api_url") ?? listenUrl("127.0.0.1", DEFAULT_PORT);
        const web = store.meta("web_url") ?? listenUrl("127.0.0.1", DEFAULT_WEB_PORT);
        const files = store.meta("files_url") ?? listenUrl("127.0.0.1", DEFAULT_FILES_PORT);
        if (opts.json) {
          ctx.out(
            await renderData({
              schema: "clearml.serve-credentials/v1",
              data_dir: dir,
              api_host: api,
              web_host: web,
              files_host: files,
              access_key: pair.accessKey,
              secret_key: pair.secretKey,
            }, "json"),
          );
        } else {
          ctx.out(clientEnv({ api, web, files }, pair));
        }
      } finally {
        store.close();
      }
    }),
  );
  parent.addCommand(serve);
};

/** The client's whole configuration as environment variables (what `serve credentials` prints). */
function clientEnv(
  urls: { api: string; web: string; files: string },
  pair: { accessKey: string; secretKey: string },
): string {
  return `CLEARML_API_HOST=${urls.api}\nCLEARML_WEB_HOST=${urls.web}\n` +
    `CLEARML_FILES_HOST=${urls.files}\nCLEARML_API_ACCESS_KEY=${pair.accessKey}\n` +
    `CLEARML_API_SECRET_KEY=${pair.secretKey}\n`;
}

export { clientEnv, listenUrl };
