/**
 * The Content-Type of a stored file, from its name, as the real fileserver (Python's `mimetypes`)
 * answers for the files ClearML stores; a compressed file (`.gz`) is served as bytes, never with a
 * Content-Encoding that a client would undo.
 */
const TYPES: Record<string, string> = {
  txt: "text/plain; charset=utf-8",
  log: "text/plain; charset=utf-8",
  csv: "text/csv; charset=utf-8",
  json: "application/json",
  yaml: "application/x-yaml",
  yml: "application/x-yaml",
  html: "text/html; charset=utf-8",
  htm: "text/html; charset=utf-8",
  png: "image/png",
  jpg: "image/jpeg",
  jpeg: "image/jpeg",
  gif: "image/gif",
  svg: "image/svg+xml",
  webp: "image/webp",
  mp4: "video/mp4",
  wav: "audio/x-wav",
  mp3: "audio/mpeg",
  pdf: "application/pdf",
  zip: "application/zip",
  tar: "application/x-tar",
  py: "text/x-python; charset=utf-8",
};

export function contentTypeOf(name: string): string {
  const base = name.slice(name.lastIndexOf("/") + 1).toLowerCase();
  if (/\.(gz|tgz|bz2|xz|z)$/.test(base)) return "application/octet-stream";
  const dot = base.lastIndexOf(".");
  return (dot > 0 && TYPES[base.slice(dot + 1)]) || "application/octet-stream";
}
