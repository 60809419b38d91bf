/** `server.info` (server-api.md §2.2): the version probe, no token; its fields change with 2.8/2.12. */
import { type Routes, versioned } from "../endpoint.ts";
import { MAX_API_VERSION, SERVER_VERSION } from "../version.ts";

const base = () => ({ version: SERVER_VERSION, build: "", commit: "" });

export const serverRoutes: Routes = {
  "server.info": versioned([
    ["1.0", () => base()],
    ["2.8", (call) => ({ ...base(), uid: call.store.serverUid() })],
    ["2.12", () => ({ ...base(), api_version: MAX_API_VERSION })],
  ], false),
};
