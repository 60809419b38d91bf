/**
 * The docker category: parsers on real and hand-written fixtures, every check on snapshots,
 * and the probe on a fake machine. Fixture provenance: tests/fixtures/doctor/docker/README.md.
 */
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { dirname, join } from "node:path";
import { dockerCategory } from "../../src/doctor/checks/docker.ts";
import {
  type DockerSnapshot,
  endpointFromEnv,
  endpointTarget,
  probeDocker,
} from "../../src/doctor/probes/docker_probe.ts";
import type { StatResult } from "../../src/platform/host_facts.ts";
import { dockerImageRef } from "../../src/doctor/parse/docker_image_ref.ts";
import { dockerVersionJson } from "../../src/platform/parse/docker_version_json.ts";
import { dockerInfoJson } from "../../src/platform/parse/docker_info_json.ts";
import { agentDockerImage } from "../../src/doctor/parse/agent_docker_image.ts";
import type { CheckResult, DoctorInput, ProbeTools } from "../../src/doctor/types.ts";
import type { ExecResult } from "../../src/platform/exec.ts";
import { doctorInput } from "../_helpers/doctor_input.ts";
import { CWD, HOME } from "../_helpers/resolve.ts";
import { resolve } from "../../src/settings/resolve.ts";
import { memoryFs } from "../../src/settings/fs_view.ts";
import { fakeHost } from "../_helpers/fake_host.ts";

const FIXTURES = join(dirname(fileURLToPath(import.meta.url)), "../fixtures/doctor/docker");
const fixture = (name: string) => readFileSync(join(FIXTURES, name), "utf8");
const CONF = "/home/u/clearml.conf";

function ran(stdout: string, more: Partial<ExecResult> = {}): ExecResult {
  return { code: 0, stdout, stderr: "", timedOut: false, notFound: false, durationMs: 40, ...more };
}

function failed(stem: string): ExecResult {
  return ran(fixture(`${stem}.stdout`), { code: 1, stderr: fixture(`${stem}.stderr`) });
}

const SOCKET: StatResult = { exists: true, kind: "socket", mode: 0o660, uid: 0, gid: 998 };

/** A Linux host with a running docker 20.10 daemon, no GPU, not in a container. */
function healthy(over: Partial<DockerSnapshot> = {}): DockerSnapshot {
  return {
    platform: "linux",
    cliPath: "/usr/bin/docker",
    version: ran(fixture("version_daemon_20.10.stdout")),
    info: ran(fixture("info_daemon_20.10.stdout")),
    endpoint: { url: "unix:///var/run/docker.sock", source: "default" },
    socket: { path: "/var/run/docker.sock", stat: SOCKET, connect: { outcome: "ok" } },
    user: { uid: 1000, gids: [1000, 998], groupNames: { "1000": "u", "998": "docker" } },
    nvidiaDriver: false,
    toolkit: {},
    cdiSpecs: {},
    container: {
      dockerenv: false,
      containerenv: false,
      cgroup: fixture("proc_1_cgroup_host_v2.txt"),
      rootMount: fixture("mountinfo_ext4_root.txt"),
    },
    skipped: [],
    ...over,
  };
}

/** A host whose docker CLI finds no daemon: the socket is gone. */
function noDaemon(over: Partial<DockerSnapshot> = {}): DockerSnapshot {
  return healthy({
    version: failed("version_no_daemon"),
    info: undefined,
    socket: {
      path: "/var/run/docker.sock",
      stat: { exists: false, error: "ENOENT" },
      connect: { outcome: "absent", error: "ENOENT" },
    },
    ...over,
  });
}

/** An input whose agent settings come with a `--docker` flag: docker mode is asked for. */
function withDocker(env: Record<string, string> = {}): DoctorInput {
  const input = doctorInput(env);
  return {
    ...input,
    agent: resolve({
      consumer: "agent",
      env: input.env,
      home: HOME,
      cwd: CWD,
      fs: memoryFs({}),
      flags: [{ key: "agent.default_docker.image", value: "python:3.10", flag: "--docker" }],
    }),
  };
}

function check(id: string, s: DockerSnapshot, input: DoctorInput = doctorInput()): CheckResult {
  const c = dockerCategory.checks.find((k) => k.id === id);
  assert.ok(c, `no check ${id}`);
  return c.run(s, input);
}

describe("dockerImageRef()", () => {
  const valid: Array<[string, string]> = [
    ["ubuntu", "docker.io/library/ubuntu:latest"],
    [
      "nvidia/cuda:11.0.3-cudnn8-runtime-ubuntu20.04",
      "docker.io/nvidia/cuda:11.0.3-cudnn8-runtime-ubuntu20.04",
    ],
    ["localhost:5000/team/img:v1", "localhost:5000/team/img:v1"],
    ["registry.example.com/a__b/c--d.e_f:1.0-rc_2", "registry.example.com/a__b/c--d.e_f:1.0-rc_2"],
    ["[::1]:5000/img:tag", "[::1]:5000/img:tag"],
    [`python@sha256:${"a".repeat(64)}`, `docker.io/library/python@sha256:${"a".repeat(64)}`],
    [`ghcr.io/o/r:3.11@sha256:${"0".repeat(64)}`, `ghcr.io/o/r:3.11@sha256:${"0".repeat(64)}`],
  ];
  for (const [ref, canonical] of valid) {
    it(`dockerImageRef() accepts ${ref}`, () => {
      const r = dockerImageRef(ref);
      assert.ok(r.ok, JSON.stringify(r));
      assert.equal(r.canonical, canonical);
    });
  }
  const invalid: Array<[string, RegExp]> = [
    ["", /empty/],
    ["Nvidia/cuda:12", /upper case/],
    ["nvidia/CUDA:12", /must be lower case/],
    ['"nvidia/cuda:12"', /quote characters/],
    ["'ubuntu'", /quote characters/],
    ["nvidia/cuda 12", /a space/],
    ["ubuntu:", /tag after `:` is empty/],
    ["ubuntu:-bad", /tag "-bad"/],
    [`ubuntu:${"t".repeat(129)}`, /129 characters long/],
    ["ubuntu@sha256:abc", /not algorithm:hex/],
    [`ubuntu@sha256:${"a".repeat(40)}`, /64 hex digits, this one has 40/],
    ["team/", /empty component/],
    ["team/a..b", /single separators/],
    ["a..b/c", /registry host "a..b" is not a valid host name/],
    ["-lead/img", /single separators/],
    ["my_reg:5o00/img", /port "5o00" is not a number/],
    ["im$age", /contains "\$"/],
  ];
  for (const [ref, problem] of invalid) {
    it(`dockerImageRef() rejects ${JSON.stringify(ref)} and says why`, () => {
      const r = dockerImageRef(ref);
      assert.equal(r.ok, false);
      if (!r.ok) assert.match(r.problems.join("; "), problem);
    });
  }
});

