/**
 * The real ClearML SDK 1.17.0 (../shared/peers) against `clearml serve`'s files port: one process
 * uploads a binary file and a folder with `StorageManager` (the SDK's `_HttpDriver`: multipart
 * POST with its bearer token); another reads them back with `get_local_copy`/`download_file`,
 * checks `exists_file`/`get_file_size_bytes` (HEAD and GET) and deletes one (DELETE).
 * Runs when CI=true or CLEARML_IT=1.
 */
import { sdkPython } from "../_helpers/peers.ts";
import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { createHash } from "node:crypto";
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import {
  clientConf,
  keyedArgs,
  REAL_PARTS,
  type ServeProcess,
  startServe,
} from "../server/_serve_process.ts";

const KEY = "FILESKEY56789ABCDEFGHIJKLMNOPQ";
const SECRET = "filesSecret0123456789abcdefghijklmnopqrstuvwxyzAB";

const UPLOAD = `
import json, os
from clearml import StorageManager
files, src = os.environ["FILES_URL"], os.environ["SRC"]
base = files + "/sdk files/run.0123/artifacts"
url = StorageManager.upload_file(os.path.join(src, "weights.bin"), base + "/weights/weights.bin")
folder = StorageManager.upload_folder(os.path.join(src, "folder"), base + "/folder")
print("RESULT " + json.dumps({"file": url, "folder": folder}))
`;

const DOWNLOAD = `
import hashlib, json, os
from clearml import StorageManager
from clearml.storage.helper import StorageHelper
files, out = os.environ["FILES_URL"], os.environ["OUT"]
base = files + "/sdk files/run.0123/artifacts"
sha = lambda p: hashlib.sha256(open(p, "rb").read()).hexdigest()
url = base + "/weights/weights.bin"
local = StorageManager.get_local_copy(url)
direct = StorageManager.download_file(url, out)
inner = StorageManager.get_local_copy(base + "/folder/sub/inner.txt")
result = {
    "copy": sha(local),
    "download": sha(direct),
    "inner": open(inner).read(),
    "exists": StorageManager.exists_file(url),
    "missing": StorageManager.exists_file(base + "/no/such.bin"),
    "size": StorageManager.get_file_size_bytes(url),
}
helper = StorageHelper.get(base + "/folder/top.txt")
result["deleted"] = helper.delete(base + "/folder/top.txt")
result["after_delete"] = StorageManager.exists_file(base + "/folder/top.txt")
print("RESULT " + json.dumps(result))
`;

describe("the real ClearML SDK 1.17.0 against clearml serve's files port", () => {
  if (!REAL_PARTS) {
    it.skip("needs CI=true or CLEARML_IT=1 (python3 and the peers' python3-* packages)", () => {});
    return;
  }
  let dir: string;
  let server: ServeProcess;

  before(async () => {
    dir = mkdtempSync(join(tmpdir(), "clearml-serve-files-sdk-"));
    server = await startServe(keyedArgs(join(dir, "data"), KEY, SECRET));
  });

  after(() => {
    if (server && server.child.exitCode === null) server.child.kill("SIGKILL");
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  /** Run a script with the SDK in its own HOME (own cache), configured for the three ports. */
  function python(name: string, script: string, env: Record<string, string>) {
    const home = join(dir, `home-${name}`);
    mkdirSync(home, { recursive: true });
    writeFileSync(join(home, "clearml.conf"), clientConf(server, KEY, SECRET));
    writeFileSync(join(dir, `${name}.py`), script);
    const r = spawnSync(...sdkPython([join(dir, `${name}.py`)]), {
      cwd: dir,
      env: {
        PATH: process.env.PATH ?? "/usr/bin:/bin",
        HOME: home,
        TMPDIR: dir,
        FILES_URL: server.filesUrl,
        ...env,
      },
      encoding: "utf8",
      timeout: 150_000,
    });
    const out = `${r.stdout}\n${r.stderr}`;
    assert.equal(r.status, 0, out);
    const line = /^RESULT (.*)$/m.exec(r.stdout)?.[1];
    assert.ok(line, out);
    return JSON.parse(line);
  }

  it("uploads a file and a folder from one process and reads them back from another", {
    timeout: 300_000,
  }, async () => {
    const src = join(dir, "src");
    mkdirSync(join(src, "folder", "sub"), { recursive: true });
    const weights = Buffer.from(crypto.getRandomValues(new Uint8Array(65536)));
    const big = Buffer.concat(Array.from({ length: 48 }, () => weights)); // 3 MiB
    writeFileSync(join(src, "weights.bin"), big);
    writeFileSync(join(src, "folder", "top.txt"), "top\n");
    writeFileSync(join(src, "folder", "sub", "inner.txt"), "inner text\n");

    const up = python("upload", UPLOAD, { SRC: src });
    assert.equal(up.file, `${server.filesUrl}/sdk%20files/run.0123/artifacts/weights/weights.bin`);
    const stored = join(dir, "data", "files", "sdk files", "run.0123", "artifacts");
    assert.equal(Buffer.compare(readFileSync(join(stored, "weights", "weights.bin")), big), 0);
    assert.equal(readFileSync(join(stored, "folder", "sub", "inner.txt"), "utf8"), "inner text\n");

    const out = join(dir, "out");
    mkdirSync(out);
    const down = python("download", DOWNLOAD, { OUT: out });
    const sha = createHash("sha256").update(big).digest("hex");
    assert.equal(down.copy, sha);
    assert.equal(down.download, sha);
    assert.equal(down.inner, "inner text\n");
    assert.equal(down.exists, true);
    assert.equal(down.missing, false);
    assert.equal(down.size, big.byteLength);
    assert.equal(down.deleted, true);
    assert.equal(down.after_delete, false);
    // the server's log lines arrive once this test yields (spawnSync blocked the loop)
    await new Promise((r) => setTimeout(r, 300));
    assert.match(
      server.stderr(),
      /files: stored sdk files\/run\.0123\/artifacts\/weights\/weights\.bin/,
    );
    assert.match(
      server.stderr(),
      /files: deleted sdk files\/run\.0123\/artifacts\/folder\/top\.txt/,
    );
  });
});
