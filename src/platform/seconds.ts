/** A duration for messages: `1.5 s` (tenths of a second). */
export function seconds(ms: number): string {
  return `${Math.round(ms / 100) / 10} s`;
}
