/** The owner and time fields every new task or model document starts with. */
import type { Identity } from "./store.ts";

export function newDocStamps(ident: Identity, d: string) {
  return {
    user: ident.user,
    company: ident.company,
    created: d,
    last_update: d,
    last_change: d,
    last_changed_by: ident.user,
  };
}
