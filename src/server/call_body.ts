/**
 * The call's data as the real server builds it (server-api.md §1.3): json-lines only for the exact
 * content type, otherwise JSON whatever the content type; then the query string merged in.
 */
import { CallError, errors } from "./call_error.ts";
import { type LogLines, scanLogLines } from "./scan_log_lines.ts";

export type Obj = Record<string, unknown>;

export interface CallBody {
  data: Obj;
  /** The objects of an `application/json-lines` body. */
  batch?: Obj[];
  /** Instead of `batch`: a json-lines body of plain log events, kept as sent. */
  lines?: LogLines;
}

/** werkzeug's text for a body it cannot parse (Flask ≥ 2.3, non-debug). */
export const BAD_REQUEST_TEXT =
  "The browser (or proxy) sent a request that this server could not understand.";

function pyTypeName(v: unknown): string {
  if (v === null) return "NoneType";
  if (Array.isArray(v)) return "list";
  if (typeof v === "string") return "str";
  if (typeof v === "boolean") return "bool";
  if (typeof v === "number") return Number.isInteger(v) ? "int" : "float";
  return "dict";
}

function isObj(v: unknown): v is Obj {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    throw errors.badRequest(BAD_REQUEST_TEXT);
  }
}

/** Digits with at most one `.` become numbers; `true`/`True`/`TRUE` and the falses, booleans. */
function queryValue(v: string): unknown {
  if (/^\d+$/.test(v)) return Number(v);
  if (/^(?:\d+\.\d*|\.\d+)$/.test(v)) return Number(v);
  if (v === "true" || v === "True" || v === "TRUE") return true;
  if (v === "false" || v === "False" || v === "FALSE") return false;
  return v;
}

function mergeQuery(data: Obj, query: URLSearchParams): void {
  const seen = new Set<string>();
  for (const raw of query.keys()) {
    if (seen.has(raw)) continue;
    seen.add(raw);
    const all = query.getAll(raw).map(queryValue);
    const isList = raw.endsWith("[]") || all.length > 1;
    const key = raw.endsWith("[]") ? raw.slice(0, -2) : raw;
    const path = key.split(".");
    let node = data;
    for (const part of path.slice(0, -1)) {
      if (!isObj(node[part])) node[part] = {};
      node = node[part] as Obj;
    }
    node[path[path.length - 1]!] = isList ? all : all[0];
  }
}

const encoder = new TextEncoder();
const decoder = new TextDecoder();

/** The call's data from its body, as text or as the bytes read off the socket (UTF-8). */
export function parseCallBody(
  contentType: string | null,
  raw: string | Uint8Array,
  query: URLSearchParams | undefined,
): CallBody {
  let body: CallBody;
  const lines = contentType === "application/json-lines"
    ? scanLogLines(typeof raw === "string" ? encoder.encode(raw) : raw)
    : undefined;
  const text = lines ? "" : typeof raw === "string" ? raw : decoder.decode(raw);
  if (lines) {
    body = { data: {}, lines };
  } else if (contentType === "application/json-lines") {
    const batch: Obj[] = [];
    for (const line of text.split("\n")) {
      if (!line.trim()) continue;
      const v = parseJson(line);
      if (!isObj(v)) {
        throw new CallError(400, 0, `json lines must contain objects, found: ${pyTypeName(v)}`);
      }
      batch.push(v);
    }
    body = { data: {}, batch };
  } else {
    const v = text.length ? parseJson(text) : null;
    if (v !== null && !isObj(v)) throw new CallError(500, 0, "Data should be a dict");
    body = { data: v ?? {} };
  }
  if (query?.size) mergeQuery(body.data, query);
  return body;
}
