// JSON Schemas of what cxda writes for traces: a case's trace file, and the OTLP/JSON subset of `--otel`.
import type { JsonSchema } from "../core/types.js";

/** Any JSON value. */
const ANY = {};

const step = {
  type: "object",
  required: ["step", "name", "ok", "startedAt", "durationMs", "offsetMs"],
  additionalProperties: false,
  properties: {
    step: {
      enum: [
        "load-definition",
        "validate-input",
        "execute",
        "resolve-request",
        "upstream",
        "translation-map",
        "success-template",
        "validate-output",
        "compare",
      ],
    },
    name: { type: "string", minLength: 1 },
    ok: { type: ["boolean", "null"] },
    startedAt: { type: "number", minimum: 0 },
    durationMs: { type: "number", minimum: 0 },
    offsetMs: { type: "number" },
    detail: { type: "object" },
  },
};

const issue = {
  type: "object",
  required: ["side", "path", "keyword", "message"],
  properties: {
    side: { enum: ["input", "output"] },
    path: { type: "string" },
    keyword: { type: "string" },
    expected: ANY,
    actual: ANY,
    message: { type: "string" },
  },
};

/** The schema of `reports/traces/<action>/<case>.json`. */
export const TRACE_FILE_SCHEMA: JsonSchema = {
  $schema: "http://json-schema.org/draft-07/schema#",
  $id: "https://cxda.dev/schemas/trace-file.json",
  title: "cxda case trace",
  type: "object",
  required: ["format", "version", "action", "case", "status", "startedAt", "durationMs", "steps", "issues", "failures", "logs"],
  additionalProperties: false,
  properties: {
    format: { const: "cxda-trace" },
    version: { const: 1 },
    action: { type: "string", minLength: 1 },
    case: { type: "string" },
    source: { type: "string" },
    status: { enum: ["pass", "fail", "error"] },
    startedAt: { type: "string", format: "date-time" },
    durationMs: { type: "number", minimum: 0 },
    steps: { type: "array", items: step },
    issues: { type: "array", items: issue },
    failures: {
      type: "array",
      items: {
        type: "object",
        required: ["expectation", "message"],
        properties: {
          expectation: { enum: ["output", "match", "valid", "errors", "throws", "issues"] },
          message: { type: "string" },
          path: { type: "string" },
          expected: ANY,
          actual: ANY,
        },
      },
    },
    error: {
      type: "object",
      required: ["code", "message"],
      additionalProperties: false,
      properties: { code: { type: "string", pattern: "^E_[A-Z_]+$" }, message: { type: "string" }, stack: { type: "string" } },
    },
    logs: {
      type: "array",
      items: {
        type: "object",
        required: ["level", "message", "atMs"],
        additionalProperties: false,
        properties: { level: { enum: ["log", "info", "warn", "error", "debug"] }, message: { type: "string" }, atMs: { type: "number" } },
      },
    },
    input: { type: "object" },
    output: ANY,
  },
};

const anyValue = {
  type: "object",
  minProperties: 1,
  maxProperties: 1,
  properties: {
    stringValue: { type: "string" },
    boolValue: { type: "boolean" },
    intValue: { type: "string", pattern: "^-?[0-9]+$" },
    doubleValue: { type: "number" },
  },
  additionalProperties: false,
};

const keyValues = {
  type: "array",
  items: {
    type: "object",
    required: ["key", "value"],
    additionalProperties: false,
    properties: { key: { type: "string", minLength: 1 }, value: anyValue },
  },
};

const nanos = { type: "string", pattern: "^[0-9]{1,20}$" };

/**
 * The schema of the OTLP/JSON that `--otel` writes: the part of OpenTelemetry's `ExportTraceServiceRequest` cxda uses
 * (ids in lower-case hex of 16 and 8 bytes, times as strings of Unix nanoseconds, enums as integers).
 */
export const OTLP_TRACES_SCHEMA: JsonSchema = {
  $schema: "http://json-schema.org/draft-07/schema#",
  $id: "https://cxda.dev/schemas/otlp-traces.json",
  title: "OTLP/JSON traces (the subset cxda writes)",
  type: "object",
  required: ["resourceSpans"],
  additionalProperties: false,
  properties: {
    resourceSpans: {
      type: "array",
      items: {
        type: "object",
        required: ["resource", "scopeSpans"],
        properties: {
          resource: { type: "object", required: ["attributes"], properties: { attributes: keyValues } },
          scopeSpans: {
            type: "array",
            items: {
              type: "object",
              required: ["scope", "spans"],
              properties: {
                scope: { type: "object", required: ["name"], properties: { name: { type: "string" }, version: { type: "string" } } },
                spans: {
                  type: "array",
                  items: {
                    type: "object",
                    required: ["traceId", "spanId", "name", "kind", "startTimeUnixNano", "endTimeUnixNano", "attributes", "status"],
                    additionalProperties: false,
                    properties: {
                      traceId: { type: "string", pattern: "^(?!0{32})[0-9a-f]{32}$" },
                      spanId: { type: "string", pattern: "^(?!0{16})[0-9a-f]{16}$" },
                      parentSpanId: { type: "string", pattern: "^(?!0{16})[0-9a-f]{16}$" },
                      name: { type: "string", minLength: 1 },
                      kind: { enum: [0, 1, 2, 3, 4, 5] },
                      startTimeUnixNano: nanos,
                      endTimeUnixNano: nanos,
                      attributes: keyValues,
                      status: {
                        type: "object",
                        required: ["code"],
                        additionalProperties: false,
                        properties: { code: { enum: [0, 1, 2] }, message: { type: "string" } },
                      },
                    },
                  },
                },
              },
            },
          },
        },
      },
    },
  },
};
