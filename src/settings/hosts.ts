/**
 * The SDK's host derivation (sdk-config.md §5): the API host from env/config/default, and the
 * web and files hosts derived from it when not given. String tests are case-sensitive, as in
 * the SDK.
 */
import { pyUrlparse } from "./py_urlparse.ts";
import { stripEnds } from "./strip_ends.ts";

export const DEFAULT_API_HOST = "https://api.clear.ml";
export const DEFAULT_WEB_HOST = "https://app.clear.ml";
export const DEFAULT_FILES_HOST = "https://files.clear.ml";

export type Derived =
  | { ok: true; value: string; rule: string }
  /** `reported`: a diagnostic already says it (the files host fails with the web host). */
  | { ok: false; error: string; reported?: boolean };

const NO_WEB = "Could not detect ClearML web application server";

/** Web host from the API host when neither CLEARML_WEB_HOST nor api.web_server is set. */
export function deriveWebHost(api: string, defaultApi = DEFAULT_API_HOST): Derived {
  if (api === defaultApi) {
    return { ok: true, value: DEFAULT_WEB_HOST, rule: "the default API host's web app" };
  }
  if (api.includes("://demoapi.")) {
    return {
      ok: true,
      value: api.replace("://demoapi.", "://demoapp."),
      rule: "demoapi. → demoapp.",
    };
  }
  if (api.includes("://api.")) {
    return { ok: true, value: api.replace("://api.", "://app."), rule: "api. → app." };
  }
  if (pyUrlparse(api).port === 8008) {
    return { ok: true, value: api.replace(":8008", ":8080"), rule: "port 8008 → 8080" };
  }
  return { ok: false, error: `${NO_WEB} (from API host ${api})` };
}

/** Files host from the (given or derived) web host. */
export function deriveFilesHost(
  api: string,
  web: () => Derived,
  defaultApi = DEFAULT_API_HOST,
): Derived {
  if (api === defaultApi) {
    return { ok: true, value: DEFAULT_FILES_HOST, rule: "the default API host's file server" };
  }
  const w = web();
  if (!w.ok) return w;
  const u = pyUrlparse(w.value);
  let netloc = u.netloc;
  let rule: string;
  if (u.port !== undefined) {
    netloc = netloc.replace(`:${u.port}`, ":8081");
    rule = `web host ${w.value}: port ${u.port} → 8081`;
  } else if (netloc.startsWith("demoapp.")) {
    netloc = "demofiles." + netloc.slice("demoapp.".length);
    rule = `web host ${w.value}: demoapp. → demofiles.`;
  } else if (netloc.startsWith("app.")) {
    netloc = "files." + netloc.slice("app.".length);
    rule = `web host ${w.value}: app. → files.`;
  } else {
    netloc += ":8081";
    rule = `web host ${w.value}: port 8081 appended`;
  }
  const scheme = u.scheme ? `${u.scheme}:` : "";
  const slashes = u.netloc || w.value.includes("//") ? "//" : "";
  return { ok: true, value: `${scheme}${slashes}${netloc}${u.rest}`, rule };
}

/** Python's str.rstrip("/"). */
export function rstripSlash(s: string): string {
  return stripEnds(s, (c) => c === 47, "end");
}
