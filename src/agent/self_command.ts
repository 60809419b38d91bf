/**
 * The argv that starts this program again (the daemon's `agent execute` children, `--detached`):
 * the compiled binary alone, else the runtime with our entry script, as `scripts/run` starts it.
 */
import { isCompiled, runtimeName } from "../runtime/info.ts";

export function selfCommand(): string[] {
  const script = process.argv[1] ?? "";
  switch (runtimeName()) {
    case "bun":
      return isCompiled() ? [process.execPath] : [process.execPath, "--no-env-file", script];
    case "deno":
      return [process.execPath, "run", "-A", "--quiet", script];
    default:
      return [process.execPath, script];
  }
}
