/**
 * CLEARML_AGENT_EXEC_USER: the task runs as this user (agent-exec §1 #17). clearml-agent looks
 * up the name as both user and group; an unknown name stops the task. We take the group of the
 * same name when there is one, else the user's primary group (the agent would fail there).
 */
import { FailureError } from "../errors.ts";

export interface ExecUser {
  name: string;
  uid: number;
  gid: number;
  home: string;
  shell: string;
}

/** Find `name` in passwd/group texts (`/etc/passwd` format); null when there is no such user. */
export function findExecUser(name: string, passwd: string, group: string): ExecUser | null {
  const user = passwd.split("\n").map((l) => l.split(":")).find((f) => f[0] === name);
  if (!user || user.length < 7) return null;
  const uid = Number(user[2]);
  const primary = Number(user[3]);
  if (!Number.isInteger(uid) || !Number.isInteger(primary)) return null;
  const grp = group.split("\n").map((l) => l.split(":")).find((f) => f[0] === name);
  const gid = grp && Number.isInteger(Number(grp[2])) ? Number(grp[2]) : primary;
  return { name, uid, gid, home: user[5] || "/", shell: user[6] || "/bin/sh" };
}

/** The error for a name that is not a user here, naming the variable and its value. */
export function unknownExecUser(name: string, source = "CLEARML_AGENT_EXEC_USER"): FailureError {
  return new FailureError(
    `${source}=${name}: no such user on this machine (expected the name of an existing user; ` +
      `clearml-agent: "Could not find requested user uid=${name} gid=${name}")`,
  );
}

/**
 * Look a user up: /etc/passwd and /etc/group first, then `getent` for users from NSS sources
 * (LDAP, sssd). Throws `unknownExecUser` when neither knows the name.
 */
export async function lookupExecUser(name: string): Promise<ExecUser> {
  const { readFile } = await import("node:fs/promises");
  const read = (p: string) => readFile(p, "utf8").catch(() => "");
  const [passwd, group] = await Promise.all([read("/etc/passwd"), read("/etc/group")]);
  const local = findExecUser(name, passwd, group);
  if (local) return local;
  const { exec } = await import("../platform/exec.ts");
  const p = await exec("getent", ["passwd", name]);
  const g = await exec("getent", ["group", name]);
  const found = p.code === 0 ? findExecUser(name, p.stdout, g.code === 0 ? g.stdout : "") : null;
  if (!found) throw unknownExecUser(name);
  return found;
}
