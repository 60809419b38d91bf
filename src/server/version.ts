/** API versions as the real server compares them: `major.minor` tuples (server-api.md §1.8). */
export type Version = readonly [number, number];

/** The highest API version of server 2.0.0: the token claim, `server.info` and unversioned paths. */
export const MAX_API_VERSION = "2.31";
/** The real server version this one answers as (clients gate features on it). */
export const SERVER_VERSION = "2.0.0";

const parsed = new Map<string, Version>();

/** Memoised: every call parses its path's version and its endpoint's minimum versions. */
export function parseVersion(text: string): Version {
  let v = parsed.get(text);
  if (!v) {
    const [a = "0", b = "0"] = text.split(".");
    v = [Number(a), Number(b)];
    // a client can send any number of distinct versions; keep the memo bounded
    if (parsed.size < 1000) parsed.set(text, v);
  }
  return v;
}

export function compareVersion(a: Version, b: Version): number {
  return a[0] - b[0] || a[1] - b[1];
}

export function atLeast(v: Version, min: string): boolean {
  return compareVersion(v, parseVersion(min)) >= 0;
}

/** `meta.endpoint.*_version`: a string, or a number below 2.1 (server-api.md §1.7). */
export function versionValue(text: string): string | number {
  return compareVersion(parseVersion(text), [2, 1]) < 0 ? Number(text) : text;
}
