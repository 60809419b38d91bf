/**
 * Python `int(text)` in base 10, the parser behind `CLEARML_SET_ITERATION_OFFSET` and other int
 * variables: surrounding whitespace, a sign, single `_` between digits and any Unicode decimal
 * digit (`٣` is 3). `5.0`, `0x10`, `1__0` and `_1` are rejected.
 */
import { isPySpace } from "./py_str.ts";
import { stripEnds } from "./strip_ends.ts";

const DECIMAL = /\p{Nd}/u;

/**
 * The value 0-9 of a Unicode decimal digit, or undefined. Unicode assigns decimal digits only in
 * contiguous runs of ten, 0 to 9, so the offset from the start of the run gives the value.
 */
export function decimalDigitValue(ch: string): number | undefined {
  if (!DECIMAL.test(ch)) return undefined;
  const cp = ch.codePointAt(0)!;
  let start = cp;
  while (DECIMAL.test(String.fromCodePoint(start - 1))) start--;
  return (cp - start) % 10;
}

/**
 * What CPython does before parsing a number: a non-ASCII space becomes ` ` and a non-ASCII
 * decimal digit its ASCII digit; then only C whitespace (space, \t \n \v \f \r) is stripped,
 * so `1\x1c` is not a number although `"\x1c".isspace()` is true.
 */
export function toAsciiNumeric(s: string): string {
  let out = "";
  for (const ch of s) {
    const cp = ch.codePointAt(0)!;
    if (cp < 0x80) out += ch;
    else if (isPySpace(cp)) out += " ";
    else {
      const d = decimalDigitValue(ch);
      out += d === undefined ? ch : String(d);
    }
  }
  // Python's int() strips ASCII whitespace only: \x1c-\x1f stay, so `1\x1c` is no number.
  return stripEnds(out, (c) => c === 32 || (c >= 9 && c <= 13));
}

const INT_LITERAL = /^[+-]?[0-9]+(?:_[0-9]+)*$/;

/** Python `int(s)` (base 10), or undefined where Python raises `ValueError`. */
export function pyInt(s: string): number | undefined {
  const ascii = toAsciiNumeric(s);
  if (!INT_LITERAL.test(ascii)) return undefined;
  const n = Number(BigInt(ascii.replaceAll("_", "")));
  return n === 0 ? 0 : n; // no -0
}
