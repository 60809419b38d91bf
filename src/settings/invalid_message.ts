import type { ConsumerRule } from "./variable.ts";
import type { VariableState } from "./read_variable.ts";

const BOOL_SPELLINGS = "y, yes, t, true, on, 1 or n, no, f, false, off, 0";

/** The message for a value that does not convert, naming the variable, value and expected form. */
export function invalidMessage(s: VariableState, rule: ConsumerRule): string {
  const name = s.name ?? s.variable.name;
  const shown = s.variable.secret ? "********" : s.raw ?? "";
  const error = s.variable.secret ? (s.error ?? "").replaceAll(s.raw ?? "\0", "********") : s.error;
  if (rule.onInvalid !== "fatal") {
    // The SDK's own words (environment.py:32-34), then what it does about it.
    return `Environment configuration: invalid value ${name}=${shown}: ${error} ` +
      `(the ${s.consumer} ignores it and uses the configuration or default value)`;
  }
  let expected = "";
  if (rule.converter === "agent-bool" || rule.converter === "strict-bool") {
    expected = ` (accepted spellings, without surrounding spaces: ${BOOL_SPELLINGS})`;
  } else if (rule.converter === "shlex-list") {
    expected = " (a shell-quoted list: every quote must be closed)";
  }
  return `${name}=${JSON.stringify(shown)} is invalid for the ${s.consumer}: ${error}${expected}`;
}
