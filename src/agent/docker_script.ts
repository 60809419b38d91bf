/**
 * The `bash -c` script of a docker-mode task (agent-exec §2.9): the agent's install block
 * ("update scheme"), the extra shell script and the task's setup script, then the in-container
 * command. Pure.
 */
import { ConfigError } from "../errors.ts";
import { pyFormat } from "./py_format.ts";

export interface ScriptSettings {
  /** `agent.docker_init_bash_script`: replaces the default install body. */
  initScript?: string[] | string;
  /** `agent.docker_preprocess_bash_script`: prepended to the body. */
  preprocess?: string[];
  /** `agent.docker_install_opencv_libs` (default true). */
  installOpencv: boolean;
  /** An ssh copy is mounted (adds `cp -Rf <ro> -T <ssh>`). */
  sshMounted: boolean;
  /** `agent.docker_internal_mounts.ssh_folder` / `ssh_ro_folder`. */
  mountSsh: string;
  mountSshRo: string;
  /** `agent.package_manager.pip_version` entries. */
  pipVersions: string[];
  /** What `pip install -U` installs for the agent (`clearml-agent`, `clearml-agent==1.9.2`, …). */
  agentSpec: string;
  /** `agent.extra_docker_shell_script`. */
  extraShell?: string[];
  /** The task's `container.setup_shell_script`. */
  setupShell?: string;
}

/** The agent's default install body; `{…}` are str.format fields, `{{`/`}}` literal braces. */
function defaultBody(s: ScriptSettings): string[] {
  const opencv = s.installOpencv ? " libsm6 libxext6 libxrender-dev libglib2.0-0" : "";
  return [
    `echo 'Binary::apt::APT::Keep-Downloaded-Packages "true";' > /etc/apt/apt.conf.d/docker-clean`,
    "chown -R root /root/.cache/pip",
    "export DEBIAN_FRONTEND=noninteractive",
    `export CLEARML_APT_INSTALL="$CLEARML_APT_INSTALL${opencv}"`,
    s.sshMounted ? "cp -Rf {mount_ssh_ro} -T {mount_ssh}" : "",
    '[ ! -z $(which git) ] || export CLEARML_APT_INSTALL="$CLEARML_APT_INSTALL git"',
    "declare LOCAL_PYTHON",
    "[ ! -z $LOCAL_PYTHON ] || for i in {{20..5}}; do which {python_single_digit}.$i && " +
    "{python_single_digit}.$i -m pip --version && " +
    "export LOCAL_PYTHON=$(which {python_single_digit}.$i) && break ; done",
    '[ ! -z $LOCAL_PYTHON ] || export CLEARML_APT_INSTALL="$CLEARML_APT_INSTALL {python_single_digit}-pip"',
    '[ -z "$CLEARML_APT_INSTALL" ] || (apt-get update -y ; apt-get install -y $CLEARML_APT_INSTALL)',
    "rm /usr/lib/python3.*/EXTERNALLY-MANAGED",
  ];
}

/** `"pip<spec>"` per entry; an entry without `= ~ < >` is pinned with `==`. */
export function pipSpecs(versions: readonly string[]): string[] {
  const specs = versions.map((v) => v.trim()).map((v) => (/[=~<>]/.test(v) ? v : `==${v}`));
  return (specs.length ? specs : [""]).map((v) => `"pip${v}"`);
}

function formatted(template: string, s: ScriptSettings): string {
  const r = pyFormat(template, {
    python_single_digit: "python3",
    python: "python3",
    pip_version: pipSpecs(s.pipVersions).join(" "),
    clearml_agent_wheel: s.agentSpec,
    mount_ssh_ro: s.mountSshRo,
    mount_ssh: s.mountSsh,
  });
  if (!r.ok) {
    throw new ConfigError(
      `agent.docker_init_bash_script / docker_preprocess_bash_script: ${r.error} ` +
        "(the scripts go through Python str.format: write literal braces as {{ and }})",
    );
  }
  return r.value;
}

/** The init body as one string (a list joined with ` ; ` after dropping empty items). */
function body(s: ScriptSettings, init: string[] | string | undefined): string {
  let lines = init === undefined || (Array.isArray(init) && init.length === 0)
    ? defaultBody(s)
    : init;
  if (s.preprocess?.length) lines = [...s.preprocess, ...(Array.isArray(lines) ? lines : [lines])];
  return Array.isArray(lines) ? lines.filter((l) => l).join(" ; ") : lines;
}

/** The install block of the agent's container script (empty in standalone mode). */
export function updateScheme(s: ScriptSettings, standalone: boolean): string {
  if (standalone) return "";
  const template = body(s, s.initScript) + " ; " +
    "[ ! -z $LOCAL_PYTHON ] || export LOCAL_PYTHON={python} ; " +
    "$LOCAL_PYTHON -m pip install -U {pip_version} ; " +
    "$LOCAL_PYTHON -m pip install -U {clearml_agent_wheel} ; ";
  return formatted(template, s);
}

/**
 * Ours (binary runner): only what the user configured of the install block — preprocess and a
 * custom init script — and the ssh copy; no apt, no pip, so no network is needed.
 */
export function binaryPreamble(s: ScriptSettings): string {
  const lines: string[] = [...(s.preprocess ?? [])];
  const init = s.initScript;
  if (init !== undefined && !(Array.isArray(init) && init.length === 0)) {
    lines.push(...(Array.isArray(init) ? init : [init]));
  }
  if (s.sshMounted) lines.push("cp -Rf {mount_ssh_ro} -T {mount_ssh}");
  const text = lines.filter((l) => l).join(" ; ");
  return text ? formatted(text, s) + " ; " : "";
}

/** `agent.extra_docker_shell_script` and the task's setup script, each item followed by ` ; `. */
export function extraShellScript(s: ScriptSettings): string {
  let out = s.extraShell?.length ? s.extraShell.join(" ; ") + " ; " : "";
  const setup = s.setupShell;
  if (setup && setup.replace(/^[\n ]+|[\n ]+$/g, "")) {
    out += setup.split("\n").map((l) => l.trim())
      .filter((l) => l && !l.startsWith("#")).join(" ; ") + " ; ";
  }
  return out;
}
