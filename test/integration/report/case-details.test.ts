// What `cxda run` prints for one case: the input when known, the output, issues and logs, with secrets redacted.
import { describe, expect, it } from "vitest";
import { caseDetailLines } from "../../../src/cli/report-case.js";
import type { CaseResult } from "../../../src/core/types.js";
import { runCases } from "../../../src/runner/run-cases.js";
import { createEventBus } from "../../../src/bus/event-bus.js";
import { recordTriggers } from "../../../src/trace/trigger-recorder.js";
import { EXAMPLE_DIR } from "../../helpers/temp-project.js";

describe("caseDetailLines", () => {
  it("shows the trigger the case received and the output, with secret-looking fields redacted", async () => {
    const bus = createEventBus();
    const triggers = recordTriggers(bus);
    let result: CaseResult | undefined;
    let input: unknown;
    const single = { name: "run", set: { "contact.attributes.apiKey": "k-live-77", "data.customFields.resolutionScore": "87" }, expect: {} };
    for await (const each of runCases({ actions: [EXAMPLE_DIR], cases: [single], workers: 1, bus })) {
      result = each;
      input = triggers.take(each);
    }
    const text = caseDetailLines({ color: false, out: () => undefined, err: () => undefined }, result!, input).join("\n");
    expect(text).toMatch(/^Input\n {2}\{\n {4}"dataActionId": "da-test-12345"/m);
    expect(text).toContain('"apiKey": "[redacted]"');
    expect(text).not.toContain("k-live-77");
    expect(text).toContain('output /resolutionScore: must be integer, got string "87"');
    expect(text).toMatch(/validate-output/);
  });

  it("leaves the input out when it is not known", () => {
    const result: CaseResult = {
      action: "a",
      case: "c",
      status: "pass",
      output: { token: "t-1" },
      issues: [],
      failures: [],
      logs: [],
      trace: { steps: [] },
      durationMs: 0,
    };
    const text = caseDetailLines({ color: false, out: () => undefined, err: () => undefined }, result).join("\n");
    expect(text).not.toContain("Input");
    expect(text).toContain('"token": "[redacted]"');
  });
});
