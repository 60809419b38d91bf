/** Entity ids as the real server makes them: uuid4 hex, 32 lowercase characters. */
export function newId(): string {
  return crypto.randomUUID().replaceAll("-", "");
}

const CALL_PREFIX = newId().slice(0, 19);
/** 2^52 + the call count: its hex form is "1" and 13 digits, the count zero-padded. */
let callCounter = 2 ** 52;

/**
 * Ids of calls (`meta.id`): 32 hex, unique per process run, without a random draw per call: 19
 * random digits and a 13-digit count (2^52 calls; `padStart` cost a tenth of a ping's time).
 */
export function newCallId(): string {
  callCounter++;
  return CALL_PREFIX + callCounter.toString(16).slice(1);
}
