/**
 * A task's hyper-parameters (`hyperparams`: section → name → item) and configuration items
 * (`configuration`: name → item), changed item by item as the real server's `HyperParams` does:
 * on a task in `created` (or `in_progress` with `force`); a change that touches only the
 * `properties` section is allowed in any status and leaves `last_update` alone.
 */
import type { Obj } from "./call_body.ts";
import { isObj } from "./doc_path.ts";
import type { Identity, Store } from "./store.ts";
import { changeTaskFields } from "./tasks_store.ts";
import { codePointCompare } from "./artifact_list.ts";

const PROPERTIES = "properties";

export interface ParamItem extends Obj {
  section: string;
  name: string;
  value: string;
  type?: string;
  description?: string;
}

export interface ParamKey {
  section: string;
  name?: string;
}

export interface ConfigItem extends Obj {
  name: string;
  value: string;
  type?: string;
  description?: string;
}

export type ReplaceMode = "none" | "section" | "all";

/** The `properties` section name is matched case-insensitively and stored lower case. */
function normalizeSections<T extends { section: string }>(items: T[]): boolean {
  for (const p of items) if (p.section.toLowerCase() === PROPERTIES) p.section = PROPERTIES;
  return items.every((p) => p.section === PROPERTIES);
}

function hyperparamsOf(t: Obj): Record<string, Obj> {
  if (!isObj(t.hyperparams)) t.hyperparams = {};
  return t.hyperparams as Record<string, Obj>;
}

function configurationOf(t: Obj): Record<string, Obj> {
  if (!isObj(t.configuration)) t.configuration = {};
  return t.configuration as Record<string, Obj>;
}

/** `tasks.edit_hyper_params`: returns `updated`. */
export function editHyperParams(
  store: Store,
  ident: Identity,
  id: string,
  items: ParamItem[],
  replace: ReplaceMode,
  force: boolean,
  now = Date.now(),
): number {
  const propertiesOnly = normalizeSections(items);
  const sections: Record<string, Obj> = {};
  for (const p of items) (sections[p.section] ??= {})[p.name] = { ...p };
  const o = { force, anyStatus: propertiesOnly, keepLastUpdate: propertiesOnly, now };
  return changeTaskFields(store, ident, id, o, (t) => {
    if (replace === "all") {
      t.hyperparams = sections;
      return;
    }
    const hp = hyperparamsOf(t);
    for (const [section, params] of Object.entries(sections)) {
      hp[section] = replace === "section" ? params : { ...(hp[section] ?? {}), ...params };
    }
  });
}

/** `tasks.delete_hyper_params`: whole sections (no name) or single items; returns `deleted`. */
export function deleteHyperParams(
  store: Store,
  ident: Identity,
  id: string,
  keys: ParamKey[],
  force: boolean,
  now = Date.now(),
): number {
  const propertiesOnly = normalizeSections(keys);
  const o = { force, anyStatus: propertiesOnly, keepLastUpdate: propertiesOnly, now };
  return changeTaskFields(store, ident, id, o, (t) => {
    const hp = hyperparamsOf(t);
    for (const k of keys) if (!k.name) delete hp[k.section];
    for (const k of keys) {
      const section = hp[k.section];
      if (k.name && isObj(section)) delete section[k.name];
    }
  });
}

/** `tasks.edit_configuration`: returns `updated`. */
export function editConfiguration(
  store: Store,
  ident: Identity,
  id: string,
  items: ConfigItem[],
  replace: boolean,
  force: boolean,
  now = Date.now(),
): number {
  const given: Record<string, Obj> = {};
  for (const c of items) given[c.name] = { ...c };
  return changeTaskFields(store, ident, id, { force, now }, (t) => {
    t.configuration = replace ? given : { ...configurationOf(t), ...given };
  });
}

/** `tasks.delete_configuration`: returns `deleted`. */
export function deleteConfiguration(
  store: Store,
  ident: Identity,
  id: string,
  names: string[],
  force: boolean,
  now = Date.now(),
): number {
  return changeTaskFields(store, ident, id, { force, now }, (t) => {
    const conf = configurationOf(t);
    for (const n of names) delete conf[n];
  });
}

/** Every hyper-parameter item of a task, sorted by (section, name). */
export function hyperParamList(t: Obj): Obj[] {
  const items: Obj[] = [];
  const hp = isObj(t.hyperparams) ? t.hyperparams : {};
  for (const [section, ps] of Object.entries(hp)) {
    if (!isObj(ps)) continue;
    for (const [name, p] of Object.entries(ps)) {
      items.push({ section, name, ...(isObj(p) ? p : { value: p }) });
    }
  }
  return items.sort((a, b) =>
    codePointCompare(String(a.section), String(b.section)) ||
    codePointCompare(String(a.name), String(b.name))
  );
}

/** A task's configuration items (all, or those `names`), sorted by name. */
export function configurationList(t: Obj, names?: readonly string[]): Obj[] {
  const conf = isObj(t.configuration) ? t.configuration : {};
  return Object.entries(conf)
    .filter(([k, v]) => isObj(v) && (!names?.length || names.includes(k)))
    .map(([, v]) => v as Obj)
    .sort((a, b) => codePointCompare(String(a.name), String(b.name)));
}

/** The names of a task's configuration items (without empty values when `skipEmpty`). */
export function configurationNames(t: Obj, skipEmpty: boolean): string[] {
  const conf = isObj(t.configuration) ? t.configuration : {};
  return Object.entries(conf)
    .filter(([, v]) =>
      !skipEmpty || (isObj(v) && v.value !== undefined && v.value !== null &&
        v.value !== "")
    )
    .map(([k]) => k)
    .sort(codePointCompare);
}
