import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { k8sPod, safeLabelValue } from "../../src/agent/k8s_pod.ts";
import { taskOf, viewOf } from "./_plan_input.ts";

const decode = (b64: string) =>
  new TextDecoder().decode(Uint8Array.from(atob(b64), (c) => c.charCodeAt(0)));

function podOf(env: Record<string, string> = {}, conf = "", task = {}) {
  return k8sPod({
    task: taskOf(task),
    view: viewOf(env, conf),
    workerId: "glue",
    configText: "api.host: x",
  });
}

function commandsOf(p: ReturnType<typeof k8sPod>): string {
  const spec = p.manifest.spec as { containers: Array<{ args: string[] }> };
  return spec.containers[0]!.args[1]!;
}

// clearml_agent/glue/k8s.py:82-97,509-547,840-912
describe("k8sPod()", () => {
  it("T88: the start script is appended to CLEARML_K8S_GLUE_START_AGENT_SCRIPT_PATH and run", () => {
    const p = podOf({ CLEARML_K8S_GLUE_START_AGENT_SCRIPT_PATH: "/root/start.sh" });
    const cmds = commandsOf(p);
    const m =
      /echo '([^']+)' \| base64 --decode >> \/root\/start\.sh ; \/bin\/bash \/root\/start\.sh ; exit 0$/
        .exec(cmds);
    assert.ok(m, cmds);
    assert.equal(decode(m[1]!), p.script);
    assert.equal(podOf().scriptPath, "~/__start_agent__.sh");
  });

  it("the script installs clearml-agent unless CLEARML_AGENT_NO_UPDATE and runs execute with the glue args", () => {
    const lines = podOf({}, "", { container: { setup_shell_script: "echo setup" } }).script.split(
      "\n",
    );
    assert.equal(lines[0], "#!/bin/bash");
    assert.ok(
      lines.includes(
        "[ ! -z $CLEARML_AGENT_NO_UPDATE ] || $LOCAL_PYTHON -m pip install clearml-agent",
      ),
    );
    assert.ok(lines.some((l) => l.includes("for i in {20..5}; do which python3.$i")));
    assert.ok(lines.includes("echo setup"));
    assert.equal(
      lines.at(-1),
      "$LOCAL_PYTHON -m clearml_agent execute --full-monitoring --require-queue --id a1b2c3d4e5f6",
    );
    const custom = podOf({
      K8S_GLUE_DEF_EXEC_AGENT_ARGS: "--disable-monitoring",
      K8S_GLUE_POD_AGENT_INSTALL_ARGS: "==1.9.2",
    }).script;
    assert.match(custom, /pip install clearml-agent==1\.9\.2$/m);
    assert.match(custom, /execute --disable-monitoring --id a1b2c3d4e5f6$/);
  });

  it("the configuration adds system_site_packages and the git credentials; masked values are hidden", () => {
    const p = podOf({ CLEARML_AGENT_GIT_USER: "me", CLEARML_AGENT_GIT_PASS: "pw123" });
    assert.equal(
      p.config,
      'api.host: x\nagent.package_manager.system_site_packages: true\nagent.git_user: "me"\nagent.git_pass: "pw123"\n',
    );
    const first = /^echo '([^']+)' \| base64 --decode >> ~\/clearml\.conf/.exec(commandsOf(p));
    assert.equal(decode(first![1]!), p.config);
    const masked = k8sPod({
      task: taskOf(),
      view: viewOf({ CLEARML_AGENT_GIT_PASS: "pw123", CLEARML_AGENT_GIT_USER: "me" }),
      workerId: "g",
      configText: "",
      maskValues: ["pw123"],
    });
    assert.doesNotMatch(masked.config, /pw123/);
    const off = podOf({ CLEARML_AGENT_FORCE_SYSTEM_SITE_PACKAGES: "0" });
    assert.doesNotMatch(off.config, /system_site_packages/);
  });

  it("the default image when the task has none; CLEARML_K8S_GLUE_KIND=job wraps the pod", () => {
    const p = podOf({ CLEARML_DOCKER_IMAGE: "my/img:1" });
    const c = (p.manifest.spec as { containers: Array<{ image: string }> }).containers[0]!;
    assert.equal(c.image, "my/img:1");
    const job = podOf({ CLEARML_K8S_GLUE_KIND: "job" }).manifest;
    assert.equal(job.kind, "Job");
    assert.equal(job.apiVersion, "batch/v1");
    assert.throws(() => podOf({ CLEARML_K8S_GLUE_KIND: "deployment" }), /CLEARML_K8S_GLUE_KIND/);
  });

  it("safeLabelValue() follows the glue's label rules", () => {
    assert.equal(safeLabelValue("  My_Queue.Name!! "), "my-queue-name");
  });
});
