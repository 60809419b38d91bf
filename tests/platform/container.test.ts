/**
 * The one container detection: every marker on its own (a host shows none), the facts read from
 * a fake machine, and doctor's docker and server categories agreeing on the same machine.
 */
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import {
  type ContainerFacts,
  containerMarkers,
  detectContainer,
  gatherContainerFacts,
} from "../../src/platform/container.ts";
import { fakeHost } from "../_helpers/fake_host.ts";

const FIXTURES = join(dirname(fileURLToPath(import.meta.url)), "../fixtures/doctor/docker");
const fixture = (name: string) => readFileSync(join(FIXTURES, name), "utf8");

const HOST: ContainerFacts = {
  dockerenv: false,
  containerenv: false,
  cgroup: fixture("proc_1_cgroup_host_v2.txt"),
  rootMount: fixture("mountinfo_ext4_root.txt"),
};

describe("containerMarkers()", () => {
  it("finds nothing on a host (cgroup v2 root, ext4 root, no variables)", () => {
    assert.deepEqual(containerMarkers(HOST, { PATH: "/usr/bin", HOME: "/root" }), []);
  });

  const cases: Array<[string, Partial<ContainerFacts>, Record<string, string>, RegExp]> = [
    ["/.dockerenv", { dockerenv: true }, {}, /^\/\.dockerenv exists$/],
    ["/run/.containerenv", { containerenv: true }, {}, /\/run\/\.containerenv exists \(podman\)/],
    ["/run/systemd/container", { systemdContainer: "lxc" }, {}, /systemd\/container says lxc/],
    [
      "docker in /proc/1/cgroup (v1)",
      { cgroup: fixture("proc_1_cgroup_docker_v1.txt") },
      {},
      /^\/proc\/1\/cgroup: 12:pids:\/docker\/4f2a/,
    ],
    [
      "kubepods in /proc/1/cgroup",
      { cgroup: "0::/\n11:cpu:/kubepods/burstable/pod1234/abcd\n" },
      {},
      /^\/proc\/1\/cgroup: 11:cpu:\/kubepods\/burstable/,
    ],
    [
      "kubepods.slice (systemd cgroup driver)",
      { cgroup: "0::/kubepods.slice/kubepods-besteffort.slice/cri-containerd-1.scope\n" },
      {},
      /kubepods\.slice/,
    ],
    ["lxc in /proc/1/cgroup", { cgroup: "1:name=systemd:/lxc/web01\n" }, {}, /\/lxc\/web01/],
    [
      "ECS in /proc/1/cgroup",
      { cgroup: "9:perf_event:/ecs/task-id/container-id\n" },
      {},
      /\/ecs\/task-id/,
    ],
    [
      "libpod in /proc/1/cgroup",
      { cgroup: "0::/machine.slice/libpod-abc.scope\n" },
      {},
      /libpod-abc/,
    ],
    [
      "an overlay root file system",
      { rootMount: fixture("mountinfo_overlay_root.txt") },
      {},
      /root file system is overlay/,
    ],
    [
      "container= (in a container)",
      {},
      { container: "podman" },
      /container=podman is set \(in a container\)/,
    ],
    [
      "KUBERNETES_SERVICE_HOST",
      {},
      { KUBERNETES_SERVICE_HOST: "10.0.0.1" },
      /KUBERNETES_SERVICE_HOST is set/,
    ],
    [
      "ECS_CONTAINER_METADATA_URI_V4",
      {},
      { ECS_CONTAINER_METADATA_URI_V4: "http://169.254.170.2/v4/x" },
      /ECS_CONTAINER_METADATA_URI_V4 is set \(Amazon ECS\)/,
    ],
    [
      "ECS_CONTAINER_METADATA_URI",
      {},
      { ECS_CONTAINER_METADATA_URI: "http://169.254.170.2/v3/x" },
      /ECS_CONTAINER_METADATA_URI is set/,
    ],
  ];
  for (const [name, facts, env, expected] of cases) {
    it(`a container by ${name} alone`, () => {
      const markers = containerMarkers({ ...HOST, ...facts }, env);
      assert.equal(markers.length, 1, JSON.stringify(markers));
      assert.match(markers[0]!, expected);
    });
  }

  it("an empty container= or KUBERNETES_SERVICE_HOST is no marker", () => {
    assert.deepEqual(containerMarkers(HOST, { container: "", KUBERNETES_SERVICE_HOST: "" }), []);
  });

  it("a cgroup path that merely contains 'dock' is no marker", () => {
    assert.deepEqual(
      containerMarkers({ ...HOST, cgroup: "0::/user.slice/dockyard.service\n" }, {}),
      [],
    );
  });
});

describe("gatherContainerFacts() / detectContainer()", () => {
  it("reads the marker files of a Kubernetes pod through the host facts", async () => {
    const host = fakeHost({
      files: {
        "/proc/1/cgroup": "12:pids:/kubepods/besteffort/pod9/c0ffee\n0::/\n",
        "/proc/self/mountinfo": fixture("mountinfo_overlay_root.txt"),
        "/run/systemd/container": "docker\n",
      },
      stats: { "/.dockerenv": { exists: true, kind: "file", mode: 0o755, uid: 0, gid: 0 } },
    });
    const facts = await gatherContainerFacts(host);
    assert.equal(facts.dockerenv, true);
    assert.equal(facts.containerenv, false);
    assert.equal(facts.systemdContainer, "docker");
    assert.match(facts.rootMount ?? "", / \/ \/ .* - overlay /);
    const where = await detectContainer({}, host);
    assert.equal(where.inContainer, true);
    assert.deepEqual(where.evidence.map((e) => e.split(" ")[0]), [
      "/.dockerenv",
      "/run/systemd/container",
      "/proc/1/cgroup:",
      "the",
    ]);
  });

  it("says not in a container on a machine with none of the files", async () => {
    const where = await detectContainer({}, fakeHost({}));
    assert.deepEqual(where, { inContainer: false, evidence: [] });
  });
});
