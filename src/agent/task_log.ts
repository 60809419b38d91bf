/**
 * The task's log: the temp stdout file, the live echo and the sink, written in that order. The
 * runner's own lines (steps, commands, errors) go through it too, so the file holds everything
 * a clearml-agent task log holds.
 */
import { closeSync, openSync } from "node:fs";
import type { Writable } from "node:stream";
import { type CaptureTarget, LineSplitter, type StreamName } from "./capture.ts";
import type { LogSink } from "./run_types.ts";
import { writeSync } from "node:fs";
import { MASK } from "../settings/mask.ts";

export class TaskLog {
  readonly target: CaptureTarget;
  private closed = false;
  private secrets: string[] = [];

  private constructor(readonly path: string, fd: number, sink: LogSink, echo?: EchoStreams) {
    this.target = { fd, sink, ...(echo ? { echo } : {}) };
  }

  /** Create the file (replacing an old one, as the agent does) and open it for appending. */
  static open(path: string, sink: LogSink, echo?: EchoStreams): TaskLog {
    const fd = openSync(path, "w", 0o600);
    return new TaskLog(path, fd, sink, echo);
  }

  /** One or more lines of the runner's own output. */
  write(text: string, stream: StreamName = "stdout"): void {
    if (this.closed) return;
    for (const s of this.secrets) text = text.replaceAll(s, MASK);
    const body = text.endsWith("\n") ? text : text + "\n";
    const bytes = new TextEncoder().encode(body);
    writeSync(this.target.fd, bytes);
    this.target.echo?.[stream]?.write(bytes);
    const split = new LineSplitter((l) => this.target.sink.line(l, stream));
    split.push(bytes);
  }

  /**
   * Values masked in the runner's own lines (commands it prints: a pip index URL with a
   * password, a token in an argv); the task's output is kept as the task wrote it.
   */
  maskSecrets(values: readonly string[]): void {
    // longest first, so that a secret containing another is masked whole
    this.secrets = values.filter((v) => v.length >= 3).sort((a, b) => b.length - a.length);
  }

  /** Deliver what the sink holds and close the file. */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    closeSync(this.target.fd);
    await this.target.sink.flush();
  }
}

export type EchoStreams = Partial<Record<StreamName, Writable>>;
