/**
 * `LogShipper`: the daemon's LogSink. Each line is copied to the task's journal first (so a killed
 * daemon loses nothing), then shipped to `events.add_batch` on `flush()` — the daemon flushes on a
 * timer and at the end. Lines the server did not take stay queued for the next flush. Timestamps
 * strictly increase, as the agent's send-time-plus-counter does (agent-exec §5.9), so readers can
 * page by `from_timestamp` without losing lines.
 */
import type { LogSink } from "./run_types.ts";
import type { ApiClient } from "../api/client.ts";
import { addBatch, type LogEvent, messagesOf } from "../api/events.ts";
import type { TaskJournal } from "./daemon_journal.ts";

interface Pending {
  text: string;
  level: string;
  bytes: number;
}

export interface LogShipperOptions {
  api: Pick<ApiClient, "send">;
  task: string;
  worker: string;
  journal?: TaskJournal;
  onError?: (e: unknown) => void;
  now?: () => number;
}

export class LogShipper implements LogSink {
  #pending: Pending[] = [];
  #chain: Promise<void> = Promise.resolve();
  #lastTs = 0;
  #shippedLines = 0;

  constructor(readonly o: LogShipperOptions) {}

  line(text: string, _stream: "stdout" | "stderr"): void {
    this.#add(text, "DEBUG");
  }

  /** A line of the daemon's own (INFO, or ERROR for aborts). */
  note(text: string, level: "INFO" | "ERROR" = "INFO"): void {
    this.#add(text, level);
  }

  get pending(): number {
    return this.#pending.length;
  }

  get shippedLines(): number {
    return this.#shippedLines;
  }

  /** Ship what is queued; never rejects (failures are reported and retried next time). */
  flush(): Promise<void> {
    this.#chain = this.#chain.then(() => this.#send());
    return this.#chain;
  }

  #add(text: string, level: string): void {
    const line = text.endsWith("\n") ? text : text + "\n";
    this.o.journal?.append(line);
    this.#pending.push({ text: line, level, bytes: Buffer.byteLength(line) });
  }

  async #send(): Promise<void> {
    if (this.#pending.length === 0) return;
    const batch = this.#pending;
    this.#pending = [];
    const events: LogEvent[] = [];
    const now = this.o.now ?? Date.now;
    let i = 0;
    while (i < batch.length) {
      let j = i;
      while (j < batch.length && batch[j]!.level === batch[i]!.level) j++;
      for (const msg of messagesOf(batch.slice(i, j).map((p) => p.text))) {
        this.#lastTs = Math.max(now(), this.#lastTs + 1);
        events.push({
          type: "log",
          level: batch[i]!.level,
          task: this.o.task,
          worker: this.o.worker,
          msg,
          timestamp: this.#lastTs,
        });
      }
      i = j;
    }
    try {
      await addBatch(this.o.api, events);
      this.#shippedLines += batch.length;
      this.o.journal?.shipped(batch.reduce((n, p) => n + p.bytes, 0));
    } catch (e) {
      this.#pending = [...batch, ...this.#pending];
      this.o.onError?.(e);
    }
  }
}
