/**
 * Web page sessions: a random 256-bit id in an HttpOnly, SameSite=Strict cookie, and the session
 * itself only on the server (a map; a restart logs everyone out). An id the server did not issue
 * finds nothing, so a forged cookie is simply unknown.
 */
export const SESSION_COOKIE = "clearml_web_session";
/** A session lives 12 hours from login. */
export const SESSION_SECONDS = 12 * 3600;
const MAX_SESSIONS = 10_000;

interface Session {
  accessKey: string;
  expires: number;
}

/** The value of cookie `name` in a `Cookie` header, or undefined. */
export function cookieValue(header: string | null, name: string): string | undefined {
  if (!header) return undefined;
  for (const part of header.split(";")) {
    const eq = part.indexOf("=");
    if (eq < 0) continue;
    if (part.slice(0, eq).trim() === name) return part.slice(eq + 1).trim();
  }
  return undefined;
}

export class WebSessions {
  readonly #sessions = new Map<string, Session>();
  readonly #now: () => number;

  constructor(now: () => number = Date.now) {
    this.#now = now;
  }

  /** A new session for a checked key pair; returns its id. */
  open(accessKey: string): string {
    const now = this.#now();
    if (this.#sessions.size >= MAX_SESSIONS) this.#sweep(now);
    const id = Buffer.from(crypto.getRandomValues(new Uint8Array(32))).toString("base64url");
    this.#sessions.set(id, { accessKey, expires: now + SESSION_SECONDS * 1000 });
    return id;
  }

  /** The session of an id, or undefined when unknown or expired. */
  find(id: string | undefined): Session | undefined {
    if (!id) return undefined;
    const s = this.#sessions.get(id);
    if (!s) return undefined;
    if (s.expires <= this.#now()) {
      this.#sessions.delete(id);
      return undefined;
    }
    return s;
  }

  close(id: string | undefined): void {
    if (id) this.#sessions.delete(id);
  }

  #sweep(now: number): void {
    for (const [id, s] of this.#sessions) if (s.expires <= now) this.#sessions.delete(id);
    // still full: the oldest go first (a Map iterates in insertion order)
    for (const id of this.#sessions.keys()) {
      if (this.#sessions.size < MAX_SESSIONS) break;
      this.#sessions.delete(id);
    }
  }

  /** `Set-Cookie` for a new session. */
  static cookie(id: string): string {
    return `${SESSION_COOKIE}=${id}; Path=/; HttpOnly; SameSite=Strict; Max-Age=${SESSION_SECONDS}`;
  }

  /** `Set-Cookie` that removes the session cookie. */
  static clearCookie(): string {
    return `${SESSION_COOKIE}=; Path=/; HttpOnly; SameSite=Strict; Max-Age=0`;
  }
}
