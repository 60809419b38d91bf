/**
 * The agent's two CUDA/cuDNN version formats (agent-exec §3.3): `normalize_cuda_version`, which
 * turns `11.8` into `118` when the config or a variable gives a dotted version, and
 * `convert_cuda_version_to_int_10_base_str`, the stricter form the PyTorch resolver uses.
 */
import { pyInt, toAsciiNumeric } from "./py_int.ts";
import { pyRepr } from "./py_str.ts";

const DIGITS = "[0-9](?:_?[0-9])*";
const FLOAT_LITERAL = new RegExp(
  `^[+-]?(?:(?:${DIGITS}(?:\\.(?:${DIGITS})?)?|\\.${DIGITS})(?:[eE][+-]?${DIGITS})?|inf|infinity|nan)$`,
  "i",
);

/** Python `float(s)` for a string, or undefined where Python raises `ValueError`. */
export function pyFloat(s: string): number | undefined {
  const ascii = toAsciiNumeric(s);
  if (!FLOAT_LITERAL.test(ascii)) return undefined;
  const body = ascii.replaceAll("_", "").toLowerCase();
  const sign = body.startsWith("-") ? -1 : 1;
  const bare = body.replace(/^[+-]/, "");
  if (bare === "nan") return NaN;
  if (bare === "inf" || bare === "infinity") return sign * Infinity;
  return Number(body);
}

/**
 * `normalize_cuda_version`: a dotted value becomes `int(float("major.minor") * 10)` as a string
 * (`11.8.89` → `118`); a value without a dot, or one that does not parse, is kept as is
 * (`12` stays `12`, `11.x` stays `11.x`).
 */
export function normalizeCudaVersion(s: string): string {
  if (!s.includes(".")) return s;
  const f = pyFloat(s.split(".").slice(0, 2).join("."));
  if (f === undefined || !Number.isFinite(f * 10)) return s;
  return BigInt(Math.trunc(f * 10)).toString();
}

/** Python `format(x, ".1f")`: exact binary value, ties (only .25 and .75 can tie) to even. */
function pyFormat1f(x: number): string {
  const q = x * 4;
  if (Number.isInteger(q) && q % 2 !== 0) {
    const down = Math.floor(x * 10) / 10;
    const lastDown = Math.abs(Math.round(down * 10)) % 2 === 0;
    return (lastDown ? down : down + 0.1).toFixed(1);
  }
  return x.toFixed(1);
}

/**
 * `convert_cuda_version_to_int_10_base_str`, used by the PyTorch resolver: `""` is `0`; every
 * dot-separated part must be an int; two or more parts, or one number below 60, mean
 * `major.minor` (`12` → `120`, `11.8` → `118`); one number from 60 up is already ×10 (`118`).
 * The minor is read as the decimal fraction `.minor` and rounded to one digit, as the agent does
 * (`11.12` → `111`). Throws with Python's `ValueError` text.
 */
export function cudaVersionInt10(s: string): string {
  const parts = (s === "" ? "0" : s).split(".").map((p) => {
    const n = pyInt(p);
    if (n === undefined) throw new Error(`invalid literal for int() with base 10: ${pyRepr(p)}`);
    return n;
  });
  const major = parts[0]!;
  const minor = parts[1];
  let tenths = major;
  if (minor !== undefined || major < 60) {
    tenths = 10 * major;
    if (minor !== undefined) {
      const text = `.${minor}`;
      const frac = pyFloat(text);
      if (frac === undefined) throw new Error(`could not convert string to float: ${pyRepr(text)}`);
      tenths += frac * 10;
    }
  }
  const full = pyFormat1f(tenths / 10);
  return BigInt(Math.trunc(Number(full) * 10)).toString();
}
