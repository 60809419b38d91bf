/**
 * A server for the serve benchmarks (`clearml serve`, or a floor script) run as a child of the
 * chosen runtime: started, found by the `listening on http://…` line of its stderr, stopped.
 */
import { type ChildProcess, spawn } from "node:child_process";
import { join } from "node:path";
import { ROOT } from "./_binaries.ts";

export function runtimeArgv(runtime: string, script: string, args: string[]): [string, string[]] {
  const bin = join(ROOT, "node_modules", ".bin", runtime);
  return runtime === "deno"
    ? [bin, ["run", "-A", "--quiet", script, ...args]]
    : [bin, ["--no-env-file", script, ...args]];
}

export interface ServerProcess {
  child: ChildProcess;
  /** The URL of its `listening on` line. */
  url: string;
  /** Its stderr so far (other listeners' lines: `files server on …`). */
  err: () => string;
}

export function startServer(
  runtime: string,
  script: string,
  args: string[],
): Promise<ServerProcess> {
  const [cmd, a] = runtimeArgv(runtime, script, args);
  const child = spawn(cmd, a, {
    stdio: ["ignore", "ignore", "pipe"],
    env: { ...process.env, NO_COLOR: "1" },
  });
  let err = "";
  return new Promise((resolve, reject) => {
    child.stderr!.setEncoding("utf8").on("data", (s: string) => {
      err += s;
      const m = /listening on (http:\/\/\S+)/.exec(err);
      if (m) resolve({ child, url: m[1]!, err: () => err });
    });
    child.on("close", (code) => reject(new Error(`${runtime} ${script} exited ${code}: ${err}`)));
  });
}

export async function stopServer(child: ChildProcess): Promise<void> {
  const done = new Promise((r) => child.on("close", r));
  child.kill("SIGTERM");
  await Promise.race([done, new Promise((r) => setTimeout(r, 10_000))]);
}
