/**
 * Long values for the linear-time tests and benchmark (issue 9 §1): one long token, and long
 * runs of every character class the masking scanners look at (scheme letters, `://`, userinfo,
 * `@`, `/`, spaces, `=` and `:` separators, secret names, quotes, backslashes, `-e` pairs).
 */

/** The runs, each a unit repeated: a scanner that backtracks over one of them is quadratic. */
export const RUN_UNITS: readonly string[] = [
  "a",
  "1",
  "a+.-",
  ":",
  "a://",
  "a://b:",
  "https://u:p@",
  "@",
  "/",
  " ",
  "\t",
  "=",
  "x=",
  "pass=",
  '"',
  "'",
  '"pass":',
  "'token': ",
  "token:",
  "-e ",
  "-e A_TOKEN=v ",
  "--env=X_PASS=",
  '\\"',
  "_",
  "{secret: ",
  "CLEARML_EOF_",
  "é\u3000",
];

/** `unit` repeated to exactly `length` characters. */
export function repeatTo(unit: string, length: number): string {
  return unit.repeat(Math.ceil(length / unit.length)).slice(0, length);
}

/** One value of `length` characters made of a run of every unit, separated by newlines. */
export function mixedRuns(length: number): string {
  const run = Math.floor(length / RUN_UNITS.length);
  return RUN_UNITS.map((unit) => repeatTo(unit, run - 1)).join("\n");
}
