/**
 * Strip characters from the ends of a string by scanning, not with `/x+$/`: a regular expression
 * anchored only at the end retries from every position of a long run that is not at the end,
 * which is quadratic in the run's length.
 */
export function stripEnds(
  s: string,
  strip: (code: number) => boolean,
  which: "both" | "end" = "both",
): string {
  let start = 0;
  let end = s.length;
  if (which === "both") { while (start < end && strip(s.charCodeAt(start))) start++; }
  while (end > start && strip(s.charCodeAt(end - 1))) end--;
  return start === 0 && end === s.length ? s : s.slice(start, end);
}
