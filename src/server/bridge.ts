/**
 * Headers by which the `node:http` bridge (`src/runtime/serve.ts`) hands the app what a `Request`
 * made for Hono cannot carry: the original method (the request is re-made as POST so that a GET
 * keeps its body) and the peer address. The bridge drops these names from incoming requests.
 */
export const METHOD_HEADER = "x-clearml-serve-method";
export const REMOTE_HEADER = "x-clearml-serve-remote";
/** "http" mode: the request path as sent, before `Request`'s URL parsing resolves `..` in it. */
export const RAW_PATH_HEADER = "x-clearml-serve-raw-path";
