/**
 * `join`, `dirname` and `isAbsolute` of `node:path`, for the modules every start loads (the
 * settings' file search, the snapshot): loading `node:path` costs about a tenth of the start of
 * `clearml config show`. On POSIX these are Node's algorithms (tests compare them with
 * `node:path`); on Windows the calls go to `node:path` itself.
 */

const win = () => process.platform === "win32";
const nodePath = () => process.getBuiltinModule("node:path");

/** Node's `path.posix.normalize`. */
function normalize(path: string): string {
  if (path === "") return ".";
  const absolute = path.charCodeAt(0) === 47;
  const trailing = path.charCodeAt(path.length - 1) === 47;
  const out: string[] = [];
  for (const seg of path.split("/")) {
    if (seg === "" || seg === ".") continue;
    if (seg === "..") {
      if (out.length > 0 && out[out.length - 1] !== "..") out.pop();
      else if (!absolute) out.push("..");
    } else out.push(seg);
  }
  let p = out.join("/");
  if (p === "") return absolute ? "/" : trailing ? "./" : ".";
  if (trailing) p += "/";
  return absolute ? `/${p}` : p;
}

export function join(...parts: string[]): string {
  if (win()) return nodePath().join(...parts);
  const kept: string[] = []; // a loop: `filter` costs its first call at every start
  for (const p of parts) if (p.length > 0) kept.push(p);
  return kept.length === 0 ? "." : normalize(kept.join("/"));
}

export function dirname(path: string): string {
  if (win()) return nodePath().dirname(path);
  if (path.length === 0) return ".";
  const hasRoot = path.charCodeAt(0) === 47;
  let end = -1;
  let matchedSlash = true;
  for (let i = path.length - 1; i >= 1; --i) {
    if (path.charCodeAt(i) === 47) {
      if (!matchedSlash) {
        end = i;
        break;
      }
    } else matchedSlash = false;
  }
  if (end === -1) return hasRoot ? "/" : ".";
  if (hasRoot && end === 1) return "//";
  return path.slice(0, end);
}

export function isAbsolute(path: string): boolean {
  if (win()) return nodePath().isAbsolute(path);
  return path.length > 0 && path.charCodeAt(0) === 47;
}
