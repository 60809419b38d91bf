/** Helpers for the `--format '{{json .}}'` outputs of the docker CLI. */
export type Json = Record<string, unknown>;

/** `v` when it is a plain object. */
export function jsonObject(v: unknown): Json | undefined {
  return v !== null && typeof v === "object" && !Array.isArray(v) ? v as Json : undefined;
}

/** The first line of `text` that parses as a JSON object (warnings may come before it). */
export function jsonObjectLine(text: string): Json | undefined {
  const line = text.split("\n").find((l) => l.trim().startsWith("{"));
  if (line === undefined) return undefined;
  try {
    return jsonObject(JSON.parse(line));
  } catch {
    return undefined;
  }
}

/** A non-empty string field. */
export function jsonString(o: Json | undefined, k: string): string | undefined {
  return typeof o?.[k] === "string" && o[k] !== "" ? o[k] as string : undefined;
}
