/** What the agent probe found, for the agent checks: data flows probe → snapshot → check. */
export interface AgentSnapshot {
  /** `platform.node()`: the default worker name. */
  hostname: string;
  /** Programs looked up on PATH (never run): name → path, or null when not found. */
  executables: Record<string, string | null>;
}
