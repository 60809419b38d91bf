import type { T } from "./a.ts";
export const b = 1;
export type { T };
