/**
 * Whether a place under the files root really is inside it once symbolic links are followed.
 * Uploads never make links, but one put into the data dir by hand must not lead GET, DELETE or an
 * upload's folders outside it. A place that does not exist yet counts as inside (nothing to
 * follow); its folders are checked after they are made.
 */
import { realpath } from "node:fs/promises";
import { sep } from "node:path";

export async function withinRoot(root: string, place: string): Promise<boolean> {
  let real: string;
  try {
    real = await realpath(place);
  } catch (e) {
    const code = (e as { code?: string }).code;
    if (code === "ENOENT" || code === "ENOTDIR") return true;
    throw e;
  }
  const realRoot = await realpath(root);
  return real === realRoot || real.startsWith(realRoot + sep);
}
