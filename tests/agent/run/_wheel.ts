/** A tiny pure-Python wheel written by hand (zip + dist-info with a valid RECORD), no index. */
import { execFileSync } from "node:child_process";
import { mkdirSync } from "node:fs";
import { PY } from "./_plan.ts";

const MAKE_WHEEL = `
import base64, hashlib, sys, zipfile
out, name, version, value = sys.argv[1:5]
files = {
    f"{name}/__init__.py": f"VALUE = {value!r}\\n",
    f"{name}-{version}.dist-info/METADATA": f"Metadata-Version: 2.1\\nName: {name}\\nVersion: {version}\\n",
    f"{name}-{version}.dist-info/WHEEL": "Wheel-Version: 1.0\\nGenerator: test\\nRoot-Is-Purelib: true\\nTag: py3-none-any\\n",
}
def digest(data):
    return "sha256=" + base64.urlsafe_b64encode(hashlib.sha256(data).digest()).rstrip(b"=").decode()
record = f"{name}-{version}.dist-info/RECORD"
lines = [f"{p},{digest(t.encode())},{len(t.encode())}" for p, t in files.items()] + [f"{record},,"]
files[record] = "\\n".join(lines) + "\\n"
with zipfile.ZipFile(f"{out}/{name}-{version}-py3-none-any.whl", "w") as z:
    for p, t in files.items():
        z.writestr(p, t)
`;

/** Write `<name>-<version>-py3-none-any.whl` into `dir`; the module has `VALUE = value`. */
export function makeWheel(dir: string, name: string, version: string, value: string): void {
  mkdirSync(dir, { recursive: true });
  execFileSync(PY, ["-c", MAKE_WHEEL, dir, name, version, value]);
}
