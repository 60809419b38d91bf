/**
 * What passes between the `node:http` bridge (`src/runtime/serve.ts`) and the apps.
 *
 * The headers by which the bridge hands Hono what a `Request` cannot carry: the original method
 * (in "call" mode the request is re-made as POST so that a GET keeps its body) and the peer
 * address. The bridge drops these names from incoming requests.
 *
 * The direct path: the ClearML API calls are answered from the request as the bridge read it off
 * the socket, without making a `Request`, copying headers or building a `Response` — that work
 * cost more than the call itself (profiled). Everything else goes through `fetch`.
 */
export const METHOD_HEADER = "x-clearml-serve-method";
export const REMOTE_HEADER = "x-clearml-serve-remote";
/** "http" mode: the request path as sent, before `Request`'s URL parsing resolves `..` in it. */
export const RAW_PATH_HEADER = "x-clearml-serve-raw-path";

/** A request as `node:http` read it. */
export interface BridgeRequest {
  method: string;
  /** Path and query, as sent. */
  url: string;
  /** Lower-case names; values joined by node:http (set-cookie aside, which requests lack). */
  headers: Readonly<Record<string, string | string[] | undefined>>;
  body: Uint8Array | undefined;
  remote: string;
}

export interface BridgeReply {
  status: number;
  headers: Record<string, string>;
  /** Text, or bytes (a compressed answer). */
  body: string | Uint8Array<ArrayBuffer>;
}

/**
 * Answers a request (at once, or later for calls that wait, like a group commit), or returns
 * undefined to hand it to the app's `fetch`.
 */
export type DirectHandler = (
  req: BridgeRequest,
) => BridgeReply | Promise<BridgeReply> | undefined;
