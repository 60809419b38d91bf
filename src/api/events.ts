/**
 * Log events to `events.add_batch` (server-api E37): one JSON object per line, Content-Type
 * exactly `application/json-lines`, POST as the agent sends it, packets of at most 1 MiB
 * (agent-exec §5.9), and messages of at most 64 KiB.
 */
import type { ApiClient } from "./client.ts";

export interface LogEvent {
  type: "log";
  level: string;
  task: string;
  worker: string;
  msg: string;
  /** Epoch milliseconds. */
  timestamp: number;
}

export const MAX_PACKET_BYTES = 1024 * 1024;
export const MAX_MESSAGE_CHARS = 64 * 1024;

/** Lines joined into messages below 64 KiB; a longer line is split (agent-exec §5.9). */
export function messagesOf(lines: readonly string[]): string[] {
  const out: string[] = [];
  let current = "";
  const push = () => {
    if (current !== "") out.push(current);
    current = "";
  };
  for (const raw of lines) {
    const line = raw.endsWith("\n") ? raw : raw + "\n";
    if (line.length > MAX_MESSAGE_CHARS) {
      push();
      for (let i = 0; i < line.length; i += MAX_MESSAGE_CHARS) {
        out.push(line.slice(i, i + MAX_MESSAGE_CHARS));
      }
      continue;
    }
    if (current.length + line.length > MAX_MESSAGE_CHARS) push();
    current += line;
  }
  push();
  return out;
}

/** Send events in packets; returns how many the server added. */
export async function addBatch(
  api: Pick<ApiClient, "send">,
  events: readonly LogEvent[],
  maxPacket = MAX_PACKET_BYTES,
): Promise<number> {
  let added = 0;
  let packet: string[] = [];
  let size = 0;
  const flush = async () => {
    if (packet.length === 0) return;
    const env = await api.send("events", "add_batch", {
      contentType: "application/json-lines",
      body: packet.join("\n"),
    }, { method: "POST" });
    added += typeof env.data.added === "number" ? env.data.added : 0;
    packet = [];
    size = 0;
  };
  for (const e of events) {
    const line = JSON.stringify(e);
    const bytes = Buffer.byteLength(line) + 1;
    if (size + bytes > maxPacket) await flush();
    packet.push(line);
    size += bytes;
  }
  await flush();
  return added;
}
