import type { Origin, ScalarNode } from "../tree.ts";

// Numbers written with a fraction or an exponent are Python floats: `1.0` prints as `1.0` when
// it is concatenated into a string, `1` as `1`.
const floats = new WeakSet<ScalarNode>();

export function markFloat(node: ScalarNode): ScalarNode {
  floats.add(node);
  return node;
}

/** The same scalar at another origin (keeps whether it was a float). */
export function withOrigin(node: ScalarNode, origin: Origin): ScalarNode {
  const copy: ScalarNode = { type: "scalar", value: node.value, origin };
  if (floats.has(node)) floats.add(copy);
  return copy;
}

/**
 * The text of a scalar when the real reader concatenates it into a string: Python's `str()`,
 * so booleans are `True`/`False` and floats print like Python's `repr`.
 */
export function pyStr(node: ScalarNode): string {
  const v = node.value;
  if (typeof v === "string") return v;
  if (v === null) return "None";
  if (typeof v === "boolean") return v ? "True" : "False";
  // A number with a fraction can only be a float.
  if (floats.has(node) || !Number.isInteger(v)) return pyFloatRepr(v);
  return Number.isSafeInteger(v) ? String(v) : BigInt(Math.trunc(v)).toString();
}

/** Python's `repr(float)`: shortest round-trip digits, fixed between 1e-4 and 1e16. */
export function pyFloatRepr(x: number): string {
  if (Number.isNaN(x)) return "nan";
  if (x === Infinity) return "inf";
  if (x === -Infinity) return "-inf";
  if (x === 0) return Object.is(x, -0) ? "-0.0" : "0.0";
  const sign = x < 0 ? "-" : "";
  const [mantissa = "", expText = "0"] = Math.abs(x).toExponential().split("e");
  const digits = mantissa.replace(".", "");
  const exp = Number(expText);
  if (exp >= -4 && exp < 16) {
    if (exp < 0) return `${sign}0.${"0".repeat(-exp - 1)}${digits}`;
    const whole = digits.slice(0, exp + 1).padEnd(exp + 1, "0");
    const frac = digits.slice(exp + 1);
    return `${sign}${whole}.${frac === "" ? "0" : frac}`;
  }
  const mant = digits.length > 1 ? `${digits[0]}.${digits.slice(1)}` : digits;
  const e = String(Math.abs(exp)).padStart(2, "0");
  return `${sign}${mant}e${exp < 0 ? "-" : "+"}${e}`;
}
