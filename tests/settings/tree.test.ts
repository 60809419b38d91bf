import { describe, it } from "node:test";
import assert from "node:assert/strict";
import {
  deleteNode,
  fromPlain,
  mergeNodes,
  scalarNode,
  setNode,
  toPlain,
} from "../../src/settings/tree.ts";

const ORIGIN = { kind: "default", source: "test" } as const;

describe("setNode(), deleteNode() and mergeNodes() return copies", () => {
  // the packaged defaults are built once and shared: a change made in place would reach every
  // later resolution in the same run
  const base = () =>
    fromPlain({ api: { api_server: "a", files_server: "f" }, sdk: { x: 1 } }, ORIGIN);

  it("setNode() leaves the tree it was given unchanged", () => {
    const tree = base();
    const out = setNode(tree, ["api", "web_server"], scalarNode("w", ORIGIN));
    assert.deepEqual(toPlain(out), {
      api: { api_server: "a", files_server: "f", web_server: "w" },
      sdk: { x: 1 },
    });
    assert.deepEqual(toPlain(tree), toPlain(base()));
  });

  it("deleteNode() leaves the tree it was given unchanged", () => {
    const tree = base();
    const out = deleteNode(tree, ["api", "files_server"]);
    assert.deepEqual(toPlain(out), { api: { api_server: "a" }, sdk: { x: 1 } });
    assert.deepEqual(toPlain(deleteNode(tree, ["sdk"])), {
      api: { api_server: "a", files_server: "f" },
    });
    assert.deepEqual(toPlain(tree), toPlain(base()));
  });

  it("mergeNodes() leaves both inputs unchanged", () => {
    const tree = base();
    const over = fromPlain({ api: { api_server: "b" }, agent: { y: 2 } }, ORIGIN);
    assert.deepEqual(toPlain(mergeNodes(tree, over)), {
      api: { api_server: "b", files_server: "f" },
      sdk: { x: 1 },
      agent: { y: 2 },
    });
    assert.deepEqual(toPlain(tree), toPlain(base()));
    assert.deepEqual(toPlain(over), { api: { api_server: "b" }, agent: { y: 2 } });
  });
});
