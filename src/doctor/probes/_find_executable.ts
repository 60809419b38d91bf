/** The probes' PATH lookup is the platform's one (src/platform/find_executable.ts). */
export { executablesMatching, findExecutable } from "../../platform/find_executable.ts";
