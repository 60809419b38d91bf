/**
 * The daemon's journal of the task it runs: a small JSON record (task, queue, worker, daemon pid,
 * how many log bytes reached the server) and a copy of every log line, written before the line is
 * sent. When a daemon dies (kill -9) the next daemon on this machine finds the record of a dead
 * pid, ships the lines the server never got, and ends the task as the server's watchdog would
 * (server-api §1.11), so nothing is lost and nothing stays `in_progress` forever.
 */
import {
  closeSync,
  mkdirSync,
  openSync,
  readdirSync,
  readFileSync,
  renameSync,
  rmSync,
  writeFileSync,
  writeSync,
} from "node:fs";
import { join } from "node:path";
import { pidAlive } from "./daemon_registry.ts";

export interface JournalRecord {
  task: string;
  queue: string;
  worker: string;
  /** The daemon that ran the task. */
  pid: number;
  /** Epoch ms. */
  started: number;
  /** Bytes of the log file the server acknowledged. */
  shipped: number;
}

export class TaskJournal {
  #fd: number | undefined;
  #written = 0;

  private constructor(readonly dir: string, public record: JournalRecord) {}

  get recordPath(): string {
    return join(this.dir, `task_${this.record.task}.json`);
  }

  get logPath(): string {
    return join(this.dir, `task_${this.record.task}.log`);
  }

  static open(dir: string, record: JournalRecord): TaskJournal {
    mkdirSync(dir, { recursive: true, mode: 0o700 });
    const j = new TaskJournal(dir, record);
    j.#fd = openSync(j.logPath, "w", 0o600);
    j.#save();
    return j;
  }

  /** Lines as sent (each ending with a newline); they are on disk when this returns. */
  append(text: string): void {
    if (this.#fd === undefined) return;
    const bytes = Buffer.from(text, "utf8");
    writeSync(this.#fd, bytes);
    this.#written += bytes.length;
  }

  /** The server has this many more bytes. */
  shipped(bytes: number): void {
    this.record = { ...this.record, shipped: this.record.shipped + bytes };
    this.#save();
  }

  get unshippedBytes(): number {
    return this.#written - this.record.shipped;
  }

  /** Done: remove both files (when everything reached the server), else leave them for recovery. */
  close(remove: boolean): void {
    if (this.#fd !== undefined) closeSync(this.#fd);
    this.#fd = undefined;
    if (remove) {
      rmSync(this.recordPath, { force: true });
      rmSync(this.logPath, { force: true });
    }
  }

  #save(): void {
    const tmp = `${this.recordPath}.${process.pid}.tmp`;
    writeFileSync(tmp, JSON.stringify(this.record), { mode: 0o600 });
    renameSync(tmp, this.recordPath);
  }
}

export interface Orphan {
  record: JournalRecord;
  /** The log text the server never got. */
  unshipped: string;
  /** Remove the journal once the orphan is dealt with. */
  done(): void;
}

/**
 * Journals left by daemons that are no longer running, each claimed by renaming it so that two
 * daemons starting at once never handle the same one.
 */
export function claimOrphans(dir: string): Orphan[] {
  let names: string[];
  try {
    names = readdirSync(dir);
  } catch {
    return [];
  }
  const out: Orphan[] = [];
  for (const name of names) {
    const m = /^task_([^.]+)\.json$/.exec(name);
    if (!m) continue;
    const path = join(dir, name);
    let record: JournalRecord;
    try {
      record = JSON.parse(readFileSync(path, "utf8")) as JournalRecord;
    } catch {
      continue;
    }
    if (record.pid === process.pid || pidAlive(record.pid)) continue;
    const claimed = `${path}.claimed-${process.pid}`;
    try {
      renameSync(path, claimed);
    } catch {
      continue; // another daemon took it
    }
    const logPath = join(dir, `task_${m[1]}.log`);
    let unshipped = "";
    try {
      unshipped = readFileSync(logPath).subarray(record.shipped).toString("utf8");
    } catch {
      unshipped = "";
    }
    out.push({
      record,
      unshipped,
      done() {
        rmSync(claimed, { force: true });
        rmSync(logPath, { force: true });
      },
    });
  }
  return out;
}
