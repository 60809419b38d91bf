/**
 * Closest known names to a misspelled one (Damerau-Levenshtein, optimal string alignment).
 * Linear in the number of names looked up: the candidates are indexed once (by exact spelling
 * in any case, by their words in any order, and by length), and each distance is computed only
 * within the band the limit allows, stopping as soon as a row exceeds it.
 */

/**
 * Work done so far, counted, not timed: candidates looked at and distance-table cells computed.
 * Tests read it to show that the work grows with the names looked up and nothing else.
 */
export const didYouMeanWork = { lookups: 0, candidates: 0, cells: 0 };

/** The optimal-string-alignment distance of `a` and `b`, or `limit + 1` when it exceeds `limit`. */
export function editDistance(a: string, b: string, limit = Infinity): number {
  const n = a.length, m = b.length;
  const k = Math.min(limit, Math.max(n, m));
  const over = k + 1;
  if (Math.abs(n - m) > k) return over;
  let prev2 = new Int32Array(m + 1);
  let prev = new Int32Array(m + 1);
  let cur = new Int32Array(m + 1);
  for (let j = 0; j <= m; j++) prev[j] = j <= k ? j : over;
  for (let i = 1; i <= n; i++) {
    const lo = Math.max(1, i - k), hi = Math.min(m, i + k);
    cur[0] = i <= k ? i : over;
    if (lo > 1) cur[lo - 1] = over;
    let rowMin = cur[0]!;
    didYouMeanWork.cells += hi - lo + 1;
    for (let j = lo; j <= hi; j++) {
      const cost = a.charCodeAt(i - 1) === b.charCodeAt(j - 1) ? 0 : 1;
      let v = Math.min(prev[j]! + 1, cur[j - 1]! + 1, prev[j - 1]! + cost);
      if (
        i > 1 && j > 1 && a.charCodeAt(i - 1) === b.charCodeAt(j - 2) &&
        a.charCodeAt(i - 2) === b.charCodeAt(j - 1)
      ) v = Math.min(v, prev2[j - 2]! + 1);
      cur[j] = v > over ? over : v;
      if (v < rowMin) rowMin = v;
    }
    if (hi < m) cur[hi + 1] = over;
    if (rowMin > k) return over;
    [prev2, prev, cur] = [prev, cur, prev2];
  }
  return Math.min(prev[m]!, over);
}

interface Entry {
  name: string;
  length: number;
  bag: Int32Array;
}

const BUCKETS = 64;

/** Character counts in 64 buckets (collisions only lower the bound computed from them). */
function bagOf(s: string): Int32Array {
  const bag = new Int32Array(BUCKETS);
  for (let i = 0; i < s.length; i++) bag[s.charCodeAt(i) & (BUCKETS - 1)]!++;
  return bag;
}

/** A lower bound of the edit distance: each edit changes at most one count up and one down. */
function bagDistance(a: Int32Array, b: Int32Array): number {
  let more = 0, less = 0;
  for (let i = 0; i < BUCKETS; i++) {
    const d = a[i]! - b[i]!;
    if (d > 0) more += d;
    else less -= d;
  }
  return Math.max(more, less);
}

interface NameIndex {
  /** Upper-cased spelling or words-in-any-order key → names at distance 0. */
  same: Map<string, string[]>;
  /** Candidates sorted by length, for the length window the limit allows. */
  byLength: Entry[];
}

const INDEXES = new WeakMap<readonly string[], NameIndex>();

function indexOf(candidates: readonly string[]): NameIndex {
  let ix = INDEXES.get(candidates);
  if (ix) return ix;
  const same = new Map<string, string[]>();
  const add = (key: string, name: string) => {
    const list = same.get(key);
    if (!list) same.set(key, [name]);
    else if (!list.includes(name)) list.push(name);
  };
  for (const c of candidates) {
    add(`=${c.toUpperCase()}`, c);
    add(`~${tokensSorted(c)}`, c);
  }
  const byLength = candidates.map((name) => ({ name, length: name.length, bag: bagOf(name) }))
    .sort((x, y) => x.length - y.length);
  ix = { same, byLength };
  INDEXES.set(candidates, ix);
  return ix;
}

/** First index in `byLength` whose length is at least `len` (binary search). */
function firstAtLeast(byLength: readonly Entry[], len: number): number {
  let lo = 0, hi = byLength.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (byLength[mid]!.length < len) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** Up to `max` candidates within a distance that grows with the name's length. */
export function didYouMean(name: string, candidates: readonly string[], max = 3): string[] {
  const limit = Math.max(2, Math.floor(name.length / 4));
  const ix = indexOf(candidates);
  didYouMeanWork.lookups++;
  const found = new Map<string, number>();
  const bag = bagOf(name);
  for (const key of [`=${name.toUpperCase()}`, `~${tokensSorted(name)}`]) {
    for (const c of ix.same.get(key) ?? []) found.set(c, 0);
  }
  for (let i = firstAtLeast(ix.byLength, name.length - limit); i < ix.byLength.length; i++) {
    const e = ix.byLength[i]!;
    if (e.length > name.length + limit) break;
    didYouMeanWork.candidates++;
    if (found.has(e.name) || bagDistance(bag, e.bag) > limit) continue;
    const d = editDistance(name, e.name, limit);
    if (d <= limit) found.set(e.name, d);
  }
  return [...found].sort((x, y) => x[1] - y[1] || (x[0] < y[0] ? -1 : 1))
    .slice(0, max)
    .map((x) => x[0]);
}

/** `docker_default` and `default_docker` are the same words in another order. */
function tokensSorted(s: string): string {
  return s.toLowerCase().split(/[_.-]/).sort().join("_");
}
