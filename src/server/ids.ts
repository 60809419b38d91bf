/** Entity ids as the real server makes them: uuid4 hex, 32 lowercase characters. */
export function newId(): string {
  return crypto.randomUUID().replaceAll("-", "");
}

const CALL_PREFIX = newId().slice(0, 16);
let callCounter = 0;

/** Ids of calls (`meta.id`): 32 hex, unique per process run, without a random draw per call. */
export function newCallId(): string {
  callCounter++;
  return CALL_PREFIX + callCounter.toString(16).padStart(16, "0");
}
