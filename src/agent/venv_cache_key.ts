/**
 * `venvCacheKeys()`: the venv cache keys of a task's requirements (agent-exec §5.7, T62-T64):
 * md5 of the class name, the docker image (first token of `execution.docker_cmd`), the CUDA
 * version, the python executable name and the sorted pip/conda lines, in Python 3.11 reprs.
 * Pure.
 */
import { pyRepr } from "../settings/py_str.ts";

const CLASS = "<class 'clearml_agent.helper.package.pip_api.venv.VirtualenvPip'>";

function lines(text: string | undefined): string[] {
  return (text ?? "").split("\n").map((l) => l.replace(/^[\n\r\t ]+|[\n\r\t ]+$/g, ""))
    .filter((l) => l && !l.startsWith("#")).sort();
}

const listRepr = (items: string[]) => (items.length ? `[${items.map(pyRepr).join(", ")}]` : "");

export function venvCacheKeys(
  requirements: Readonly<Record<string, string>> | undefined,
  dockerCmd: string | undefined,
  python: string,
  cuda: string,
): string[] {
  const pip = lines(requirements?.pip);
  const conda = lines(requirements?.conda);
  if (!pip.length && !conda.length) return [];
  if (pip.some((r) => r.trim().startsWith("-r ") || r.trim().startsWith("--requirement "))) {
    return [];
  }
  const image = dockerCmd !== undefined
    ? dockerCmd.replace(/^[\r\n\t ]+|[\r\n\t ]+$/g, "").split(" ")[0]!
    : "";
  const docker = dockerCmd !== undefined ? `OrderedDict([('docker_cmd', ${pyRepr(image)})])` : "";
  const text = [CLASS, docker, cuda, python, listRepr(pip), listRepr(conda)].join("\n");
  // node:crypto on use: loading it (and the streams it needs) costs every command's start
  const { createHash } = process.getBuiltinModule("node:crypto");
  return [createHash("md5").update(text, "utf8").digest("hex")];
}
