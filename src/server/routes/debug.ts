/** `debug.ping` (server-api.md §2.3): liveness, no token, echoes the request fields. */
import { endpoint, type Routes } from "../endpoint.ts";

export const debugRoutes: Routes = {
  "debug.ping": endpoint("1.0", (call) => ({ msg: "ClearML server", ...call.data }), false),
};
