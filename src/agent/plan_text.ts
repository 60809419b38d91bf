/** `renderPlanText()`: a plan (already masked) as text, one block per step. Pure. */
import type { PrintedPlan } from "./plan_mask.ts";
import { shQuote } from "./docker_argv.ts";

const argvText = (argv: readonly string[]) => argv.map(shQuote).join(" ");

export function renderPlanText(p: PrintedPlan): string {
  const out: string[] = [
    `Task ${p.task.id}${
      p.task.name ? ` (${p.task.name})` : ""
    }: ${p.mode} run as worker ${p.workerId}`,
  ];
  for (const w of p.warnings) out.push(`warning: ${w}`);
  p.steps.forEach((s, i) => {
    const n = `${i + 1}.`;
    switch (s.kind) {
      case "code":
        out.push(`${n} code: ${s.source} (${s.why})`);
        if (s.cloneArgv) out.push(`   $ ${argvText(s.cloneArgv)}`);
        if (s.credentials) out.push(`   credentials: ${s.credentials}; rewrite: ${s.rewrite}`);
        if (s.vcsCacheDir) out.push(`   vcs cache: ${s.vcsCacheDir}`);
        if (s.checkout) {
          out.push(`   checkout: ${s.checkout.kind}${s.checkout.ref ? ` ${s.checkout.ref}` : ""}`);
        }
        if (s.diff) out.push(`   diff: ${s.diff.split("\n").length} lines applied with git apply`);
        out.push(
          `   code dir: ${s.codeDir}`,
          `   working dir: ${s.cwd}`,
          `   entry point: ${s.entryPoint}`,
        );
        for (const m of s.messages) out.push(`   ${m}`);
        break;
      case "python-env":
        out.push(
          `${n} python env: ${s.mode} (${s.why}), python ${s.pythonVersion} at ${s.interpreter}`,
        );
        if (s.createArgv) out.push(`   $ ${argvText(s.createArgv)}`);
        out.push(
          `   venv cache: ${
            s.cache.enabled
              ? `${s.cache.dir} keys ${s.cache.keys.join(",")}`
              : `off (${s.cache.why})`
          }`,
        );
        for (const i of s.installs) {
          out.push(`   $ ${argvText(i.argv)}${i.ifExists ? `   (if ${i.ifExists} exists)` : ""}`);
        }
        for (const m of s.messages) out.push(`   ${m}`);
        break;
      case "pytorch":
        out.push(`${n} pytorch: ${s.mode} (${s.why}), cuda ${s.cuda}, python ${s.python ?? "?"}`);
        for (const r of s.requirements) {
          out.push(
            `   ${r.line} → ${r.replacement ?? "(unchanged)"} [${r.status}]${
              r.error ? ` ${r.error}` : ""
            }`,
          );
        }
        if (s.extraIndexUrl) out.push(`   extra index: ${s.extraIndexUrl}`);
        for (const l of s.extraLines) out.push(`   + ${l}`);
        for (const m of s.messages) out.push(`   ${m}`);
        break;
      case "docker":
        out.push(
          `${n} docker: ${s.image} (${s.why}); in the container: ${s.inContainer.runner} (${s.inContainer.why})`,
        );
        out.push(`   $ ${argvText(s.argv)}`);
        for (const m of s.messages) out.push(`   ${m}`);
        break;
      case "child-env":
        out.push(`${n} child environment${s.user ? ` (as user ${s.user})` : ""}:`);
        for (const e of s.set) out.push(`   ${e.name}=${e.value}`);
        for (const u of s.unset) out.push(`   unset ${u}`);
        break;
      case "command":
        out.push(`${n} command (${s.why}):`, `   [${s.cwd}]$ ${argvText(s.argv)}`);
        break;
      case "stdout-file":
        out.push(`${n} stdout and stderr to ${s.path} (${s.why})`);
        break;
      case "services":
        out.push(`${n} services mode: limit ${s.limit < 0 ? "none" : s.limit}`);
        if (s.countArgv) out.push(`   count children: $ ${argvText(s.countArgv)}`);
        break;
    }
  });
  return out.join("\n") + "\n";
}
