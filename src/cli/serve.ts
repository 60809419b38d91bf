/**
 * `clearml serve`: the embedded ClearML API server (Hono app over SQLite, served through
 * `node:http`), and `clearml serve credentials` to print the stored key pair and URLs.
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

function dataDir(ctx: CliContext, given: string | undefined): string {
  const home = ctx.env.HOME || ctx.home || homedir();
  if (given === undefined) return join(home, ".clearml", "serve");
  if (given.startsWith("~/")) return join(home, given.slice(2));
  return isAbsolute(given) ? given : join(ctx.cwd, given);
}

function parsePort(text: string): number {
  const n = Number(text);
  if (!/^\d+$/.test(text) || n > 65535) {
    throw new UsageError(`--port ${text}: expected an integer from 0 to 65535`);
  }
  return n;
}

function positive(flag: string, text: string): number {
  const n = Number(text);
  if (!Number.isFinite(n) || n <= 0) {
    throw new UsageError(`${flag} ${text}: expected a positive number`);
  }
  return n;
}

function apiUrl(host: string, port: number): string {
  const h = host === "0.0.0.0" || host === "::" ? "127.0.0.1" : host;
  return `http://${h.includes(":") ? `[${h}]` : h}:${port}`;
}

export const registerServe: Register = (parent, ctx) => {
  const serve = addGlobalOptions(
    new Command("serve")
      .description("run a local ClearML API server (agents and the SDK can use it)")
      .enablePositionalOptions()
      .addOption(
        new Option("--host <host>", "address to bind (loopback unless given)").default("127.0.0.1"),
      )
      .addOption(
        new Option("--port <port>", "port (0: any free port)").default(String(DEFAULT_PORT)),
      )
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
    const maxBody = Math.round(positive("--max-body-mb", opts.maxBodyMb) * 1024 * 1024);
    const timeoutMs = Math.round(positive("--request-timeout", opts.requestTimeout) * 1000);
    const dir = dataDir(ctx, opts.data);
    const { runServe } = await import("./serve_run.ts");
    await runServe(ctx, g, {
      host: opts.host,
      port,
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
        .description("print the stored key pair and the server URL (as environment variables)")
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
        const api = store.meta("api_url") ?? apiUrl("127.0.0.1", DEFAULT_PORT);
        if (opts.json) {
          ctx.out(
            await renderData({
              schema: "clearml.serve-credentials/v1",
              data_dir: dir,
              api_host: api,
              access_key: pair.accessKey,
              secret_key: pair.secretKey,
            }, "json"),
          );
        } else {
          ctx.out(
            `CLEARML_API_HOST=${api}\nCLEARML_API_ACCESS_KEY=${pair.accessKey}\n` +
              `CLEARML_API_SECRET_KEY=${pair.secretKey}\n`,
          );
        }
      } finally {
        store.close();
      }
    }),
  );
  parent.addCommand(serve);
};

export { apiUrl };