describe("docker JSON parsers", () => {
  it("dockerVersionJson() reads client and server of a real docker version", () => {
    const v = dockerVersionJson(fixture("version_daemon_20.10.stdout"));
    assert.deepEqual(v?.client, { version: "28.2.2", apiVersion: "1.41", context: "default" });
    assert.equal(v?.server?.version, "20.10.24+dfsg1");
    assert.equal(v?.server?.apiVersion, "1.41");
  });

  it("dockerVersionJson() keeps the client when the daemon is down (Server: null)", () => {
    const v = dockerVersionJson(fixture("version_no_daemon.stdout"));
    assert.equal(v?.client?.version, "28.2.2");
    assert.equal(v?.server, undefined);
  });

  it("dockerVersionJson() gives undefined for output that holds no JSON", () => {
    assert.equal(dockerVersionJson('template: :1:2: executing "" at <.Foo>'), undefined);
    assert.equal(dockerVersionJson("{not json"), undefined);
  });

  it("dockerInfoJson() lists the runtimes of a real daemon and no CDI dirs before docker 25", () => {
    const info = dockerInfoJson(fixture("info_daemon_20.10.stdout"));
    assert.deepEqual(info?.runtimes, [
      "io.containerd.runc.v2",
      "io.containerd.runtime.v1.linux",
      "runc",
    ]);
    assert.equal(info?.defaultRuntime, "runc");
    assert.equal(info?.cdiSpecDirs, undefined);
    assert.equal(info?.rootless, false);
  });

  it("dockerInfoJson() finds the nvidia runtime, CDI dirs and rootless mode", () => {
    const gpu = dockerInfoJson(fixture("info_nvidia_26.1.stdout"));
    assert.ok(gpu?.runtimes.includes("nvidia"));
    assert.deepEqual(gpu?.cdiSpecDirs, ["/etc/cdi", "/var/run/cdi"]);
    const rootless = dockerInfoJson(fixture("info_rootless_24.0.stdout"));
    assert.equal(rootless?.rootless, true);
    assert.equal(rootless?.warnings.length, 2);
  });

  it("dockerInfoJson() of an unreachable daemon has no server version", () => {
    const info = dockerInfoJson(fixture("info_no_daemon.stdout"));
    assert.equal(info?.serverVersion, undefined);
    assert.deepEqual(info?.runtimes, []);
  });
});

