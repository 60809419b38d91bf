/**
 * The one PATH lookup: the candidate rule, the sync form on a real temp directory, and the async
 * form through fake host facts giving the same answers.
 */
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { chmodSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { findExecutable, findOnPath, pathCandidates } from "../../src/platform/find_executable.ts";
import { nodeHostFacts } from "../../src/platform/host_facts.ts";
import { fakeHost } from "../_helpers/fake_host.ts";

describe("pathCandidates()", () => {
  it("searches PATH in order, skips empty entries, resolves relative entries against cwd", () => {
    assert.deepEqual(pathCandidates("docker", { PATH: "/usr/bin::bin:/bin" }, "/w"), [
      "/usr/bin/docker",
      "/w/bin/docker",
      "/bin/docker",
    ]);
  });
  it("takes a name with a slash as a path, relative to cwd", () => {
    assert.deepEqual(pathCandidates("./x/nvcc", { PATH: "/usr/bin" }, "/w"), ["/w/x/nvcc"]);
    assert.deepEqual(pathCandidates("/opt/nvcc", { PATH: "/usr/bin" }, "/w"), ["/opt/nvcc"]);
  });
  it("has no candidates for an empty name or an unset PATH", () => {
    assert.deepEqual(pathCandidates("", { PATH: "/usr/bin" }, "/w"), []);
    assert.deepEqual(pathCandidates("docker", {}, "/w"), []);
  });
});

describe("findExecutable() and findOnPath() agree", () => {
  it("skip a non-executable file and a directory of the same name, find the executable", async () => {
    const root = mkdtempSync(join(tmpdir(), "findexe-"));
    try {
      for (const d of ["a", "b", "c"]) mkdirSync(join(root, d));
      writeFileSync(join(root, "a", "tool"), "#!/bin/sh\n");
      chmodSync(join(root, "a", "tool"), 0o644);
      mkdirSync(join(root, "b", "tool"));
      writeFileSync(join(root, "c", "tool"), "#!/bin/sh\n");
      chmodSync(join(root, "c", "tool"), 0o755);
      const env = { PATH: ["a", "b", "c"].map((d) => join(root, d)).join(":") };
      const expected = join(root, "c", "tool");
      assert.equal(findExecutable("tool", env, root), expected);
      assert.equal(await findOnPath(nodeHostFacts(2000), "tool", env, root), expected);
      assert.equal(findExecutable("nope", env, root), undefined);
      assert.equal(await findOnPath(nodeHostFacts(2000), "nope", env, root), undefined);
      // relative PATH entries, as a shell resolves them from the working directory
      assert.equal(findExecutable("tool", { PATH: "a:c" }, root), expected);
      assert.equal(await findOnPath(nodeHostFacts(2000), "tool", { PATH: "a:c" }, root), expected);
    } finally {
      rmSync(root, { recursive: true, force: true });
    }
  });

  it("findOnPath() asks the host facts for each candidate in order", async () => {
    const host = fakeHost({ executables: ["/opt/cuda/bin/nvcc", "/usr/bin/nvcc"] });
    assert.equal(
      await findOnPath(host, "nvcc", { PATH: "/usr/local/bin:/opt/cuda/bin:/usr/bin" }, "/"),
      "/opt/cuda/bin/nvcc",
    );
  });
});
