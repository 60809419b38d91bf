/**
 * The task status state machine of the real server (server-api.md §3.1): which non-forced changes
 * are allowed. A change to the same status is always allowed; `force` skips the check.
 */
import { errors } from "./call_error.ts";

export type TaskStatus =
  | "created"
  | "queued"
  | "in_progress"
  | "stopped"
  | "published"
  | "publishing"
  | "closed"
  | "failed"
  | "completed"
  | "unknown";

export const TASK_STATUSES: readonly TaskStatus[] = [
  "created",
  "queued",
  "in_progress",
  "stopped",
  "published",
  "publishing",
  "closed",
  "failed",
  "completed",
  "unknown",
];

const ALLOWED: Partial<Record<TaskStatus, readonly TaskStatus[]>> = {
  created: ["queued", "in_progress"],
  queued: ["created", "in_progress", "stopped"],
  in_progress: ["created", "stopped", "failed", "completed"],
  stopped: [
    "created",
    "queued",
    "in_progress",
    "failed",
    "completed",
    "closed",
    "publishing",
    "published",
  ],
  closed: ["created", "stopped", "failed", "publishing", "published"],
  failed: ["created", "queued", "stopped", "published"],
  completed: ["created", "in_progress", "published"],
  publishing: ["published"],
  published: [],
};

/** Throws the real server's error for a change the machine does not allow. */
export function checkTransition(from: string, to: string): void {
  if (from === to) return;
  const allowed = ALLOWED[from as TaskStatus];
  if (!allowed) {
    throw errors.internal(`Current status ${from} not supported by state machine`);
  }
  if (!allowed.includes(to as TaskStatus)) {
    throw errors.invalidTaskStatus(
      { current_status: from, new_status: to },
      "Invalid status change",
    );
  }
}

export function isTaskStatus(s: string): s is TaskStatus {
  return (TASK_STATUSES as readonly string[]).includes(s);
}
