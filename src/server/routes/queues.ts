/** `queues.*` (server-api.md §2.4–§2.11). */
import type { Obj } from "../call_body.ts";
import { errors } from "../call_error.ts";
import { project } from "../doc_path.ts";
import { endpoint, type Routes } from "../endpoint.ts";
import { matchTags, nameRegex, orderBy, page } from "../list_filters.ts";
import {
  addTaskToQueue,
  allQueues,
  clearQueue,
  createQueue,
  defaultQueue,
  deleteQueue,
  type Move,
  moveQueuedTask,
  mustLoadQueue,
  popNextTask,
  queueEntries,
  queueLength,
  queueView,
  removeTaskFromQueue,
  updateQueue,
} from "../queues_store.ts";
import { scroll } from "../scroll.ts";
import type { Call, Endpoint } from "../endpoint.ts";
import { loadTask } from "../tasks_store.ts";
import { isoDate } from "../dates.ts";
import { atLeast } from "../version.ts";

/** Queues with these system tags are listed only when asked (services.queues.hidden_tags). */
const HIDDEN_TAGS = ["k8s-glue"];

/** `search_text`: any of its words in the name, ignoring case (the real server's text index). */
function textMatch(text: string | undefined): (name: string) => boolean {
  const words = (text ?? "").toLowerCase().split(/\s+/).filter(Boolean);
  if (!words.length) return () => true;
  return (name) => words.some((w) => name.toLowerCase().includes(w));
}

/** `queues.move_task_*`: `{position}` of the task after the move. */
function mover(move: (call: Call) => Move): Endpoint {
  return endpoint("2.4", (call) => {
    const f = call.fields;
    return {
      position: moveQueuedTask(
        call.store,
        call.identity,
        f.reqStr("queue"),
        f.reqStr("task"),
        move(call),
        call.now,
      ),
    };
  });
}

/** `count` of move_task_forward/backward: a positive int, 1 by default. */
function count(call: Call): number {
  const n = call.fields.int("count") ?? 1;
  if (n < 1) throw errors.validation("error for field 'count'. value must be at least 1");
  return n;
}

function legacyMetadata(q: Obj, call: { version: readonly [number, number] }): Obj {
  if (!atLeast(call.version, "2.17") && q.metadata !== undefined) q.metadata = [];
  return q;
}

export const queuesRoutes: Routes = {
  "queues.get_all": endpoint("2.4", (call) => {
    const f = call.fields;
    const ids = f.strList("id", true);
    const name = f.str("name");
    const re = nameRegex(name);
    const tags = f.strList("tags");
    const systemTags = f.strList("system_tags");
    const onlyFields = f.strList("only_fields");
    const showHidden = f.bool("search_hidden", false) || ids !== undefined || name !== undefined;
    const maxEntries = f.int("max_task_entries");
    const searched = textMatch(f.str("search_text"));
    const rows = allQueues(call.store).filter((q) => {
      const st = (q.doc.system_tags as string[]) ?? [];
      if (ids && !ids.includes(q.id)) return false;
      if (re && !re.test(q.name)) return false;
      if (!matchTags((q.doc.tags as string[]) ?? [], tags)) return false;
      if (!matchTags(st, systemTags)) return false;
      if (!showHidden && st.some((t) => HIDDEN_TAGS.includes(t))) return false;
      return searched(q.name);
    });
    let queues = rows.map((q) => legacyMetadata(queueView(call.store, q, maxEntries), call));
    queues = orderBy(queues, f.strList("order_by"));
    const scrolled = atLeast(call.version, "2.15") ? scroll(queues, f) : undefined;
    queues = scrolled ? scrolled.items : page(queues, f);
    if (onlyFields?.length) queues = queues.map((q) => project(q, onlyFields));
    return scrolled ? { queues, scroll_id: scrolled.scrollId } : { queues };
  }),
  "queues.get_by_id": endpoint("2.4", (call) => {
    const q = mustLoadQueue(call.store, call.identity, call.fields.reqStr("queue"));
    const view = queueView(call.store, q, call.fields.int("max_task_entries"));
    return { queue: legacyMetadata(view, call) };
  }),
  "queues.get_default": endpoint("2.4", (call) => {
    const q = defaultQueue(call.store);
    return { id: q.id, name: q.name };
  }),
  "queues.create": endpoint("2.4", (call) => {
    const f = call.fields;
    const id = createQueue(call.store, call.identity, {
      name: f.reqStr("name"),
      tags: f.strList("tags"),
      system_tags: f.strList("system_tags"),
      display_name: f.str("display_name"),
      metadata: f.obj("metadata"),
    }, call.now);
    return { id };
  }),
  "queues.add_task": endpoint("2.4", (call) => {
    const f = call.fields;
    addTaskToQueue(
      call.store,
      call.identity,
      f.reqStr("queue"),
      f.reqStr("task"),
      f.bool("update_execution_queue", true),
      call.now,
    );
    return { added: 1 };
  }),
  "queues.get_next_task": endpoint("1.0", (call) => {
    const f = call.fields;
    const queue = f.reqStr("queue");
    const withInfo = f.bool("get_task_info", false);
    const e = popNextTask(call.store, call.identity, queue, f.str("task"), call.now);
    if (!e) return {};
    const out: Obj = { entry: { task: e.task, added: isoDate(e.added) } };
    if (withInfo) {
      const t = loadTask(call.store, e.task);
      if (t) out.task_info = { company: t.company, user: t.user };
    }
    return out;
  }),
  "queues.update": endpoint("2.4", (call) => {
    const f = call.fields;
    const fields = updateQueue(call.store, call.identity, f.reqStr("queue"), {
      name: f.str("name"),
      tags: f.strList("tags"),
      system_tags: f.strList("system_tags"),
      display_name: f.str("display_name"),
      metadata: f.obj("metadata"),
    }, call.now);
    return { updated: 1, fields };
  }),
  "queues.delete": endpoint("2.4", (call) => {
    const f = call.fields;
    deleteQueue(call.store, call.identity, f.reqStr("queue"), f.bool("force", false), call.now);
    return { deleted: 1 };
  }),
  "queues.clear_queue": endpoint("1.0", (call) => ({
    removed_tasks: clearQueue(call.store, call.identity, call.fields.reqStr("queue"), call.now),
  })),
  "queues.peek_task": endpoint("2.15", (call) => {
    const q = mustLoadQueue(call.store, call.identity, call.fields.reqStr("queue"));
    return { task: queueEntries(call.store, q.id, 1)[0]?.task ?? null };
  }),
  "queues.get_num_entries": endpoint("2.15", (call) => {
    const q = mustLoadQueue(call.store, call.identity, call.fields.reqStr("queue"));
    return { num: queueLength(call.store, q.id) };
  }),
  "queues.move_task_forward": mover((call) => -count(call)),
  "queues.move_task_backward": mover((call) => count(call)),
  "queues.move_task_to_front": mover(() => "front"),
  "queues.move_task_to_back": mover(() => "back"),
  "queues.remove_task": endpoint("2.4", (call) => {
    const f = call.fields;
    const removed = removeTaskFromQueue(
      call.store,
      call.identity,
      f.reqStr("queue"),
      f.reqStr("task"),
      f.bool("update_task_status", false),
      call.now,
    );
    return { removed };
  }),
};
