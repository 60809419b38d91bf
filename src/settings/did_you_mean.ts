/** Closest known names to a misspelled one (Damerau-Levenshtein, optimal string alignment). */
export function editDistance(a: string, b: string): number {
  const d: number[][] = [];
  for (let i = 0; i <= a.length; i++) d.push([i, ...new Array<number>(b.length).fill(0)]);
  for (let j = 0; j <= b.length; j++) d[0]![j] = j;
  for (let i = 1; i <= a.length; i++) {
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      let v = Math.min(d[i - 1]![j]! + 1, d[i]![j - 1]! + 1, d[i - 1]![j - 1]! + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) {
        v = Math.min(v, d[i - 2]![j - 2]! + 1);
      }
      d[i]![j] = v;
    }
  }
  return d[a.length]![b.length]!;
}

/** Up to `max` candidates within a distance that grows with the name's length. */
export function didYouMean(name: string, candidates: readonly string[], max = 3): string[] {
  const limit = Math.max(2, Math.floor(name.length / 4));
  const upper = name.toUpperCase();
  const sorted = tokensSorted(name);
  return candidates
    .map((c) => ({
      c,
      d: c.toUpperCase() === upper || tokensSorted(c) === sorted ? 0 : editDistance(name, c),
    }))
    .filter((x) => x.d <= limit)
    .sort((x, y) => x.d - y.d || (x.c < y.c ? -1 : 1))
    .slice(0, max)
    .map((x) => x.c);
}

/** `docker_default` and `default_docker` are the same words in another order. */
function tokensSorted(s: string): string {
  return s.toLowerCase().split(/[_.-]/).sort().join("_");
}
