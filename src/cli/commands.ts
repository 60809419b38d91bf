import type { Register } from "./program.ts";

/** Every subcommand, in help order. */
export const COMMANDS: readonly Register[] = [];
