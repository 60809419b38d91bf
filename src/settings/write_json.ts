/** JSON strings without `JSON.stringify`'s cost when they need no escape, for text writers. */

/** Receives the text in order. */
export type Write = (text: string) => void;

/** What JSON.stringify escapes in a string: control characters, `"`, `\\` and lone surrogates. */
// deno-lint-ignore no-control-regex
const NEEDS_ESCAPE = /[\u0000-\u001f"\\\ud800-\udfff]/;

/** Whether `JSON.stringify(s)` escapes anything in `s` (else it is `s` in quotes). */
export function needsEscape(s: string): boolean {
  return NEEDS_ESCAPE.test(s);
}

/** `JSON.stringify(s)`, without its cost for the common string that needs no escape. */
export function stringJson(s: string): string {
  return NEEDS_ESCAPE.test(s) ? JSON.stringify(s) : `"${s}"`;
}