describe("docker.cli", () => {
  it("docker.cli passes with the client and server versions", () => {
    const r = check("docker.cli", healthy());
    assert.equal(r.status, "pass");
    assert.match(r.summary, /docker CLI 28\.2\.2 \(\/usr\/bin\/docker\); server 20\.10\.24\+dfsg1/);
  });

  it("docker.cli passes with the client version when the daemon is down", () => {
    const r = check("docker.cli", noDaemon());
    assert.equal(r.status, "pass");
    assert.match(r.summary, /server not reachable/);
  });

  it("docker.cli skips without a docker CLI when nothing asks for docker mode", () => {
    const r = check("docker.cli", healthy({ cliPath: undefined, version: undefined }));
    assert.equal(r.status, "skip");
    assert.match(r.summary, /docker CLI not found on PATH.*docker mode is optional/);
  });

  it("docker.cli fails without a docker CLI when a --docker flag asks for docker mode", () => {
    const r = check(
      "docker.cli",
      healthy({ cliPath: undefined, version: undefined }),
      withDocker(),
    );
    assert.equal(r.status, "fail");
    assert.match(r.summary, /docker mode is asked for \(flag --docker\)/);
  });

  it("docker.cli only warns without a docker CLI when CLEARML_AGENT_EXTRA_DOCKER_ARGS is set, and says why", () => {
    const input = doctorInput({ CLEARML_AGENT_EXTRA_DOCKER_ARGS: "--ipc=host" });
    const r = check("docker.cli", healthy({ cliPath: undefined, version: undefined }), input);
    assert.equal(r.status, "warn");
    assert.match(
      r.summary,
      /docker settings are set \(env CLEARML_AGENT_EXTRA_DOCKER_ARGS\), but they apply only when the agent runs with --docker/,
    );
  });

  it("docker.cli only warns without a docker CLI when clearml.conf sets agent.extra_docker_arguments", () => {
    const input = doctorInput({}, { [CONF]: 'agent.extra_docker_arguments: ["--ipc=host"]' });
    const r = check("docker.cli", healthy({ cliPath: undefined, version: undefined }), input);
    assert.equal(r.status, "warn");
    assert.match(r.summary, /agent\.extra_docker_arguments \(\/home\/u\/clearml\.conf:1:/);
  });

  it("docker.cli warns when docker version hangs without printing anything", () => {
    const r = check(
      "docker.cli",
      healthy({ version: ran("", { code: null, timedOut: true, durationMs: 5000 }) }),
    );
    assert.equal(r.status, "warn");
    assert.match(r.summary, /did not finish within 5 s/);
  });
});

describe("docker.daemon", () => {
  const dockerMode = withDocker();

  it("docker.daemon only warns about a stopped daemon when nothing asks for docker mode", () => {
    const r = check("docker.daemon", noDaemon());
    assert.equal(r.status, "warn");
    assert.match(r.summary, /nothing here asks for docker mode/);
  });

  it("docker.daemon: agent.extra_docker_arguments without docker mode is the usual warning, saying why (issue 8 §3)", () => {
    const input = doctorInput({}, { [CONF]: 'agent.extra_docker_arguments: ["--ipc=host"]' });
    const r = check("docker.daemon", noDaemon(), input);
    assert.equal(r.status, "warn");
    assert.match(
      r.summary,
      /^the docker daemon is not running: \/var\/run\/docker\.sock does not exist \(docker settings are set \(agent\.extra_docker_arguments \(\/home\/u\/clearml\.conf:1:\d+\)\), but they apply only when the agent runs with --docker, and nothing here asks for docker mode\)$/,
    );
    assert.deepEqual(r.evidence?.dockerSettings, [
      r.summary.match(/agent\.extra_docker_arguments \([^)]*\)/)![0],
    ]);
  });

  it("docker.daemon: CLEARML_DOCKER_IMAGE alone is a setting for --docker, not docker mode", () => {
    const r = check(
      "docker.daemon",
      noDaemon(),
      doctorInput({ CLEARML_DOCKER_IMAGE: "python:3.10" }),
    );
    assert.equal(r.status, "warn");
    assert.match(r.summary, /docker settings are set \(env CLEARML_DOCKER_IMAGE\)/);
  });

  it("docker.daemon passes with the server version and the endpoint", () => {
    const r = check("docker.daemon", healthy());
    assert.equal(r.status, "pass");
    assert.equal(r.evidence?.serverVersion, "20.10.24+dfsg1");
    assert.match(
      r.summary,
      /20\.10\.24\+dfsg1 answers at unix:\/\/\/var\/run\/docker\.sock \(default\)/,
    );
  });

  it("docker.daemon fails with 'does not exist' when the socket is absent (real docker output)", () => {
    const r = check("docker.daemon", noDaemon(), dockerMode);
    assert.equal(r.status, "fail");
    assert.equal(r.evidence?.reason, "absent");
    assert.match(r.summary, /not running: \/var\/run\/docker\.sock does not exist/);
    assert.ok(r.fix?.commands?.includes("sudo systemctl start docker"));
  });

  it("docker.daemon fails with 'stale socket' when the socket refuses connections", () => {
    const s = healthy({
      version: failed("version_refused"),
      info: undefined,
      socket: {
        path: "/tmp/dk.KQfr/s",
        stat: SOCKET,
        connect: { outcome: "refused", error: "ECONNREFUSED" },
      },
    });
    const r = check("docker.daemon", s, dockerMode);
    assert.equal(r.status, "fail");
    assert.equal(r.evidence?.reason, "refused");
    assert.match(r.summary, /exists but refuses connections \(stale socket\)/);
    assert.ok(r.fix?.commands?.includes("sudo systemctl restart docker"));
  });

  it("docker.daemon fails with 'permission denied' and the usermod fix for a user outside group docker", () => {
    const s = healthy({
      version: failed("version_permission_denied"),
      info: undefined,
      socket: {
        path: "/tmp/dk.KQfr/s",
        stat: SOCKET,
        connect: { outcome: "permission", error: "EACCES" },
      },
      user: { uid: 65534, gids: [65534], groupNames: { "998": "docker" } },
    });
    const r = check("docker.daemon", s, dockerMode);
    assert.equal(r.status, "fail");
    assert.equal(r.evidence?.reason, "permission");
    assert.match(
      r.summary,
      /permission denied on \/tmp\/dk\.KQfr\/s: your user is not in group docker/,
    );
    assert.ok(r.details?.some((d) => d.includes("rw-rw---- uid 0 gid 998 (docker)")));
    assert.ok(r.fix?.commands?.includes("sudo usermod -aG docker $USER"));
  });

  it("docker.daemon tells absent, stale and permission apart with three different summaries", () => {
    const summaries = new Set([
      check("docker.daemon", noDaemon(), dockerMode).summary,
      check(
        "docker.daemon",
        noDaemon({
          socket: { path: "/var/run/docker.sock", stat: SOCKET, connect: { outcome: "refused" } },
        }),
      ).summary,
      check(
        "docker.daemon",
        noDaemon({
          version: failed("version_permission_denied"),
          socket: {
            path: "/var/run/docker.sock",
            stat: SOCKET,
            connect: { outcome: "permission" },
          },
        }),
      ).summary,
    ]);
    assert.equal(summaries.size, 3);
  });

  it("docker.daemon warns when the daemon does not answer in time", () => {
    const s = healthy({
      version: ran(fixture("version_no_daemon.stdout"), {
        code: null,
        timedOut: true,
        durationMs: 5000,
      }),
      info: undefined,
    });
    const r = check("docker.daemon", s, dockerMode);
    assert.equal(r.status, "warn");
    assert.match(r.summary, /did not answer within 5 s/);
  });

  it("docker.daemon fails for a DOCKER_HOST TCP endpoint that refuses connections", () => {
    const s = noDaemon({
      endpoint: { url: "tcp://10.0.0.5:2375", source: "DOCKER_HOST" },
      socket: undefined,
      tcp: { host: "10.0.0.5", port: 2375, connect: { outcome: "refused", error: "ECONNREFUSED" } },
    });
    const r = check("docker.daemon", s, dockerMode);
    assert.equal(r.status, "fail");
    assert.match(r.summary, /not reachable at tcp 10\.0\.0\.5:2375: ECONNREFUSED/);
  });

  it("docker.daemon says when docker is rootless and repeats the daemon's warnings", () => {
    const r = check("docker.daemon", healthy({ info: ran(fixture("info_rootless_24.0.stdout")) }));
    assert.equal(r.status, "pass");
    assert.ok(r.details?.some((d) => /rootless/.test(d)));
    assert.ok(r.details?.includes("WARNING: No cpu cfs quota support"));
  });

  it("docker.daemon in a container points at mounting the host's socket", () => {
    const r = check(
      "docker.daemon",
      noDaemon({ container: { dockerenv: true, containerenv: false } }),
    );
    assert.ok(r.details?.some((d) => d.includes("-v /var/run/docker.sock:/var/run/docker.sock")));
  });
});

