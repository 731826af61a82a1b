import { afterEach, describe, expect, it } from "vitest";
import { lintAction } from "./lint-action.js";
import type { LintTarget } from "./lint-types.js";
import { lintInWorkers } from "./lint-workers.js";

function target(requestUrlTemplate: string): LintTarget {
  return {
    label: "actions/demo",
    file: "actions/demo/definition.json",
    name: "demo",
    inputSchema: { type: "object", required: ["id"], properties: { id: { type: "string" } } },
    outputSchema: { type: "object" },
    config: {
      request: { requestUrlTemplate, requestType: "GET", headers: {} },
      response: { translationMap: {}, translationMapDefaults: {}, successTemplate: "${rawResult}" },
    },
  };
}

/** Backtracks without end on the very long tricky string (5000 letters a to j and no "!"), as Java's engine would. */
const HANGS = 'https://api.example.com/x#if($input.id.matches("([a-j]+[a-j]+)+!"))/y#end';
const OPTIONS = { seed: "cxda", workers: 1, memoryMb: 256 };

describe("lintInWorkers", () => {
  afterEach(() => {
    delete process.env["CXDA_LINT_TEST_SECRET"];
  });

  it("gives what lintAction gives in this thread, for each target in order", async () => {
    const targets = [target("https://api.example.com/${input.id}"), target("https://api.example.com/$esc.url($input.id)")];
    const results = await lintInWorkers(targets, { ...OPTIONS, timeoutMs: 10_000, workers: 2 });
    expect(results).toEqual(targets.map((each) => lintAction(each, { seed: "cxda" })));
    expect(results[0]?.findings.map((finding) => finding.code)).toEqual(["url-invalid"]);
  });

  it("stops an action whose template hangs, names the render, and lints the next one in a fresh thread", async () => {
    const started = Date.now();
    const [hung, next] = await lintInWorkers([target(HANGS), target("https://api.example.com/$esc.url($input.id)")], { ...OPTIONS, timeoutMs: 1000 });
    expect(Date.now() - started).toBeLessThan(8000);
    expect(hung?.findings).toEqual([
      expect.objectContaining({
        severity: "error",
        code: "timeout",
        path: "config.request.requestUrlTemplate",
        message:
          'linting took longer than 1000 ms and was stopped while rendering config.request.requestUrlTemplate with the input "input.id holds a very long string (5000 characters)"',
        hint: expect.stringContaining("--timeout"),
      }),
    ]);
    expect(next?.findings).toEqual([]);
    expect(next?.renders).toBeGreaterThan(0);
  });

  it("starts its threads with no environment variables, whatever this process holds", async () => {
    process.env["CXDA_LINT_TEST_SECRET"] = "s3cret-value";
    // The thread reports how many variables it sees; the pool refuses to use one that sees any.
    await expect(lintInWorkers([target("https://api.example.com/x")], { ...OPTIONS, timeoutMs: 10_000 })).resolves.toEqual([
      expect.objectContaining({ findings: [] }),
    ]);
  });
});
