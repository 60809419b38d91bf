/**
 * Whether the docker daemon answers, and if not, which of the distinct failures it is: no CLI,
 * the socket absent (not running), refusing (stale socket), permission denied, a TCP endpoint
 * unreachable, a hung daemon (timeout), or another error. Pure over the gathered docker facts;
 * doctor's docker checks and the agent's docker mode read the same verdict.
 */
import type { DockerFacts } from "./docker_facts.ts";
import { dockerVersionJson } from "./parse/docker_version_json.ts";
import { seconds } from "./seconds.ts";

/** The line of a docker CLI error that explains (a Go template error can come last). */
export function lastLine(text: string): string {
  const lines = text.split("\n").map((l) => l.trim()).filter(Boolean);
  return lines.find((l) => /cannot connect|permission denied|error|refused/i.test(l)) ??
    lines[lines.length - 1] ?? "";
}

export type DaemonState =
  | { ok: true; serverVersion: string; apiVersion?: string }
  | {
    ok: false;
    reason: "no-cli" | "absent" | "refused" | "permission" | "timeout" | "error";
    message: string;
    line?: string;
  };

export function endpointName(s: DockerFacts): string {
  return s.socket?.path ?? (s.tcp ? `tcp ${s.tcp.host}:${s.tcp.port}` : s.endpoint.url);
}

/** Whether the daemon answered, and if not, which of the distinct failures it is. */
export function dockerDaemonState(s: DockerFacts): DaemonState {
  if (!s.cliPath || !s.version || s.version.notFound) {
    return { ok: false, reason: "no-cli", message: "no docker CLI to reach the daemon with" };
  }
  const parsed = dockerVersionJson(s.version.stdout);
  if (parsed?.server) {
    return {
      ok: true,
      serverVersion: parsed.server.version,
      ...(parsed.server.apiVersion ? { apiVersion: parsed.server.apiVersion } : {}),
    };
  }
  const where = endpointName(s);
  const line = lastLine(s.version.stderr);
  const withLine = line ? { line } : {};
  if (s.version.timedOut) {
    return {
      ok: false,
      reason: "timeout",
      message: `the docker daemon at ${where} did not answer within ${
        seconds(s.version.durationMs)
      } (hung or overloaded)`,
      ...withLine,
    };
  }
  const sock = s.socket;
  if (sock && !sock.stat.exists && sock.stat.error === "ENOENT") {
    return {
      ok: false,
      reason: "absent",
      message: `the docker daemon is not running: ${sock.path} does not exist`,
      ...withLine,
    };
  }
  if (sock?.connect.outcome === "permission" || /permission denied/i.test(s.version.stderr)) {
    return {
      ok: false,
      reason: "permission",
      message: `permission denied on ${where}`,
      ...withLine,
    };
  }
  if (sock?.connect.outcome === "refused") {
    return {
      ok: false,
      reason: "refused",
      message:
        `the docker daemon is not running: ${sock.path} exists but refuses connections (stale socket)`,
      ...withLine,
    };
  }
  if (s.tcp && s.tcp.connect.outcome !== "ok") {
    return {
      ok: false,
      reason: s.tcp.connect.outcome === "timeout" ? "timeout" : "refused",
      message: `the docker daemon is not reachable at ${where}: ${
        s.tcp.connect.error ?? s.tcp.connect.outcome
      }`,
      ...withLine,
    };
  }
  if (/Cannot connect to the Docker daemon|Is the docker daemon running/i.test(s.version.stderr)) {
    return {
      ok: false,
      reason: "refused",
      message: `the docker daemon is not running or not reachable at ${where}`,
      ...withLine,
    };
  }
  return {
    ok: false,
    reason: "error",
    message: `docker version failed (exit ${s.version.code ?? "killed"})`,
    ...withLine,
  };
}