describe("docker.version", () => {
  it("docker.version passes for 20.10 (--gpus supported)", () => {
    const r = check("docker.version", healthy());
    assert.equal(r.status, "pass");
    assert.match(r.summary, /server 20\.10\.24\+dfsg1, client 28\.2\.2: 19\.03 or later/);
  });

  it("docker.version fails for 18.09 when the agent would pass --gpus all", () => {
    const r = check("docker.version", healthy({ version: ran(fixture("version_18.09.stdout")) }));
    assert.equal(r.status, "fail");
    assert.match(r.summary, /client 18\.09\.7, server 18\.09\.7 is older than 19\.03.*--gpus all/);
  });

  it("docker.version passes for 18.09 with CLEARML_DOCKER_SKIP_GPUS_FLAG set", () => {
    const input = doctorInput({ CLEARML_DOCKER_SKIP_GPUS_FLAG: "1" });
    const r = check(
      "docker.version",
      healthy({ version: ran(fixture("version_18.09.stdout")) }),
      input,
    );
    assert.equal(r.status, "pass");
    assert.match(r.summary, /CLEARML_DOCKER_SKIP_GPUS_FLAG is set/);
  });

  it("docker.version skips when only the client is known", () => {
    const r = check("docker.version", noDaemon());
    assert.equal(r.status, "skip");
    assert.match(r.summary, /client 28\.2\.2; server version unknown/);
  });
});

describe("docker.runtimes", () => {
  it("docker.runtimes passes on a GPU host whose docker has the nvidia runtime", () => {
    const r = check(
      "docker.runtimes",
      healthy({ nvidiaDriver: true, info: ran(fixture("info_nvidia_26.1.stdout")) }),
    );
    assert.equal(r.status, "pass");
    assert.match(r.summary, /runtime nvidia/);
  });

  it('catches user-pain E28: could not select device driver "" on a GPU host without the toolkit', () => {
    const r = check("docker.runtimes", healthy({ nvidiaDriver: true }));
    assert.equal(r.status, "fail");
    assert.match(r.summary, /docker cannot start GPU containers/);
    assert.ok(r.details?.some((d) => d.includes('could not select device driver ""')));
    assert.ok(r.fix?.commands?.includes("sudo nvidia-ctk runtime configure --runtime=docker"));
  });

  it("docker.runtimes passes with only nvidia-container-runtime-hook on PATH (what --gpus uses)", () => {
    const r = check(
      "docker.runtimes",
      healthy({
        nvidiaDriver: true,
        toolkit: { "nvidia-container-runtime-hook": "/usr/bin/nvidia-container-runtime-hook" },
      }),
    );
    assert.equal(r.status, "pass");
  });

  it("docker.runtimes passes with CDI specs only", () => {
    const r = check(
      "docker.runtimes",
      healthy({ nvidiaDriver: true, cdiSpecs: { "/etc/cdi": ["nvidia.yaml"] } }),
    );
    assert.equal(r.status, "pass");
    assert.match(r.summary, /CDI specs \/etc\/cdi\/nvidia\.yaml/);
  });

  it("docker.runtimes warns on a GPU-less host where the agent would still pass --gpus all", () => {
    const r = check("docker.runtimes", healthy());
    assert.equal(r.status, "warn");
    assert.match(r.summary, /--gpus all/);
    assert.match(r.fix?.text ?? "", /--cpu-only/);
  });

  it("docker.runtimes skips on a GPU-less host with NVIDIA_VISIBLE_DEVICES=none", () => {
    const r = check("docker.runtimes", healthy(), doctorInput({ NVIDIA_VISIBLE_DEVICES: "none" }));
    assert.equal(r.status, "skip");
    assert.match(r.summary, /no NVIDIA GPU on this host/);
  });

  it("docker.runtimes skips on a GPU-less host in CPU-only mode (CLEARML_CPU_ONLY=1)", () => {
    const r = check("docker.runtimes", healthy(), doctorInput({ CLEARML_CPU_ONLY: "1" }));
    assert.equal(r.status, "skip");
  });

  it("docker.runtimes skips when the daemon is down", () => {
    const r = check("docker.runtimes", noDaemon({ nvidiaDriver: true }));
    assert.equal(r.status, "skip");
    assert.match(r.summary, /not reachable/);
  });
});

