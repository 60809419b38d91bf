/**
 * Our reader of `clearml.conf`: HOCON in the dialect of the pyhocon copy vendored in the ClearML
 * Python SDK, quirks included (unquoted URLs, `"a.b"` keys keeping their quotes, `l += 2`
 * replacing, `${X}` falling back to the environment variable `X`). See sdk-config.md §1.6-1.7.
 *
 * Known and deliberate differences from the real reader:
 * - `<digits> <unit>` (`5 h`) stays the string `5 h`; the real reader makes a duration object
 *   of it at the very end of a file only.
 * - Control characters outside quoted strings are an error (the real reader keeps them in
 *   unquoted strings); they mean a binary or corrupted file.
 * - `url(…)`/`classpath(…)` includes are refused instead of fetched.
 * - Include cycles and substitution cycles are errors instead of a crash or a hang.
 */
import type { ObjectNode } from "../tree.ts";
import type { MObject } from "./_nodes.ts";
import { type ParseContext, parseDocument } from "./_parser.ts";
import { resolveAll } from "./_resolve.ts";
import { Source } from "./_source.ts";

export { HoconError } from "./hocon_error.ts";
export { parserHotPath } from "./_parser.ts";

export interface ParseOptions {
  /** Name for origins and messages; default `<string>`. */
  file?: string;
  /** The process environment, for `${VAR}` fallback; default `{}` (never read from the process). */
  env?: Record<string, string | undefined>;
  /** Resolve an include. `path` as written, `fromFile` the including file. Return undefined when missing. */
  readInclude?: (path: string, fromFile: string) => { file: string; text: string } | undefined;
  /**
   * False when nobody will look at the origins (a printout of values only): nodes then share one
   * origin per file, at line 0, which spares an object per value. Error messages are the same
   * either way (the parse is repeated with origins to word one that names where a value was set).
   */
  origins?: boolean;
}

/**
 * Parse `text` into a tree whose every node carries the file, line and column where its value
 * starts. Pure: files come only through `readInclude`, variables only through `env`.
 * Throws `HoconError` (exit code 3) with the position of the problem.
 */
export function parseHocon(text: string, opts: ParseOptions = {}): ObjectNode {
  if (opts.origins === false) {
    try {
      return parseTracking(text, opts, false);
    } catch {
      return parseTracking(text, opts, true); // throws the same error, worded with origins
    }
  }
  return parseTracking(text, opts, true);
}

function parseTracking(text: string, opts: ParseOptions, origins: boolean): ObjectNode {
  const src = new Source(opts.file ?? "<string>", text, origins);
  const ctx: ParseContext = {
    readInclude: opts.readInclude,
    includeStack: [src.file],
    hasPending: false,
    keys: new Map(),
  };
  const root = parseDocument(src, ctx, 0);
  if (ctx.hasPending) resolveAll(root, opts.env ?? {});
  return finished(root);
}

// Once resolved, no pending value is left: the tree has exactly the shape of `ObjectNode`.
function finished(root: MObject): ObjectNode {
  return root as unknown as ObjectNode;
}
