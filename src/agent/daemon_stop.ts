/**
 * How a daemon stops. The first SIGTERM/SIGINT aborts `shutdown`: the loop ends, the current task
 * is ended cleanly, its log and final status are sent, the worker unregisters. Whatever still
 * waits on the server `graceMs` later — or at a second signal — is cut off by `hard`, under which
 * every API call of the daemon runs, so the process exits even when the server has gone away
 * (retries against it would otherwise go on for hours). Before the loop runs (first login, queue
 * lookup) there is nothing to end cleanly, so the first signal cuts everything at once.
 */
export interface DaemonStop {
  /** Aborts at the first signal. */
  readonly shutdown: AbortSignal;
  /** Aborts `graceMs` after the first signal, or at the second. */
  readonly hard: AbortSignal;
  /** A signal arrived (the process handlers call this). */
  receive(name: string): void;
  /** The loop runs: from now on a first signal leaves `graceMs` to end cleanly. */
  started(): void;
  /** Clear the grace timer. */
  dispose(): void;
}

/** The time a stopping daemon has to end its task, ship its log and report. */
export const STOP_GRACE_MS = 20_000;

export function daemonStop(
  graceMs: number,
  onFirst: (name: string) => void = () => {},
): DaemonStop {
  const shutdown = new AbortController();
  const hard = new AbortController();
  let timer: ReturnType<typeof setTimeout> | undefined;
  let running = false;
  const cut = (why: string) => hard.abort(new Error(`stopped (${why})`));
  return {
    shutdown: shutdown.signal,
    hard: hard.signal,
    receive(name) {
      if (shutdown.signal.aborted) return cut(`second ${name}`);
      shutdown.abort(name);
      if (!running) return cut(name);
      onFirst(name);
      timer = setTimeout(() => cut(`${name}, after ${graceMs} ms`), graceMs);
    },
    started() {
      running = true;
    },
    dispose() {
      clearTimeout(timer);
    },
  };
}
