/** A retry policy that never retries: one attempt per call (tests of what a single call does). */
import type { RetryPolicy } from "../../src/api/settings.ts";

export const NO_RETRIES: RetryPolicy = {
  total: 0,
  connect: 0,
  read: 0,
  status: 0,
  backoffFactor: 0,
  backoffMax: 0,
  statusCodes: [],
  waitOnMaintenanceForever: false,
};
