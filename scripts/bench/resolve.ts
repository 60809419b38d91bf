/**
 * Full resolution for both consumers with 200 environment variables set and a realistic
 * clearml.conf, in-process. Target: ≤ 5 ms per resolution. Baseline in the same run: parsing
 * the same clearml.conf alone.
 *   bun scripts/bench/resolve.ts [RUNS]
 */
import { resolve } from "../../src/settings/resolve.ts";
import { memoryFs } from "../../src/settings/fs_view.ts";
import { parseHocon } from "../../src/settings/hocon/parse.ts";
import { CATALOGUE } from "../../src/settings/catalogue.ts";
import { fmtMs, median } from "./_stats.ts";

const runs = Number(process.argv[2] ?? 200);
const conf = `
api {
  api_server: https://api.example.com
  web_server: https://app.example.com
  files_server: https://files.example.com
  credentials {"access_key": "AK0123456789", "secret_key": "SK0123456789abcdef"}
  verify_certificate: true
}
sdk {
  storage { cache { default_base_dir: "~/.clearml/cache" } }
  development { default_output_uri: "s3://bucket/out", log_os_environments: ["AWS_*", "MY_VAR"] }
  aws { s3 { key: "k", secret: "s", region: "us-east-1", credentials: [ { bucket: "b1", key: "k1", secret: "s1" } ] } }
}
agent {
  worker_name: "bench-host"
  git_user: "me"
  git_pass: "token"
  package_manager { type: pip, extra_index_url: ["https://idx.example.com/simple"], pytorch_resolve: "pip" }
  default_docker { image: "nvidia/cuda:11.8.0-runtime-ubuntu22.04", arguments: ["--ipc=host"] }
  extra_docker_arguments: ["--network", "host"]
  venvs_cache { max_entries: 10, free_space_threshold_gb: 2.0, path: ~/.clearml/venvs-cache }
}
`;

const env: Record<string, string> = { HOME: "/home/bench", PATH: "/usr/bin:/bin" };
const values: Record<string, string> = {
  bool: "true",
  int: "3",
  list: "--ipc=host -e A=1",
  url: "https://api.example.com",
};
for (const v of CATALOGUE) {
  if (Object.keys(env).length >= 120) break;
  env[v.name] = values[v.type] ?? "value";
}
delete env.CLEARML_CONFIG_FILE;
delete env.CLEARML_CONFIG_PATH;
delete env.CLEARML_ENV;
for (let i = 0; Object.keys(env).length < 170; i++) env[`CLEARML_AGENT__AGENT__X${i}`] = `"v${i}"`;
for (let i = 0; Object.keys(env).length < 200; i++) env[`OTHER_VAR_${i}`] = `x${i}`;

const fs = memoryFs({ "/home/bench/clearml.conf": conf });
const input = { env, home: "/home/bench", cwd: "/home/bench", fs };
const time = (f: () => unknown): number => {
  const t0 = performance.now();
  f();
  return performance.now() - t0;
};
for (let i = 0; i < 20; i++) {
  resolve({ ...input, consumer: "sdk" });
  resolve({ ...input, consumer: "agent" });
}
const base: number[] = [];
const sdk: number[] = [];
const agent: number[] = [];
for (let i = 0; i < runs; i++) {
  base.push(time(() => parseHocon(conf, { file: "clearml.conf", env })));
  sdk.push(time(() => resolve({ ...input, consumer: "sdk" })));
  agent.push(time(() => resolve({ ...input, consumer: "agent" })));
}
console.log(`resolution, ${Object.keys(env).length} env vars, ${runs} runs each`);
console.log(`  baseline parseHocon(clearml.conf): median ${fmtMs(median(base))}`);
console.log(
  `  resolve sdk:   median ${fmtMs(median(sdk))} (${
    (median(sdk) / median(base)).toFixed(1)
  }x baseline)`,
);
console.log(
  `  resolve agent: median ${fmtMs(median(agent))} (${
    (median(agent) / median(base)).toFixed(1)
  }x baseline)`,
);
console.log(`  target ≤ 5 ms each`);
