import type { CliContext } from "./context.ts";
import type { FastCommand } from "./fast_path.ts";
import { renderData } from "./output.ts";
import { versionInfo, versionLine } from "../version.ts";

/** Run a command line that `parseFast` accepted; same output and exit codes as `run`. */
export async function runFast(cmd: FastCommand, ctx: CliContext): Promise<number> {
  try {
    switch (cmd.kind) {
      case "version": {
        const info = versionInfo();
        ctx.out(
          cmd.json ? await renderData(info, "json") : versionLine(info),
        );
        break;
      }
      case "env":
        await (await import("./env_list.ts")).envList(ctx, cmd.g, cmd.opts);
        break;
      case "config-show":
        await (await import("./config_show.ts")).configShow(ctx, cmd.g, cmd.opts);
        break;
      case "config-get":
        await (await import("./config_show.ts")).configGet(ctx, cmd.g, cmd.key, cmd.opts);
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