describe("docker.image", () => {
  it("docker.image passes for the shipped default image and says where it comes from", () => {
    const r = check("docker.image", healthy());
    assert.equal(r.status, "pass");
    assert.match(r.summary, /nvidia\/cuda:11\.0\.3-cudnn8-runtime-ubuntu20\.04 \(default/);
    assert.equal(r.evidence?.canonical, "docker.io/nvidia/cuda:11.0.3-cudnn8-runtime-ubuntu20.04");
  });

  it("catches user-pain E30: an image that is not present locally is reported before the first task", () => {
    const input = doctorInput({ CLEARML_DOCKER_IMAGE: "my_docker" });
    const s = healthy({
      image: {
        ref: "my_docker",
        inspect: ran("", { code: 1, stderr: "Error: No such image: my_docker\n" }),
      },
    });
    const r = check("docker.image", s, input);
    assert.equal(r.evidence?.local, false);
    assert.ok(r.details?.some((d) => /not present locally/.test(d)));
    assert.ok(r.details?.some((d) => /:latest/.test(d)));
  });

  it("docker.image fails on upper case in CLEARML_DOCKER_IMAGE, naming the variable", () => {
    const r = check(
      "docker.image",
      healthy(),
      doctorInput({ CLEARML_DOCKER_IMAGE: "MyOrg/Trainer:1" }),
    );
    assert.equal(r.status, "fail");
    assert.match(
      r.summary,
      /"MyOrg\/Trainer:1" \(env CLEARML_DOCKER_IMAGE\) is not a valid image reference/,
    );
    assert.match(r.details!.join("\n"), /registry host/);
  });

  it("docker.image fails on quotes kept inside the value", () => {
    const r = check(
      "docker.image",
      healthy(),
      doctorInput({ CLEARML_DOCKER_IMAGE: '"nvidia/cuda:12.2.2"' }),
    );
    assert.equal(r.status, "fail");
    assert.match(r.summary, /quote characters/);
  });

  it("docker.image fails on a bad digest in clearml.conf, with the file position", () => {
    const input = doctorInput({}, { [CONF]: 'agent.default_docker.image: "nvidia/cuda@latest"' });
    const r = check("docker.image", healthy(), input);
    assert.equal(r.status, "fail");
    assert.match(r.summary, /\/home\/u\/clearml\.conf:1:\d+/);
    assert.match(r.summary, /not algorithm:hex/);
  });

  // clearml_agent/commands/worker.py:4076-4082,4556
  it("docker.image splits an image value with arguments as the agent does", () => {
    const input = doctorInput({ CLEARML_DOCKER_IMAGE: "myorg/base:1 --ipc=host --shm-size=8g" });
    const a = agentDockerImage(input.agent);
    assert.equal(a.image, "myorg/base:1");
    assert.deepEqual(a.imageArgs, ["--ipc=host", "--shm-size=8g"]);
    const r = check("docker.image", healthy(), input);
    assert.equal(r.status, "pass");
    assert.match(r.summary, /myorg\/base:1 .* with arguments --ipc=host --shm-size=8g/);
  });

  it("docker.image warns when two spaces in the value give an empty docker argument", () => {
    const input = doctorInput({ CLEARML_DOCKER_IMAGE: "myorg/base:1  --ipc=host" });
    const r = check("docker.image", healthy(), input);
    assert.equal(r.status, "warn");
    assert.match(r.summary, /empty docker argument/);
  });

  it("docker.image warns about an invalid image in a match rule", () => {
    const input = doctorInput({}, {
      [CONF]:
        'agent.default_docker.match_rules: [{image: "Python:3.11", match: {script: {binary: "python3.11$"}}}]',
    });
    const r = check("docker.image", healthy(), input);
    assert.equal(r.status, "warn");
    assert.match(r.summary, /match_rules\[0\]\.image "Python:3\.11"/);
  });
});

describe("docker.args", () => {
  it("docker.args skips when no docker arguments are set", () => {
    assert.equal(check("docker.args", healthy()).status, "skip");
  });

  it("docker.args fails on a list element holding a flag and its value, showing the argv", () => {
    const input = doctorInput({}, {
      [CONF]: 'agent.extra_docker_arguments: ["--shm-size 8g", "--ipc=host"]',
    });
    const r = check("docker.args", healthy(), input);
    assert.equal(r.status, "fail");
    assert.match(r.summary, /"--shm-size 8g" is passed to docker as ONE argument/);
    assert.ok(r.details?.some((d) => d.includes('argv ["--shm-size 8g","--ipc=host"]')));
  });

  it("docker.args fails on agent.extra_docker_arguments written as one string", () => {
    const input = doctorInput({}, {
      [CONF]: 'agent.extra_docker_arguments: "--ipc=host --shm-size=8g"',
    });
    const r = check("docker.args", healthy(), input);
    assert.equal(r.status, "fail");
    assert.match(r.summary, /is a string, so docker gets ONE argument "--ipc=host --shm-size=8g"/);
  });

  it("docker.args passes a well-split list and keeps a quoted value with a space whole", () => {
    const input = doctorInput({
      CLEARML_AGENT_EXTRA_DOCKER_ARGS: `--ipc=host -e 'GREETING=hello world'`,
    });
    const r = check("docker.args", healthy(), input);
    assert.equal(r.status, "pass");
    assert.deepEqual(
      (r.evidence?.lists as Array<{ argv: string[] }>)[0]?.argv,
      ["--ipc=host", "-e", "GREETING=hello world"],
    );
  });

  it("docker.args fails when CLEARML_AGENT_EXTRA_DOCKER_ARGS has an unclosed quote", () => {
    const r = check(
      "docker.args",
      healthy(),
      doctorInput({ CLEARML_AGENT_EXTRA_DOCKER_ARGS: `-e "A=1` }),
    );
    assert.equal(r.status, "fail");
    assert.match(r.summary, /No closing quotation/);
  });

  it("docker.args warns when an -e value names a variable the agent's environment lacks", () => {
    const input = doctorInput({
      CLEARML_AGENT_EXTRA_DOCKER_ARGS: "-e TOKEN=${HF_TOKEN} -e U=$USER",
      USER: "u",
    });
    const r = check("docker.args", healthy(), input);
    assert.equal(r.status, "warn");
    assert.match(r.summary, /\$HF_TOKEN is not set/);
    assert.ok(!r.details?.some((d) => d.includes("$USER is not set")));
  });

  it("docker.args masks secrets in the argv it shows", () => {
    const input = doctorInput({
      CLEARML_AGENT_EXTRA_DOCKER_ARGS: "-e AWS_SECRET_ACCESS_KEY=abc123",
    });
    const r = check("docker.args", healthy(), input);
    assert.ok(!JSON.stringify(r).includes("abc123"));
    assert.ok(JSON.stringify(r.evidence).includes("AWS_SECRET_ACCESS_KEY=********"));
  });

  it("docker.args checks agent.default_docker.arguments too", () => {
    const input = doctorInput({}, { [CONF]: 'agent.default_docker.arguments: ["-v /data:/data"]' });
    const r = check("docker.args", healthy(), input);
    assert.equal(r.status, "fail");
    assert.match(r.summary, /agent\.default_docker\.arguments/);
  });
});

describe("docker.labels", () => {
  it("docker.labels skips when CLEARML_AGENT_EXTRA_DOCKER_LABELS is unset", () => {
    assert.equal(check("docker.labels", healthy()).status, "skip");
  });

  // clearml_agent/commands/worker.py:4486-4488
  it("docker.labels turns each shell word into -l <label>", () => {
    const input = doctorInput({ CLEARML_AGENT_EXTRA_DOCKER_LABELS: 'team=ml "owner=John Doe"' });
    const r = check("docker.labels", healthy(), input);
    assert.equal(r.status, "pass");
    assert.deepEqual(r.evidence?.argv, ["-l", "team=ml", "-l", "owner=John Doe"]);
  });

  it("docker.labels fails on an unclosed quote, which fails every task in the daemon loop", () => {
    const input = doctorInput({ CLEARML_AGENT_EXTRA_DOCKER_LABELS: 'owner="John Doe' });
    const r = check("docker.labels", healthy(), input);
    assert.equal(r.status, "fail");
    assert.match(r.summary, /No closing quotation/);
    assert.match(r.details!.join("\n"), /stays in_progress/);
  });

  it("docker.labels warns on a label without =value and on the agent's own label keys", () => {
    const input = doctorInput({ CLEARML_AGENT_EXTRA_DOCKER_LABELS: "gpu clearml-worker-id=x" });
    const r = check("docker.labels", healthy(), input);
    assert.equal(r.status, "warn");
    assert.match(r.summary, /"gpu" has no =value/);
    assert.ok(r.details?.some((d) => /set by the agent itself/.test(d)));
  });
});

describe("docker.host_mount", () => {
  const target = (exists: boolean): DockerSnapshot["hostMountTarget"] => ({
    path: "/home/u/.clearml",
    stat: exists
      ? { exists: true, kind: "dir", mode: 0o755, uid: 0, gid: 0 }
      : { exists: false, error: "ENOENT" },
  });

  it("docker.host_mount skips when unset on a machine that is not a container", () => {
    assert.equal(check("docker.host_mount", healthy()).status, "skip");
  });

  it("docker.host_mount fails without ':' (agent-exec row 24: paths get garbled)", () => {
    const input = doctorInput({ CLEARML_AGENT_DOCKER_HOST_MOUNT: "/mnt/host/data" });
    const r = check("docker.host_mount", healthy(), input);
    assert.equal(r.status, "fail");
    assert.match(r.summary, /CLEARML_AGENT_DOCKER_HOST_MOUNT=\/mnt\/host\/data has no ':'/);
  });

  // clearml_agent/commands/worker.py:4493-4552
  it("docker.host_mount passes when every cache folder is under the container path", () => {
    const input = doctorInput({
      CLEARML_AGENT_DOCKER_HOST_MOUNT: "/mnt/host/data:/home/u/.clearml",
    });
    const r = check("docker.host_mount", healthy({ hostMountTarget: target(true) }), input);
    assert.equal(r.status, "pass");
    const mapped = r.evidence?.mapped as string[];
    assert.ok(mapped.includes("/home/u/.clearml/apt-cache → /mnt/host/data/apt-cache"));
    assert.equal(mapped.length, 6);
  });

  it("docker.host_mount warns about cache folders outside the container path", () => {
    const input = doctorInput(
      { CLEARML_AGENT_DOCKER_HOST_MOUNT: "/mnt/host/data:/home/u/.clearml" },
      { [CONF]: 'agent.docker_pip_cache: "/var/cache/pip"' },
    );
    const r = check("docker.host_mount", healthy({ hostMountTarget: target(true) }), input);
    assert.equal(r.status, "warn");
    assert.match(r.summary, /agent\.docker_pip_cache = \/var\/cache\/pip/);
  });

  it("docker.host_mount fails when the container path does not exist here", () => {
    const input = doctorInput({
      CLEARML_AGENT_DOCKER_HOST_MOUNT: "/mnt/host/data:/home/u/.clearml",
    });
    const r = check("docker.host_mount", healthy({ hostMountTarget: target(false) }), input);
    assert.equal(r.status, "fail");
    assert.match(r.summary, /does not exist here/);
  });

  it("docker.host_mount warns in a container that talks to a daemon without a host mount", () => {
    const s = healthy({
      container: {
        dockerenv: true,
        containerenv: false,
        cgroup: fixture("proc_1_cgroup_docker_v1.txt"),
      },
    });
    const r = check("docker.host_mount", s);
    assert.equal(r.status, "warn");
    assert.match(r.fix?.text ?? "", /CLEARML_AGENT_DOCKER_HOST_MOUNT=<host path>:<path here>/);
  });
});

describe("docker.in_container", () => {
  it("docker.in_container passes with 'not inside a container' on the host fixtures", () => {
    const r = check("docker.in_container", healthy());
    assert.equal(r.status, "pass");
    assert.equal(r.summary, "not inside a container");
  });

  it("docker.in_container finds /.dockerenv, a docker cgroup and an overlay root", () => {
    const s = healthy({
      container: {
        dockerenv: true,
        containerenv: false,
        cgroup: fixture("proc_1_cgroup_docker_v1.txt"),
        rootMount: fixture("mountinfo_overlay_root.txt").split("\n")[0],
      },
    });
    const r = check("docker.in_container", s);
    assert.equal(r.status, "pass");
    const markers = r.evidence?.markers as string[];
    assert.equal(markers.length, 3);
    assert.ok(markers.some((m) => m.startsWith("/proc/1/cgroup: 12:pids:/docker/")));
    assert.ok(markers.includes("the root file system is overlay (/proc/self/mountinfo)"));
  });

  it("docker.in_container catches a Kubernetes pod by its kubepods cgroup alone", () => {
    const s = healthy({
      container: {
        dockerenv: false,
        containerenv: false,
        cgroup: "11:cpu:/kubepods/burstable/pod42/abc\n0::/\n",
      },
    });
    const r = check("docker.in_container", s);
    assert.equal(
      r.summary,
      "inside a container (/proc/1/cgroup: 11:cpu:/kubepods/burstable/pod42/abc)",
    );
    assert.equal(r.evidence?.inContainer, true);
  });

  it("docker.in_container catches the container= variable (in a container) alone", () => {
    const r = check("docker.in_container", healthy(), doctorInput({ container: "lxc" }));
    assert.equal(r.summary, "inside a container (container=lxc is set (in a container))");
  });

  it("docker.in_container advises mounting the host's socket when no daemon answers", () => {
    const r = check(
      "docker.in_container",
      noDaemon({ container: { dockerenv: true, containerenv: false } }),
    );
    assert.ok(r.details?.some((d) => d.includes("/var/run/docker.sock")));
  });
});

// ── the probe, on a fake machine ────────────────────────────────────────────────────────────────

function fakeTools(answers: Record<string, ExecResult>, aborted = false) {
  const calls: Array<
    { cmd: string; args: readonly string[]; env?: Record<string, string>; timeoutMs?: number }
  > = [];
  const controller = new AbortController();
  if (aborted) controller.abort();
  const tools: ProbeTools = {
    exec: (cmd, args, opts) => {
      calls.push({ cmd, args, env: opts?.env, timeoutMs: opts?.timeoutMs });
      const key = [cmd, ...args].join(" ");
      const hit = Object.entries(answers).find(([k]) => key.startsWith(k));
      return Promise.resolve(hit ? hit[1] : ran("", { code: 127, notFound: true }));
    },
    signal: controller.signal,
    stepTimeoutMs: 2500,
  };
  return { tools, calls };
}

describe("probeDocker() on a socket that refuses this user (permission branch)", () => {
  const SOCK = "/var/run/docker.sock";
  function machineWith(groups: string) {
    return fakeHost({
      executables: ["/usr/bin/docker"],
      stats: { [SOCK]: { exists: true, kind: "socket", mode: 0o660, uid: 0, gid: 998 } },
      connects: { [SOCK]: { outcome: "permission", error: "EACCES" } },
      files: {
        "/proc/self/status":
          `Uid:\t1000\t1000\t1000\t1000\nGid:\t1000\t1000\t1000\t1000\nGroups:\t${groups}\n`,
        "/etc/group": "docker:x:998:u\nu:x:1000:\n",
      },
    });
  }
  const answers = { "/usr/bin/docker version": failed("version_permission_denied") };

  it("a user outside the socket's group: permission denied, not in group docker, usermod fix", async () => {
    const { tools } = fakeTools(answers);
    const input = withDocker({ PATH: "/usr/bin" });
    const s = await probeDocker(input, tools, machineWith("1000 "), "linux");
    assert.deepEqual(s.socket?.connect, { outcome: "permission", error: "EACCES" });
    const r = check("docker.daemon", s, input);
    assert.equal(r.status, "fail");
    assert.equal(r.evidence?.reason, "permission");
    assert.equal(
      r.summary,
      "permission denied on /var/run/docker.sock: your user is not in group docker",
    );
    assert.deepEqual(r.details?.slice(1), [
      "/var/run/docker.sock: rw-rw---- uid 0 gid 998 (docker)",
      "you are uid 1000, groups 1000 — not in docker",
    ]);
    assert.deepEqual(r.fix?.commands, ["sudo usermod -aG docker $USER", "newgrp docker"]);
  });

  it("a user in the group whose session is not: log in again or newgrp", async () => {
    const { tools } = fakeTools(answers);
    const input = withDocker({ PATH: "/usr/bin" });
    const s = await probeDocker(input, tools, machineWith("998 1000 "), "linux");
    const r = check("docker.daemon", s, input);
    assert.equal(
      r.summary,
      "permission denied on /var/run/docker.sock: the daemon refuses this user",
    );
    assert.ok(r.details?.some((d) => /log out and in again, or run `newgrp docker`/.test(d)));
  });

  it("the same machine without docker mode: the usual warning", async () => {
    const { tools } = fakeTools(answers);
    const input = doctorInput({ PATH: "/usr/bin" });
    const s = await probeDocker(input, tools, machineWith("1000 "), "linux");
    const r = check("docker.daemon", s, input);
    assert.equal(r.status, "warn");
    assert.match(
      r.summary,
      /^permission denied on \/var\/run\/docker\.sock: .*only with --docker\)$/,
    );
  });
});

