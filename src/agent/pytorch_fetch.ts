/**
 * PyTorch resolution over the network: drives the pure generator of pytorch_resolve.ts with a
 * fetcher (GET bodies, HEAD statuses), 10 s per request like the agent. `recordTorchAnswers`
 * collects the answers so `plan()` can replay them as `HostFacts.http`.
 */
import type { HttpAnswer, HttpRequest, TorchResult } from "./pytorch_resolve.ts";

export type Fetcher = (req: HttpRequest) => Promise<HttpAnswer>;

/** A fetcher on the global `fetch`; network errors and timeouts answer status 0. */
export function globalFetcher(timeoutMs = 10_000): Fetcher {
  return async (req) => {
    try {
      const r = await fetch(req.url, {
        method: req.method,
        redirect: "follow",
        signal: AbortSignal.timeout(timeoutMs),
      });
      const body = req.method === "GET" ? await r.text() : undefined;
      return body === undefined ? { status: r.status } : { status: r.status, body };
    } catch {
      return { status: 0 };
    }
  };
}

/** Run a resolution generator against a fetcher; every answer is added to `record`. */
export async function resolveTorchAsync(
  gen: Generator<HttpRequest, TorchResult | null, HttpAnswer>,
  fetcher: Fetcher,
  record: Record<string, HttpAnswer>,
): Promise<TorchResult | null> {
  let step = gen.next();
  while (!step.done) {
    const req = step.value;
    const key = req.method === "HEAD" ? `HEAD ${req.url}` : req.url;
    const answer = record[key] ?? await fetcher(req);
    record[key] = answer;
    step = gen.next(answer);
  }
  return step.value;
}
