/**
 * Datetimes as the real server prints them: ISO-8601 with `+00:00`, the fraction only when it is
 * not zero, milliseconds padded to microseconds as values read back from its database are.
 */
export function isoDate(ms: number): string {
  const d = new Date(ms);
  const base = d.toISOString().slice(0, 19);
  const frac = d.getUTCMilliseconds();
  return frac ? `${base}.${String(frac).padStart(3, "0")}000+00:00` : `${base}+00:00`;
}

/** Epoch milliseconds of a date this server wrote (or of any ISO-8601 text). */
export function dateMs(text: unknown): number | undefined {
  if (typeof text !== "string") return undefined;
  const ms = Date.parse(text);
  return Number.isNaN(ms) ? undefined : ms;
}
