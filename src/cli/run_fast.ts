import type { CliContext } from "./context.ts";
import type { FastCommand } from "./fast_path.ts";
import { configGet, configShow } from "./config_show.ts";
import { envList } from "./env_list.ts";

/*
 * `env` and `config show` are static imports: main.ts's one dynamic import (this module) loads
 * them with everything they use. A further dynamic import on their way splits the modules they
 * share with other commands into more chunks, and every chunk loaded costs its own module record,
 * source, program and environment cells, each kind in 16 KB heap blocks of its own: a start that
 * allocates 64 blocks starts JavaScriptCore's block warm-up thread, which costs a start more than
 * the work it spares (see the README's start-up section). `config show` with the commands
 * imported from here on use: 11 chunks and 73 blocks; as now: 5 chunks, 65 blocks.
 */

/** Run a command line that `parseFast` accepted; same output and exit codes as `run`. */
export async function runFast(cmd: FastCommand, ctx: CliContext): Promise<number> {
  try {
    switch (cmd.kind) {
      case "version":
        return await (await import("./run_version.ts")).runVersion(cmd.json, ctx);
      case "env":
        await envList(ctx, cmd.g, cmd.opts);
        break;
      case "config-show":
        await configShow(ctx, cmd.g, cmd.opts);
        break;
      case "config-get":
        await configGet(ctx, cmd.g, cmd.key, cmd.opts);
        break;
      case "config-parse":
        await (await import("./config_parse.ts")).configParse(ctx, cmd.g, cmd.file, cmd.opts);
        break;
      case "agent-execute":
        await (await import("./agent_task_run.ts")).agentExecute(ctx, cmd.g, cmd.opts);
        break;
    }
    return 0;
  } catch (e: unknown) {
    const json = cmd.kind === "version" ? cmd.json : Boolean("json" in cmd.opts && cmd.opts.json);
    // loaded on failure only: it brings the masking rules and the HOCON reader with it
    const { exitCodeFor } = await import("./exit_code.ts");
    return exitCodeFor(e, ctx, Boolean("g" in cmd && cmd.g.verbose), json);
  }
}
