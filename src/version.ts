import { isCompiled, runtimeName, runtimeVersion } from "./runtime/info.ts";

// Replaced by `bun build --define` in scripts/build; absent when run from source.
declare const __CLEARML_VERSION__: string | undefined;
declare const __CLEARML_COMMIT__: string | undefined;
declare const __CLEARML_BUILD_DATE__: string | undefined;
declare const __CLEARML_TARGET__: string | undefined;

export const VERSION = typeof __CLEARML_VERSION__ === "string" ? __CLEARML_VERSION__ : "0.1.0";

export interface VersionInfo {
  schema: "clearml.version/v1";
  version: string;
  commit: string;
  buildDate: string;
  runtime: string;
  target: string;
  compiled: boolean;
}

export function versionInfo(): VersionInfo {
  return {
    schema: "clearml.version/v1",
    version: VERSION,
    commit: typeof __CLEARML_COMMIT__ === "string" ? __CLEARML_COMMIT__ : "source",
    buildDate: typeof __CLEARML_BUILD_DATE__ === "string" ? __CLEARML_BUILD_DATE__ : "unbuilt",
    runtime: `${runtimeName()} ${runtimeVersion()}`,
    target: typeof __CLEARML_TARGET__ === "string"
      ? __CLEARML_TARGET__
      : `${process.platform}-${process.arch}`,
    compiled: isCompiled(),
  };
}

export function versionLine(info: VersionInfo): string {
  return `clearml ${info.version} (commit ${info.commit}, built ${info.buildDate}, ` +
    `${info.runtime}, ${info.target})\n`;
}
