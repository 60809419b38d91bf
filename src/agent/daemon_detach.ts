/**
 * `agent daemon --detached`: start the same command again in its own session, in the foreground
 * mode, with its output in a log file, and return its pid (clearml-agent forks; agent-exec §5.3).
 */
import { closeSync, openSync } from "node:fs";
import { spawn } from "node:child_process";
import { selfCommand } from "./self_command.ts";

export function detach(logFile: string): number {
  const args = process.argv.slice(2).filter((a) => a !== "--detached" && a !== "-d");
  if (!args.includes("--foreground")) args.push("--foreground");
  const [cmd, ...pre] = selfCommand();
  const fd = openSync(logFile, "a", 0o600);
  try {
    const child = spawn(cmd!, [...pre, ...args], {
      detached: true,
      stdio: ["ignore", fd, fd],
      env: process.env,
    });
    child.unref();
    return child.pid ?? 0;
  } finally {
    closeSync(fd);
  }
}
