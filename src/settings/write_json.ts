/**
 * Text output in pieces: JSON strings without `JSON.stringify`'s cost when they need no escape,
 * and a writer that hands the pieces on in large chunks.
 */

/** Receives the text in order; `chunked()` groups the small pieces. */
export type Write = (text: string) => void;

/** What JSON.stringify escapes in a string: control characters, `"`, `\\` and lone surrogates. */
// deno-lint-ignore no-control-regex
const NEEDS_ESCAPE = /[\u0000-\u001f"\\\ud800-\udfff]/;

/** `JSON.stringify(s)`, without its cost for the common string that needs no escape. */
export function stringJson(s: string): string {
  return NEEDS_ESCAPE.test(s) ? JSON.stringify(s) : `"${s}"`;
}

/**
 * A writer that hands `sink` about `size` characters at a time (and the rest on `flush`), so that
 * a long output costs few system calls and never the whole text in memory.
 */
export function chunked(sink: Write, size = 1 << 16): { write: Write; flush: () => void } {
  // Appending builds a rope, flattened once by the sink: cheaper than an array of small pieces
  // joined at each flush.
  let text = "";
  const flush = () => {
    if (text === "") return;
    const whole = text;
    text = "";
    sink(whole);
  };
  return {
    write: (piece) => {
      text += piece;
      if (text.length >= size) flush();
    },
    flush,
  };
}
