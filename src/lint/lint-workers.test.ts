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

  it("stops a render that hangs, names it, and lints the rest of the action without it in a fresh thread", async () => {
    const started = Date.now();
    const [hung, next] = await lintInWorkers([target(HANGS), target("https://api.example.com/${input.id}")], { ...OPTIONS, timeoutMs: 1000 });
    expect(Date.now() - started).toBeLessThan(8000);
    expect(hung?.findings).toEqual([
      expect.objectContaining({
        severity: "error",
        code: "timeout",
        path: "config.request.requestUrlTemplate",
        message:
          'linting took longer than 1000 ms and was stopped while rendering config.request.requestUrlTemplate with the input "input.id holds a very long string (5000 characters)"; the action was linted again without this render',
        hint: expect.stringContaining("--timeout"),
      }),
    ]);
    expect(hung?.renders).toBeGreaterThan(10);
    expect(next?.findings.map((finding) => finding.code)).toEqual(["url-invalid"]);
  });

  it("gives up on an action after its third stopped render", async () => {
    // Every input hangs: each string holds letters a to j only, and none has the "!" the pattern wants.
    const always = {
      ...target('https://api.example.com/x#set($s = "$input.id$input.id$input.id")#if($s.matches("([a-j]+[a-j]+)+!"))/y#end'),
      inputSchema: { type: "object", required: ["id"], properties: { id: { type: "string", pattern: "^[a-j]{20}$" } } },
    };
    const [result] = await lintInWorkers([always], { ...OPTIONS, timeoutMs: 300 });
    expect(result?.findings.map((finding) => finding.code)).toEqual(["timeout", "timeout", "timeout"]);
    expect(result?.findings.at(-1)?.message).toMatch(/; lint gave up on this action after 3 stopped renders$/);
  });

  it("starts its threads with no environment variables, whatever this process holds", async () => {
    process.env["CXDA_LINT_TEST_SECRET"] = "s3cret-value";
    // The thread reports how many variables it sees; the pool refuses to use one that sees any.
    await expect(lintInWorkers([target("https://api.example.com/x")], { ...OPTIONS, timeoutMs: 10_000 })).resolves.toEqual([
      expect.objectContaining({ findings: [] }),
    ]);
  });
});
