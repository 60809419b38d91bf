/** An OpenSSH host pattern (`*`, `?`), case-insensitive, matched against a whole name. */
export function globMatch(pattern: string, name: string): boolean {
  const re = new RegExp(
    "^" + pattern.replace(/[.+^${}()|[\]\\]/g, "\\$&").replace(/\*/g, ".*").replace(/\?/g, ".") +
      "$",
    "i",
  );
  return re.test(name);
}
