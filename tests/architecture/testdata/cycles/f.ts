import { e } from "./e.ts";
export const f = e;