describe("probeDocker()", () => {
  it("endpointFromEnv() and endpointTarget() read DOCKER_HOST like the docker CLI", () => {
    assert.deepEqual(endpointFromEnv({}, "linux"), {
      url: "unix:///var/run/docker.sock",
      source: "default",
    });
    assert.equal(endpointFromEnv({ DOCKER_HOST: "tcp://h:1" }, "linux").source, "DOCKER_HOST");
    assert.deepEqual(endpointTarget("unix:///run/user/1000/docker.sock", {}), {
      path: "/run/user/1000/docker.sock",
    });
    assert.deepEqual(endpointTarget("tcp://10.0.0.5", {}), { host: "10.0.0.5", port: 2375 });
    assert.deepEqual(endpointTarget("tcp://10.0.0.5", { DOCKER_TLS_VERIFY: "1" }), {
      host: "10.0.0.5",
      port: 2376,
    });
    assert.equal(endpointTarget("ssh://u@host", {}), undefined);
  });

  it("probeDocker() runs nothing when there is no docker on PATH", async () => {
    const { tools, calls } = fakeTools({});
    const s = await probeDocker(doctorInput({ PATH: "/usr/bin" }), tools, fakeHost({}), "linux");
    assert.equal(s.cliPath, undefined);
    assert.equal(calls.length, 0);
    assert.equal(check("docker.cli", s).status, "skip");
  });

  it("probeDocker() asks the CLI with the snapshot's DOCKER_HOST and a step timeout, then docker info", async () => {
    const { tools, calls } = fakeTools({
      "/usr/bin/docker version": ran(fixture("version_daemon_20.10.stdout")),
      "/usr/bin/docker info": ran(fixture("info_nvidia_26.1.stdout")),
      "/usr/bin/docker image inspect --format {{.Os}}": ran("linux amd64 \n"),
      "/usr/bin/docker image inspect": ran("sha256:0123456789abcdef0123\n"),
      "/usr/bin/docker create": ran("c0ffee\n"),
      "/usr/bin/docker cp -L c0ffee:/lib64/ld-linux-x86-64.so.2 -": ran("tar"),
    });
    const host = fakeHost({
      executables: ["/usr/bin/docker"],
      stats: { "/tmp/d.sock": SOCKET },
      files: {
        "/proc/self/status":
          "Uid:\t1000\t1000\t1000\t1000\nGid:\t1000\t1000\t1000\t1000\nGroups:\t998 1000 \n",
        "/etc/group": "docker:x:998:u\nu:x:1000:\n",
      },
      dirs: { "/etc/cdi": ["nvidia.yaml", "README"] },
    });
    const input = doctorInput({ PATH: "/usr/bin", DOCKER_HOST: "unix:///tmp/d.sock" });
    const s = await probeDocker(input, tools, host, "linux");
    assert.equal(calls[0]?.env?.DOCKER_HOST, "unix:///tmp/d.sock");
    assert.equal(calls[0]?.timeoutMs, 2500);
    // version, info and the image; then, the image being here, its libc: create, cp…, rm
    assert.deepEqual(calls.slice(0, 5).map((c) => c.args[0]), [
      "version",
      "info",
      "image",
      "image",
      "create",
    ]);
    assert.deepEqual(calls[calls.length - 1]?.args, ["rm", "-f", "c0ffee"]);
    assert.equal(s.imageLibc?.libc, "glibc");
    const image = check("docker.image", s, input);
    assert.ok(
      image.details?.includes(
        "libc: glibc (x86_64): clearml agent mounts its glibc build into it",
      ),
      String(image.details),
    );
    assert.deepEqual(s.socket?.path, "/tmp/d.sock");
    assert.deepEqual(s.user, {
      uid: 1000,
      gids: [1000, 998],
      groupNames: { "998": "docker", "1000": "u" },
    });
    assert.deepEqual(s.cdiSpecs, { "/etc/cdi": ["nvidia.yaml"] });
    assert.equal(s.image?.ref, "nvidia/cuda:11.0.3-cudnn8-runtime-ubuntu20.04");
    assert.equal(check("docker.daemon", s, input).status, "pass");
  });

  it("probeDocker() follows a non-default docker context to its endpoint", async () => {
    const stdout = fixture("version_no_daemon.stdout").replace(
      '"Context":"default"',
      '"Context":"rootless"',
    );
    const version = ran(stdout, {
      code: 1,
      stderr: "Cannot connect to the Docker daemon at unix:///run/user/1000/docker.sock.\n",
    });
    const { tools, calls } = fakeTools({
      "/usr/bin/docker version": version,
      "/usr/bin/docker context inspect": ran("unix:///run/user/1000/docker.sock\n"),
    });
    const s = await probeDocker(
      doctorInput({ PATH: "/usr/bin" }),
      tools,
      fakeHost({ executables: ["/usr/bin/docker"] }),
      "linux",
    );
    assert.ok(calls.some((c) => c.args[0] === "context"));
    assert.deepEqual(s.endpoint, {
      url: "unix:///run/user/1000/docker.sock",
      source: "context",
      context: "rootless",
    });
    assert.equal(s.socket?.path, "/run/user/1000/docker.sock");
  });

  it("probeDocker() skips its commands once the run's budget is spent", async () => {
    const { tools, calls } = fakeTools({}, true);
    const s = await probeDocker(
      doctorInput({ PATH: "/usr/bin" }),
      tools,
      fakeHost({ executables: ["/usr/bin/docker"] }),
      "linux",
    );
    assert.equal(calls.length, 0);
    assert.deepEqual(s.skipped, ["docker version"]);
    assert.equal(check("docker.cli", s).status, "skip");
  });

  it("probeDocker() looks at the in-container side of the host mount", async () => {
    const { tools } = fakeTools({});
    const s = await probeDocker(
      doctorInput({ PATH: "/usr/bin", CLEARML_AGENT_DOCKER_HOST_MOUNT: "/mnt/h:/root/.clearml" }),
      tools,
      fakeHost({
        stats: { "/root/.clearml": { exists: true, kind: "dir", mode: 0o755, uid: 0, gid: 0 } },
      }),
      "linux",
    );
    assert.equal(s.hostMountTarget?.path, "/root/.clearml");
    assert.equal(s.hostMountTarget?.stat.exists, true);
  });
});
