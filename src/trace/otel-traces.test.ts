import { describe, expect, it } from "vitest";
import type { CaseResult } from "../core/types.js";
import { createValidator } from "../validation/create-validator.js";
import { toOtlpTraces, toUnixNanos } from "./otel-traces.js";
import { OTLP_TRACES_SCHEMA } from "./trace-schemas.js";

const definitionStep = {
  step: "load-definition" as const,
  name: "load definition",
  ok: true,
  startedAt: 1_700_000_000_000.25,
  durationMs: 2.5,
  detail: { source: "file", shape: "schema.input/output" },
};

function result(status: CaseResult["status"], name: string): CaseResult {
  const start = 1_700_000_000_010.125;
  return {
    action: "da-test-12345",
    case: name,
    status,
    issues:
      status === "fail"
        ? [
            {
              side: "output",
              path: "/resolutionScore",
              keyword: "type",
              expected: "integer",
              actual: "87",
              message: 'must be integer, got string "87"',
            },
          ]
        : [],
    failures: status === "fail" ? [{ expectation: "issues", message: 'output /resolutionScore: must be integer, got string "87"' }] : [],
    logs: [],
    trace: {
      steps: [
        definitionStep,
        { step: "validate-input", name: "validate input", ok: true, startedAt: start, durationMs: 0.1, detail: { issues: 0 } },
        { step: "execute", name: "execute transform", ok: true, startedAt: start + 0.1, durationMs: 0.4 },
        {
          step: "validate-output",
          name: "validate output",
          ok: status === "pass",
          startedAt: start + 0.5,
          durationMs: 0.2,
          detail: { issues: status === "pass" ? 0 : 1 },
        },
        { step: "compare", name: "compare with expectations", ok: status === "pass", startedAt: start + 0.7, durationMs: 0.05 },
      ],
    },
    durationMs: 0.75,
  };
}

describe("toOtlpTraces", () => {
  const otlp = toOtlpTraces([result("pass", "one"), result("fail", "two")], { version: "0.1.0" });
  const spans = otlp.resourceSpans[0]!.scopeSpans[0]!.spans;

  it("satisfies the OTLP/JSON schema", () => {
    expect(createValidator(OTLP_TRACES_SCHEMA, { side: "output" }).validate(otlp)).toEqual([]);
  });

  it("makes one trace per case: a root span and one child span per step", () => {
    const traces = new Set(spans.map((s) => s.traceId));
    expect(traces.size).toBe(2);
    for (const traceId of traces) {
      const inTrace = spans.filter((s) => s.traceId === traceId);
      const roots = inTrace.filter((s) => s.parentSpanId === undefined);
      expect(roots).toHaveLength(1);
      expect(inTrace.filter((s) => s.parentSpanId === roots[0]!.spanId).map((s) => s.name)).toEqual([
        "load definition",
        "validate input",
        "execute transform",
        "validate output",
        "compare with expectations",
      ]);
    }
    expect(new Set(spans.map((s) => s.spanId)).size).toBe(spans.length);
  });

  it("puts status and counts on the root span, and the step's outcome on each child", () => {
    const failing = spans.find((s) => s.name === "da-test-12345 › two")!;
    expect(failing.status).toEqual({ code: 2, message: 'output /resolutionScore: must be integer, got string "87"' });
    expect(failing.attributes).toEqual(
      expect.arrayContaining([
        { key: "cxda.action", value: { stringValue: "da-test-12345" } },
        { key: "cxda.status", value: { stringValue: "fail" } },
        { key: "cxda.issues.count", value: { intValue: "1" } },
        { key: "cxda.issues.output", value: { intValue: "1" } },
      ]),
    );
    const passing = spans.find((s) => s.name === "da-test-12345 › one")!;
    expect(passing.status).toEqual({ code: 1 });
    const failedStep = spans.find((s) => s.traceId === failing.traceId && s.name === "validate output")!;
    expect(failedStep.status.code).toBe(2);
    expect(failedStep.attributes).toContainEqual({ key: "cxda.detail.issues", value: { intValue: "1" } });
  });

  it("spans the root from the first step's start to the last step's end, in Unix nanoseconds", () => {
    const root = spans.find((s) => s.name === "da-test-12345 › one")!;
    expect(root.startTimeUnixNano).toBe("1700000000000250000");
    expect(root.endTimeUnixNano).toBe(toUnixNanos(1_700_000_000_010.125 + 0.75));
    expect(BigInt(root.endTimeUnixNano) > BigInt(root.startTimeUnixNano)).toBe(true);
  });
});

describe("toUnixNanos", () => {
  it("keeps microseconds exactly", () => {
    expect(toUnixNanos(1_700_000_000_123.456)).toBe("1700000000123456000");
    expect(toUnixNanos(0)).toBe("0");
  });
});
