import { describe, expect, it } from "vitest";
import type { CaseResult } from "../core/types.js";
import { createValidator } from "../validation/create-validator.js";
import { toTraceFile } from "./trace-file.js";
import { TRACE_FILE_SCHEMA } from "./trace-schemas.js";

const result: CaseResult = {
  action: "da-test-12345",
  case: "premium",
  status: "pass",
  output: { recordId: "rec-1", accessToken: "tok-123" },
  issues: [],
  failures: [],
  logs: [{ level: "log", message: "built record rec-1", atMs: 0.2 }],
  trace: {
    steps: [
      { step: "load-definition", name: "load definition", ok: true, startedAt: 1000, durationMs: 3 },
      { step: "validate-input", name: "validate input", ok: true, startedAt: 1010, durationMs: 0.5 },
      { step: "execute", name: "execute transform", ok: true, startedAt: 1010.5, durationMs: 1 },
    ],
  },
  durationMs: 1.5,
  source: "cases/rules.json#0",
};

const validate = (value: unknown) => createValidator(TRACE_FILE_SCHEMA, { side: "output" }).validate(value);

describe("toTraceFile", () => {
  it("places each step on the case's timeline and satisfies the schema", () => {
    const file = toTraceFile(result);
    expect(validate(file)).toEqual([]);
    expect(file.steps.map((s) => [s.step, s.offsetMs])).toEqual([
      ["load-definition", -10],
      ["validate-input", 0],
      ["execute", 0.5],
    ]);
    expect(file.startedAt).toBe(new Date(1010).toISOString());
  });

  it("leaves the trigger and output out unless payloads are asked for", () => {
    const plain = toTraceFile(result, { trigger: { contact: { id: "c" } } });
    expect(plain).not.toHaveProperty("input");
    expect(plain).not.toHaveProperty("output");
  });

  it("includes them, redacted, when asked", () => {
    const file = toTraceFile(result, { payloads: true, trigger: { contact: { id: "c", attributes: { apiKey: "k-9" } } } });
    expect(validate(file)).toEqual([]);
    expect(file.input).toEqual({ contact: { id: "c", attributes: { apiKey: "[redacted]" } } });
    expect(file.output).toEqual({ recordId: "rec-1", accessToken: "[redacted]" });
  });

  it("is caught by the schema when a required part is missing", () => {
    const { steps: _steps, ...broken } = toTraceFile(result);
    expect(validate(broken)).toEqual([expect.objectContaining({ keyword: "required", path: "/steps" })]);
  });
});
