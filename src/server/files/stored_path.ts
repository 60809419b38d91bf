/**
 * A client's name for a stored file, checked and normalised to a relative path under the files
 * root. The real fileserver strips leading `/` from upload names (the SDK sends `/project/…`) and
 * gives up on what `safe_join` refuses; we refuse the same and more, with a 400 that says why:
 * `..`, absolute or drive paths, NUL and other control characters, backslashes (a Windows
 * separator that would smuggle `..\`), over-long names. Empty and `.` segments collapse, as
 * `normpath` does.
 */
import { FilesError } from "./files_error.ts";

/** Longest name of one path segment that Linux file systems take (bytes). */
const MAX_SEGMENT_BYTES = 255;
const MAX_PATH_BYTES = 4000;

function refuse(shown: string, why: string): never {
  throw new FilesError(400, `Invalid file path ${JSON.stringify(shown)}: ${why}`);
}

/**
 * `name` as given in an upload's form field (leading `/` stripped, as the real server) or, with
 * `fromUrl`, the URL path after the route's own `/` (percent-decoded; a leading `/` left there
 * means an absolute path).
 */
export function storedPath(name: string, fromUrl = false): string {
  let text = name;
  if (fromUrl) {
    try {
      text = decodeURIComponent(name);
    } catch {
      refuse(name, "malformed percent-encoding");
    }
    if (text.startsWith("/")) refuse(text, "absolute paths are not allowed");
  } else {
    text = text.replace(/^\/+/, "");
  }
  const shown = text.length > 200 ? `${text.slice(0, 200)}…` : text;
  if (text.includes("\0")) refuse(shown, "it contains a NUL byte");
  // deno-lint-ignore no-control-regex
  if (/[\x01-\x1f\x7f]/.test(text)) refuse(shown, "it contains control characters");
  if (text.includes("\\")) refuse(shown, "backslashes are not allowed (use /)");
  if (/^[A-Za-z]:/.test(text)) refuse(shown, "drive paths are not allowed");
  if (Buffer.byteLength(text) > MAX_PATH_BYTES) {
    refuse(shown, `longer than ${MAX_PATH_BYTES} bytes`);
  }
  const segments: string[] = [];
  for (const s of text.split("/")) {
    if (s === "" || s === ".") continue;
    if (s === "..") refuse(shown, "'..' is not allowed");
    if (Buffer.byteLength(s) > MAX_SEGMENT_BYTES) {
      refuse(shown, `a name longer than ${MAX_SEGMENT_BYTES} bytes`);
    }
    segments.push(s);
  }
  if (segments.length === 0) refuse(shown, "no file name");
  return segments.join("/");
}
