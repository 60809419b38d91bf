/**
 * A private docker daemon for integration tests: its own data root, exec root, pid file and
 * socket under a fresh temp dir, no iptables, no bridge, the vfs storage driver (works inside
 * containers and without overlayfs). Needs root and `dockerd` (Debian: `apt-get install docker.io`).
 */
import { type ChildProcess, execFile, execFileSync, spawn } from "node:child_process";
import { closeSync, existsSync, mkdtempSync, openSync, readFileSync, rmSync } from "node:fs";
import { join } from "node:path";

export interface DockerDaemon {
  /** The daemon's unix socket path. */
  socket: string;
  /** `unix://<socket>`, for DOCKER_HOST. */
  host: string;
  dir: string;
  /** Stop the daemon: SIGTERM, wait, then SIGKILL. Safe to call twice. */
  stop(): Promise<void>;
  /** The end of the daemon's log, for assertion messages. */
  logTail(): string;
}

const DOCKERD_PLACES = ["/usr/sbin/dockerd", "/usr/bin/dockerd", "/usr/local/bin/dockerd"];

/** The dockerd executable, or undefined when none is installed. */
export function findDockerd(): string | undefined {
  for (const dir of (process.env.PATH ?? "").split(":")) {
    if (dir && existsSync(join(dir, "dockerd"))) return join(dir, "dockerd");
  }
  return DOCKERD_PLACES.find((p) => existsSync(p));
}

function dockerAnswers(host: string): Promise<boolean> {
  return new Promise((resolve) => {
    execFile("docker", ["-H", host, "version", "--format", "{{.Server.Version}}"], {
      timeout: 5000,
    }, (err, stdout) => resolve(!err && String(stdout).trim() !== ""));
  });
}

function waitExit(child: ChildProcess, ms: number): Promise<boolean> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve(true);
  return new Promise((resolve) => {
    const timer = setTimeout(() => resolve(false), ms);
    child.once("exit", () => {
      clearTimeout(timer);
      resolve(true);
    });
  });
}

function killPidFile(path: string): void {
  try {
    const pid = Number(readFileSync(path, "utf8").trim());
    if (pid > 1) process.kill(pid, "SIGKILL");
  } catch {
    // gone already
  }
}

/** Unmount whatever the daemon left mounted below `dir` (it bind-mounts its data root). */
function unmountBelow(dir: string): void {
  let lines: string[] = [];
  try {
    lines = readFileSync("/proc/self/mountinfo", "utf8").split("\n");
  } catch {
    return;
  }
  const points = lines.map((l) => l.split(" ")[4] ?? "").filter((p) => p.startsWith(dir + "/"))
    .sort((a, b) => b.length - a.length);
  for (const p of points) {
    try {
      execFileSync("umount", ["-l", p], { stdio: "ignore", timeout: 10_000 });
    } catch {
      // reported by the rm below
    }
  }
}

function removeDir(dir: string): void {
  unmountBelow(dir);
  try {
    rmSync(dir, { recursive: true, force: true });
  } catch (e: unknown) {
    console.error(`warning: could not remove ${dir}: ${e instanceof Error ? e.message : e}`);
  }
}

export async function startDockerDaemon(timeoutMs = 30_000): Promise<DockerDaemon> {
  const dockerd = findDockerd();
  if (!dockerd) {
    throw new Error("dockerd is not installed (Debian: apt-get install -y docker.io)");
  }
  if (process.getuid?.() !== 0) throw new Error("starting a private dockerd needs root");
  // Unix socket paths are limited to 108 bytes, containerd's below the exec root included.
  const dir = mkdtempSync("/tmp/cmd-");
  const socket = join(dir, "s");
  const host = `unix://${socket}`;
  const logPath = join(dir, "log");
  const log = openSync(logPath, "a");
  const child = spawn(dockerd, [
    "--iptables=false",
    "--ip6tables=false",
    "--bridge=none",
    "--storage-driver=vfs",
    "--data-root",
    join(dir, "d"),
    "--exec-root",
    join(dir, "e"),
    "--pidfile",
    join(dir, "p"),
    "-H",
    host,
  ], { stdio: ["ignore", log, log] });
  closeSync(log); // the daemon has its own copy
  const logTail = () => {
    try {
      return readFileSync(logPath, "utf8").split("\n").slice(-15).join("\n");
    } catch {
      return "";
    }
  };
  let stopped = false;
  const stop = async () => {
    if (stopped) return;
    stopped = true;
    if (child.exitCode === null && child.signalCode === null) {
      child.kill("SIGTERM");
      if (!await waitExit(child, 15_000)) {
        child.kill("SIGKILL");
        await waitExit(child, 5_000);
      }
    }
    // dockerd starts its own containerd; after a SIGKILL it would be left behind.
    killPidFile(join(dir, "e", "containerd", "containerd.pid"));
  };
  const cleanup = async () => {
    await stop();
    removeDir(dir);
  };

  const t0 = Date.now();
  for (;;) {
    if (child.exitCode !== null || child.signalCode !== null) {
      const tail = logTail();
      await cleanup();
      throw new Error(
        `dockerd exited (${child.exitCode ?? child.signalCode}) before answering:\n${tail}`,
      );
    }
    if (await dockerAnswers(host)) break;
    if (Date.now() - t0 > timeoutMs) {
      const tail = logTail();
      await cleanup();
      throw new Error(`dockerd did not answer within ${timeoutMs} ms:\n${tail}`);
    }
    await new Promise((r) => setTimeout(r, 250));
  }
  return {
    socket,
    host,
    dir,
    stop: async () => {
      await stop();
    },
    logTail,
  };
}

/** Stop the daemon and remove its directory. */
export async function removeDockerDaemon(d: DockerDaemon | undefined): Promise<void> {
  if (!d) return;
  await d.stop();
  removeDir(d.dir);
}
