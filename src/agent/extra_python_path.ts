/**
 * `extraPythonPath()`: the task's python path with `CLEARML_AGENT_EXTRA_PYTHON_PATH` appended
 * (agent-exec §1 row 21, T59): a separator is added unless the path already ends with one, and
 * every `:` of the value becomes the platform's separator. A missing computed path counts as
 * empty, so the result then starts with the separator.
 */
export function extraPythonPath(
  computed: string | null | undefined,
  extra: string | null | undefined,
  separator: ":" | ";" = ":",
): string | null | undefined {
  if (!extra) return computed;
  let base = computed ?? "";
  if (!base.endsWith(separator)) base += separator;
  return base + extra.replaceAll(":", separator);
}
