/** Inputs of the agent-exec §2.13 worked examples, shared by the docker argv and plan tests. */
import type { PlanOptions } from "../../src/agent/plan_types.ts";
import type { TaskContainer } from "../../src/agent/task.ts";

export interface DockerCase {
  env?: Record<string, string>;
  conf?: string;
  options?: PlanOptions;
  container?: TaskContainer;
  /** Paths that exist besides ~/.ssh. */
  existing?: string[];
  workerId?: string;
  parentWorkerId?: string;
}

const SETUP = "#!/bin/bash\n  pip install foo  \n\n# comment\necho done\n";

export const DOCKER_CASES: Record<string, DockerCase> = {
  E01: {},
  E02: { options: { gpus: "0,1" } },
  E03: { options: { gpus: "0,1" }, env: { CLEARML_DOCKER_SKIP_GPUS_FLAG: "1" } },
  E04: { options: { cpuOnly: true } },
  E05: { options: { gpus: "0:1" } },
  E06: {
    env: { CLEARML_AGENT_EXTRA_DOCKER_ARGS: "--network host --ipc=host -e FOO=bar" },
    container: {
      image: "python:3.10-bullseye",
      arguments: "--network bridge --ipc=private -e A=1 --privileged",
    },
  },
  E07: {
    env: { CLEARML_AGENT_EXTRA_DOCKER_ARGS: "--network host --ipc=host -e FOO=bar" },
    conf: "agent.docker_args_extra_precedes_task: false\n",
    container: {
      image: "python:3.10-bullseye",
      arguments: "--network bridge --ipc=private -e A=1 --privileged",
    },
  },
  E08: {
    env: { CLEARML_AGENT_DOCKER_ARGS_HIDE_ENV: "MYSECRET OTHER" },
    container: {
      image: "python:3.10-bullseye",
      arguments:
        "-e CLEARML_API_SECRET_KEY=xyz -e MYSECRET=abc --env URL=https://user:pass@host.com/x -e AWS_SECRET_ACCESS_KEY=aws --env=OTHER=zzz -e PLAIN=1",
    },
  },
  E09: { env: { CLEARML_AGENT_EXTRA_DOCKER_LABELS: 'team=ml "owner=John Doe"' } },
  E10: { env: { CLEARML_AGENT_DOCKER_HOST_MOUNT: "/mnt/host/data:/home/u/.clearml" } },
  E11: { env: { CLEARML_AGENT_DISABLE_SSH_MOUNT: "1" } },
  E12: {
    env: { SSH_AUTH_SOCK: "/tmp/ssh-agent.sock", CLEARML_AGENT_EXTRA_DOCKER_ARGS: "--ipc=host" },
  },
  E13: {
    options: {
      servicesMode: -1,
      restart: "unless-stopped",
      childReportTags: ["tag a", "b"],
      command: "daemon",
    },
    env: { CLEARML_AUTH_TOKEN: "eyJtoken" },
    conf: 'agent.docker_container_name_format: "clearml-id-{task_id}"\n',
    container: { image: "ubuntu:22.04" },
    workerId: "host:cpu:0:service:a1b2c3d4e5f6",
    parentWorkerId: "host:cpu:0",
  },
  E14: { options: { standalone: true }, container: { image: "myimg:1", arguments: "--ipc=host" } },
  E15: {
    conf: [
      'agent.docker_preprocess_bash_script: ["echo pre1", "echo pre2"]',
      'agent.extra_docker_shell_script: ["apt-get install -y bindfs", "echo extra"]',
      "agent.docker_install_opencv_libs: false",
      "",
    ].join("\n"),
    container: { image: "python:3.11", setup_shell_script: SETUP },
  },
  E16: {
    env: {
      CLEARML_AGENT_DOCKER_ARGS_FILTERS: "^--env$ ^-e$",
      CLEARML_AGENT_EXTRA_DOCKER_ARGS: "-e HOSTV=$HOME --privileged",
      MYV: "val",
      HOME: "/home/u",
    },
    conf: "agent.docker_allow_host_environ: true\n",
    container: {
      image: "python:3.11",
      arguments: "-e A=$MYV --privileged --env B=${MYV}x -v /a:/b -e C=$UNDEFINED",
    },
  },
  E17: {
    env: {
      CLEARML_DOCKER_IMAGE: "myorg/base:1 --ipc=host --shm-size=8g",
      CLEARML_AGENT_SKIP_PIP_VENV_INSTALL: "/usr/bin/python3",
    },
  },
  E18: {
    env: { FORCE_CLEARML_AGENT_REPO: "git+https://github.com/allegroai/clearml-agent.git" },
    options: { forceCurrentVersion: true },
    container: { image: "python:3.11" },
  },
  E19: {
    options: { forceCurrentVersion: true },
    existing: ["/home/u/.git-credentials", "/home/u/.gitconfig"],
    container: { image: "python:3.11" },
  },
  E20: {
    conf:
      'agent.docker_init_bash_script: ["echo init {python_single_digit}", "which {python_single_digit}"]\n',
    container: { image: "python:3.11" },
  },
  E21: { options: { docker: ["myimg:2", "--ipc=host", "-e", "X=1"] } },
  E22: { conf: 'agent.default_docker.arguments: "--ipc=host"\n' },
};
