import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { runInProcess } from "../_helpers/context.ts";

describe("config show/get warnings", () => {
  it("config get warns about an invalid SDK boolean in the SDK's words and still answers", async () => {
    const r = await runInProcess(["config", "get", "api.api_server"], {
      env: { CLEARML_TASK_NO_REUSE: "maybe" },
    });
    assert.equal(r.code, 0);
    assert.equal(r.out, "https://api.clear.ml\n");
    assert.match(
      r.err,
      /warning: Environment configuration: invalid value CLEARML_TASK_NO_REUSE=maybe: invalid truth value 'maybe'/,
    );
  });

  it("config show stops with exit 3 where the SDK would stop at import", async () => {
    const r = await runInProcess(["config", "show"], {
      env: { CLEARML_API_DEFAULT_REQ_METHOD: "delete" },
    });
    assert.equal(r.code, 3);
    assert.match(r.err, /must be 'get' or 'post'/);
    assert.equal(r.out, "");
  });
});
