/**
 * Task output capture: every chunk the task writes goes first to the temp stdout file (a
 * synchronous write, so a crash after it loses nothing), then to the live echo, then, split into
 * lines, to the log sink. stdout and stderr share the file in arrival order, as clearml-agent's
 * single capture file does (agent-exec §5.9).
 */
import { writeSync } from "node:fs";
import type { Writable } from "node:stream";
import type { LogSink } from "./run_types.ts";

export type StreamName = "stdout" | "stderr";

export interface CaptureTarget {
  /** The temp stdout file, open for appending. */
  fd: number;
  sink: LogSink;
  /** Live echo (the agent's console); the task is paused while an echo stream is full. */
  echo?: Partial<Record<StreamName, Writable>>;
}

/** Counts for the caller's summary and the capture benchmark. */
export interface CaptureStats {
  bytes: number;
  lines: number;
}

function writeAll(fd: number, chunk: Uint8Array): void {
  let off = 0;
  while (off < chunk.length) off += writeSync(fd, chunk, off, chunk.length - off);
}

/**
 * Splits decoded text into lines, keeping a partial last line until more text or the end comes.
 * A trailing `\r` is dropped from each line: a container run with `-t` ends lines with `\r\n`.
 */
export class LineSplitter {
  private carry = "";
  private readonly decoder = new TextDecoder("utf-8", { fatal: false });
  constructor(private readonly emit: (line: string) => void) {}

  /** Feed bytes; returns how many complete lines were emitted. */
  push(chunk: Uint8Array): number {
    const text = this.carry + this.decoder.decode(chunk, { stream: true });
    let start = 0;
    let n = 0;
    for (;;) {
      const nl = text.indexOf("\n", start);
      if (nl < 0) break;
      const end = nl > start && text.charCodeAt(nl - 1) === 13 ? nl - 1 : nl;
      this.emit(text.slice(start, end));
      n++;
      start = nl + 1;
    }
    this.carry = start === 0 ? text : text.slice(start);
    return n;
  }

  /** The end of the stream: a partial last line is still a line (§5.9). */
  end(): number {
    const rest = this.carry + this.decoder.decode();
    this.carry = "";
    if (rest === "") return 0;
    this.emit(rest.endsWith("\r") ? rest.slice(0, -1) : rest);
    return 1;
  }
}

/** Capture both streams until each has ended; resolves with what went through. */
export async function captureStreams(
  streams: Partial<Record<StreamName, AsyncIterable<Uint8Array> | null>>,
  target: CaptureTarget,
): Promise<CaptureStats> {
  const stats: CaptureStats = { bytes: 0, lines: 0 };
  const one = async (name: StreamName, src: AsyncIterable<Uint8Array>) => {
    const split = new LineSplitter((line) => target.sink.line(line, name));
    const echo = target.echo?.[name];
    try {
      for await (const chunk of src) {
        writeAll(target.fd, chunk);
        stats.bytes += chunk.length;
        // a full echo (a slow terminal) pauses the task instead of growing a buffer
        if (echo && !echo.write(chunk)) await new Promise((r) => echo.once("drain", r));
        stats.lines += split.push(chunk);
      }
    } catch (e: unknown) {
      // a stream closed without its end (a process that never started, on Deno) ends it
      if ((e as NodeJS.ErrnoException)?.code !== "ERR_STREAM_PREMATURE_CLOSE") throw e;
    } finally {
      stats.lines += split.end();
    }
  };
  const waits: Promise<void>[] = [];
  for (const name of ["stdout", "stderr"] as const) {
    const s = streams[name];
    if (s) waits.push(one(name, s));
  }
  await Promise.all(waits);
  return stats;
}
