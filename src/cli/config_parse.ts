/**
 * `clearml config parse FILE`: the tree of one file, masked and printed. Free of commander so
 * that the fast path runs it. JSON and YAML print plain data masked as it is made plain (one
 * walk; `JSON.stringify` writes the text natively, `writeJsonDocument` in pieces when it holds a
 * long string); HOCON is written in chunks (`writeHocon`) as it is rendered.
 */
import { statSync } from "node:fs";
import { dirname } from "node:path";
import type { CliContext } from "./context.ts";
import type { GlobalOptions } from "./global_options.ts";
import { takeSnapshot } from "./snapshot.ts";
import { writeData } from "./output.ts";
import { toPlain } from "../settings/tree.ts";
import { entriesHotPath } from "../settings/entries.ts";
import { hoconHotPath, writeHocon } from "../settings/render_hocon.ts";
import { maskedPlain, maskHotPath, maskWalk } from "../settings/mask.ts";
import { parseHocon, parserHotPath } from "../settings/hocon/parse.ts";
import { nodeFsView } from "../settings/node_fs_view.ts";
import { absoluteFrom } from "../settings/expand_user.ts";
import { UsageError } from "../errors.ts";
import { keepOutOfFtl, useNormalJit } from "../runtime/jit_policy.ts";
import { makeHeapRoom } from "../runtime/heap_room.ts";

export interface ParseOptions {
  json?: boolean;
  yaml?: boolean;
}

export const CONFIG_PARSE_SCHEMA = "clearml.config-parse/v1";

/**
 * From this size on the parse is a long pass: normal JIT thresholds, no FTL (jit_policy.ts), and
 * heap room for what it allocates (heap_room.ts).
 */
const BIG_FILE = 1 << 20;
/**
 * Heap room per byte of input: the parse, masking and output of a 5 MB file allocate 40-50 MB
 * (the text, the tree, the pieces of the output), which then fit in one collector cycle.
 */
const ROOM_PER_BYTE = 12;
/** At most this much room: a larger file may see collections again. */
const MAX_ROOM = 256 << 20;

function sizeOf(path: string): number {
  try {
    return statSync(path).size;
  } catch {
    return 0; // read below, which says what is wrong
  }
}

export async function configParse(
  ctx: CliContext,
  g: GlobalOptions,
  file: string,
  opts: ParseOptions,
): Promise<void> {
  const snap = takeSnapshot(ctx, g);
  const path = absoluteFrom(file, snap.home, snap.cwd);
  const mask = g.showSecrets ? undefined : maskWalk();
  const size = sizeOf(path);
  if (size >= BIG_FILE) {
    makeHeapRoom(Math.min(ROOM_PER_BYTE * size, MAX_ROOM));
    useNormalJit(); // a long pass: compiling its hot functions (to the DFG tier) pays back
    keepOutOfFtl([
      ...entriesHotPath(),
      ...parserHotPath(),
      ...maskHotPath(mask),
      ...hoconHotPath(),
    ], ctx.env);
  }
  const got = nodeFsView.read(path);
  if (got.kind !== "file") {
    throw new UsageError(`config parse: ${path}: ${got.kind.replaceAll("-", " ")}`);
  }
  const tree = parseHocon(got.text, {
    file: path,
    // the printout has no origins (`config show --origin` has them)
    origins: false,
    env: snap.env,
    readInclude: (inc, from) => {
      const target = absoluteFrom(inc, snap.home, dirname(from));
      const r = nodeFsView.read(target);
      return r.kind === "file" ? { file: target, text: r.text } : undefined;
    },
  });
  if (opts.json || opts.yaml) {
    // masked as it is made plain: no masked copy of the tree; JSON.stringify writes the text
    // (in pieces when it holds a long string)
    const seen = { longString: false };
    const config = g.showSecrets ? toPlain(tree) : maskedPlain(tree, {}, seen);
    const data = { schema: CONFIG_PARSE_SCHEMA, file: path, config };
    await writeData(data, opts.yaml ? "yaml" : "json", ctx.out, seen.longString);
    return;
  }
  // masked as it is written: no masked copy of the tree
  writeHocon(tree, ctx.out, mask ? { mask } : {});
}
