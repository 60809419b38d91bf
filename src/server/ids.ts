/** Entity ids as the real server makes them: uuid4 hex, 32 lowercase characters. */
export function newId(): string {
  return crypto.randomUUID().replaceAll("-", "");
}
