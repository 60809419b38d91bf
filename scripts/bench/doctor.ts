/**
 * Doctor benchmark with the compiled binary, against the compiled hello floor in the same run:
 *  (a) `clearml doctor --offline` — target median ≤ 300 ms;
 *  (b) online against a local HTTPS fake ClearML API (debug.ping, server.info, auth.login) —
 *      target ≤ 1 s;
 *  (c) a black-holed API host (accepts TCP, never answers) with `--timeout 3` — target ≤ 3.5 s.
 *   bun scripts/bench/doctor.ts [RUNS]
 */
import { execFile } from "node:child_process";
import { existsSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fmtMs, loadLine, median } from "./_stats.ts";
import { benchBinaries } from "./_binaries.ts";
import { makePki, startFakeServer } from "../../tests/_helpers/fake_clearml_server.ts";

const runs = Number(process.argv[2] ?? 10);
const { bin, floor } = benchBinaries();

/** Async, so that the in-process fake servers keep answering while the binary runs. */
function timed(cmd: string, args: string[], env: Record<string, string>): Promise<number> {
  const t0 = performance.now();
  return new Promise((resolve) => {
    execFile(cmd, args, { env, maxBuffer: 64 << 20 }, () => resolve(performance.now() - t0));
  });
}

async function series(cmd: string, args: string[], env: Record<string, string>, n: number) {
  await timed(cmd, args, env); // warm-up
  const xs: number[] = [];
  for (let i = 0; i < n; i++) xs.push(await timed(cmd, args, env));
  return median(xs);
}

const home = mkdtempSync(join(tmpdir(), "clearml-bench-doctor-"));
const base = { PATH: process.env.PATH ?? "/usr/bin:/bin", HOME: home };
const pki = makePki();
const api = await startFakeServer({
  mode: "api",
  tls: { key: pki.key, cert: pki.cert },
  credentials: [{ key: "BENCHKEY1234", secret: "BENCHSECRET" }],
});
const hang = await startFakeServer({ mode: "hang" });
try {
  const floorMs = await series(floor, [], base, runs);
  const offline = await series(bin, ["doctor", "--offline", "--json"], base, runs);
  // pyenv shims first on PATH, as pyenv users have them (each shim is a shell script)
  const shims = join(process.env.PYENV_ROOT ?? join(process.env.HOME ?? "", ".pyenv"), "shims");
  const withShims = existsSync(shims)
    ? await series(bin, ["doctor", "--offline", "--json"], {
      ...base,
      PATH: `${shims}:${base.PATH}`,
    }, runs)
    : undefined;

  const conf = (host: string) =>
    `api { api_server: "${host}", web_server: "${host}", files_server: "${host}"\n` +
    `  credentials { access_key: "BENCHKEY1234", secret_key: "BENCHSECRET" } }\n`;
  writeFileSync(join(home, "clearml.conf"), conf(api.url));
  const onlineEnv = { ...base, CLEARML_API_HOST_VERIFY_CERT: pki.caPath };
  const online = await series(bin, ["doctor", "--json"], onlineEnv, runs);

  writeFileSync(join(home, "clearml.conf"), conf(hang.url));
  const blackholed = await series(
    bin,
    ["doctor", "--json", "--timeout", "3"],
    base,
    Math.min(runs, 5),
  );

  console.log(
    `doctor (compiled), median of ${runs} runs each (black-holed: ${
      Math.min(runs, 5)
    }; ${loadLine()})`,
  );
  console.log(`  floor (compiled hello):             ${fmtMs(floorMs)}`);
  console.log(
    `  doctor --offline:                   ${fmtMs(offline)}  (${
      (offline / floorMs).toFixed(1)
    }x floor; target ≤ 300 ms)`,
  );
  console.log(
    `  doctor --offline, pyenv shims:      ${
      withShims === undefined ? `no ${shims} here` : fmtMs(withShims)
    }  (target ≤ 300 ms)`,
  );
  console.log(`  doctor, local HTTPS API:            ${fmtMs(online)}  (target ≤ 1000 ms)`);
  console.log(`  doctor --timeout 3, black-holed API: ${fmtMs(blackholed)}  (target ≤ 3500 ms)`);
} finally {
  await api.close();
  await hang.close();
  pki.cleanup();
  rmSync(home, { recursive: true, force: true });
}
