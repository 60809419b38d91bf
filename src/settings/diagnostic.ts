/** A problem found while resolving settings (its own module: resolve.ts and resolve_hosts.ts both report them). */
export interface Diagnostic {
  level: "error" | "warning";
  /** What it is about: a variable name, a file, a key. */
  subject: string;
  message: string;
  /**
   * For a fatal one: `use` when the real program stops only where it uses the value (running a
   * task), not while it loads its configuration, so `config show` still prints.
   */
  stops?: "load" | "use";
  /** The configuration keys the problem leaves without a usable value. */
  keys?: string[];
}
