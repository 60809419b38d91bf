/**
 * Ending a task's whole process tree (agent-exec §5.10: the agent kills every descendant, not
 * only the child). The task runs as the leader of its own process group; descendants that left
 * the group (setsid, daemons) are found by walking /proc parent links before the group is hit.
 */
import { readdirSync, readFileSync } from "node:fs";

/** Parent pid of each process, from /proc/<pid>/stat (Linux); empty where /proc is absent. */
function parentLinks(): Map<number, number[]> {
  const children = new Map<number, number[]>();
  let names: string[] = [];
  try {
    names = readdirSync("/proc");
  } catch {
    return children;
  }
  for (const name of names) {
    if (!/^\d+$/.test(name)) continue;
    let stat: string;
    try {
      stat = readFileSync(`/proc/${name}/stat`, "utf8");
    } catch {
      continue; // gone meanwhile
    }
    // "pid (comm) state ppid …": comm may hold spaces and parentheses, so split after the last ")"
    const after = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
    const ppid = Number(after[1]);
    const list = children.get(ppid) ?? [];
    list.push(Number(name));
    children.set(ppid, list);
  }
  return children;
}

/** Every descendant of `pid` (not `pid` itself), parents before children. */
export function descendantsOf(pid: number): number[] {
  const links = parentLinks();
  const out: number[] = [];
  const queue = [pid];
  while (queue.length) {
    const p = queue.shift()!;
    for (const c of links.get(p) ?? []) {
      out.push(c);
      queue.push(c);
    }
  }
  return out;
}

function signal(pid: number, sig: NodeJS.Signals): void {
  try {
    process.kill(pid, sig);
  } catch {
    // already gone
  }
}

/** Signal the group led by `pid` and every descendant found. */
export function signalTree(pid: number, sig: NodeJS.Signals): void {
  const desc = descendantsOf(pid);
  signal(-pid, sig);
  signal(pid, sig);
  for (const d of desc) signal(d, sig);
}

/**
 * End a task: `sig` (the one the agent received) to the tree now, SIGKILL to what is left after
 * `graceMs`. `exited` resolves when the leader has been reaped; `reaped()` says whether it has
 * been by now. A reaped leader's pid is free for another process, so from then on only its group
 * is signalled (the group keeps the number reserved while any member lives).
 */
export async function endProcessTree(
  pid: number,
  exited: Promise<unknown>,
  opts: { signal?: NodeJS.Signals; graceMs?: number; reaped?: () => boolean } = {},
): Promise<void> {
  const reaped = opts.reaped ?? (() => false);
  const sig = opts.signal ?? "SIGTERM";
  // collect before signalling: once the leader dies its children are re-parented away
  const before = reaped() ? [] : descendantsOf(pid);
  if (reaped()) signal(-pid, sig);
  else signalTree(pid, sig);
  for (const d of before) signal(d, sig);
  let timer: ReturnType<typeof setTimeout> | undefined;
  const timeout = new Promise<"timeout">((r) => {
    timer = setTimeout(() => r("timeout"), opts.graceMs ?? 3000);
  });
  await Promise.race([exited, timeout]);
  clearTimeout(timer);
  signal(-pid, "SIGKILL");
  if (!reaped()) {
    signal(pid, "SIGKILL");
    before.push(...descendantsOf(pid));
  }
  for (const d of before) signal(d, "SIGKILL");
}
