// A run's traces as OpenTelemetry OTLP/JSON: one trace per case, a root span for the case, a child span per step.
import { randomBytes } from "node:crypto";
import type { CaseResult, TraceStep } from "../core/types.js";
import { redactResult } from "../secrets/redact.js";

/** An OTLP attribute value (the subset cxda writes). */
export type OtlpAnyValue = { stringValue: string } | { boolValue: boolean } | { intValue: string } | { doubleValue: number };

/** An OTLP key/value attribute. */
export interface OtlpKeyValue {
  key: string;
  value: OtlpAnyValue;
}

/** An OTLP span in its JSON encoding: ids as lower-case hex, times as decimal strings of Unix nanoseconds. */
export interface OtlpSpan {
  traceId: string;
  spanId: string;
  parentSpanId?: string;
  name: string;
  /** 1 internal, 5 consumer (a case consumes a trigger). */
  kind: 1 | 5;
  startTimeUnixNano: string;
  endTimeUnixNano: string;
  attributes: OtlpKeyValue[];
  /** 0 unset (a skipped step), 1 ok, 2 error. */
  status: { code: 0 | 1 | 2; message?: string };
}

/** An OTLP/JSON `ExportTraceServiceRequest`: what an OTLP receiver or file exporter takes. */
export interface OtlpTraces {
  resourceSpans: Array<{
    resource: { attributes: OtlpKeyValue[] };
    scopeSpans: Array<{ scope: { name: string; version?: string }; spans: OtlpSpan[] }>;
  }>;
}

/** Options of {@link toOtlpTraces}. */
export interface OtlpOptions {
  /** `service.name` of the resource. @default "cxda" */
  serviceName?: string;
  /** The version written as the instrumentation scope's version. */
  version?: string;
  /** Where the ids come from. @default crypto.randomBytes */
  randomBytes?: (size: number) => Buffer;
}

/** {@link OtlpOptions} with every default applied. */
export interface ResolvedOtlpOptions {
  serviceName: string;
  version: string | undefined;
  randomBytes: (size: number) => Buffer;
}

/**
 * Applies the defaults.
 * @example
 * resolveOtlpOptions({}).serviceName; // "cxda"
 */
export function resolveOtlpOptions(options: OtlpOptions = {}): ResolvedOtlpOptions {
  return { serviceName: options.serviceName ?? "cxda", version: options.version, randomBytes: options.randomBytes ?? randomBytes };
}

/** Epoch milliseconds (fractional) as a decimal string of Unix nanoseconds, exact to the microsecond. */
export function toUnixNanos(ms: number): string {
  const whole = Math.floor(ms);
  const micros = Math.round((ms - whole) * 1000);
  return (BigInt(whole) * 1_000_000n + BigInt(micros) * 1000n).toString();
}

function string(key: string, value: string): OtlpKeyValue {
  return { key, value: { stringValue: value } };
}

function int(key: string, value: number): OtlpKeyValue {
  return { key, value: { intValue: String(Math.trunc(value)) } };
}

function bool(key: string, value: boolean): OtlpKeyValue {
  return { key, value: { boolValue: value } };
}

/** Flat step details become attributes; nested values are written as JSON text. */
function detailAttributes(detail: Record<string, unknown> | undefined): OtlpKeyValue[] {
  if (detail === undefined) return [];
  return Object.entries(detail).flatMap(([key, value]): OtlpKeyValue[] => {
    const name = `cxda.detail.${key}`;
    if (typeof value === "string") return [string(name, value)];
    if (typeof value === "boolean") return [bool(name, value)];
    if (typeof value === "number") return Number.isInteger(value) ? [int(name, value)] : [{ key: name, value: { doubleValue: value } }];
    if (value === undefined || value === null) return [];
    return [string(name, JSON.stringify(value))];
  });
}

function hexId(random: (size: number) => Buffer, bytes: number): string {
  // An all-zero id is invalid in OTLP.
  for (;;) {
    const id = random(bytes).toString("hex");
    if (/[^0]/.test(id)) return id;
  }
}

function stepSpan(step: TraceStep, traceId: string, parentSpanId: string, random: (size: number) => Buffer): OtlpSpan {
  const attributes = [string("cxda.step", step.step), ...detailAttributes(step.detail)];
  if (step.ok === null) attributes.push(bool("cxda.step.skipped", true));
  if (step.step === "load-definition") attributes.push(bool("cxda.step.shared", true));
  return {
    traceId,
    spanId: hexId(random, 8),
    parentSpanId,
    name: step.name,
    kind: 1,
    startTimeUnixNano: toUnixNanos(step.startedAt),
    endTimeUnixNano: toUnixNanos(step.startedAt + step.durationMs),
    attributes,
    status: step.ok === null ? { code: 0 } : step.ok ? { code: 1 } : { code: 2, message: `${step.step} found a problem` },
  };
}

/**
 * Converts results to OTLP/JSON. Each case is its own trace: a root span named `action › case` (status error when
 * the case failed or errored, with the first reason as message) whose children are the case's steps. The shared
 * `load-definition` step is included, so a root span starts when its action's definition was read. Values are redacted
 * as everywhere else.
 * @example
 * await writeFile("reports/traces.otlp.json", JSON.stringify(toOtlpTraces(results)));
 */
export function toOtlpTraces(results: Iterable<CaseResult>, options: OtlpOptions = {}): OtlpTraces {
  const settings = resolveOtlpOptions(options);
  const spans: OtlpSpan[] = [];
  for (const raw of results) {
    const result = redactResult(raw);
    const traceId = hexId(settings.randomBytes, 16);
    const rootId = hexId(settings.randomBytes, 8);
    const children = result.trace.steps.map((step) => stepSpan(step, traceId, rootId, settings.randomBytes));
    const starts = result.trace.steps.map((s) => s.startedAt);
    const ends = result.trace.steps.map((s) => s.startedAt + s.durationMs);
    const start = starts.length > 0 ? Math.min(...starts) : Date.now();
    const end = ends.length > 0 ? Math.max(...ends) : start;
    const reason = result.error ? `${result.error.code} ${result.error.message}` : result.failures[0]?.message;
    const attributes = [
      string("cxda.action", result.action),
      string("cxda.case", result.case),
      string("cxda.status", result.status),
      int("cxda.issues.count", result.issues.length),
      int("cxda.issues.input", result.issues.filter((i) => i.side === "input").length),
      int("cxda.issues.output", result.issues.filter((i) => i.side === "output").length),
      int("cxda.failures.count", result.failures.length),
      { key: "cxda.case.duration_ms", value: { doubleValue: result.durationMs } },
    ];
    if (result.source !== undefined) attributes.push(string("cxda.case.source", result.source));
    if (result.error !== undefined) attributes.push(string("cxda.error.code", result.error.code));
    spans.push({
      traceId,
      spanId: rootId,
      name: `${result.action} › ${result.case}`,
      kind: 5,
      startTimeUnixNano: toUnixNanos(start),
      endTimeUnixNano: toUnixNanos(end),
      attributes,
      status: result.status === "pass" ? { code: 1 } : { code: 2, ...(reason !== undefined ? { message: reason } : {}) },
    });
    spans.push(...children);
  }
  const scope: { name: string; version?: string } = { name: "cxda" };
  if (settings.version !== undefined) scope.version = settings.version;
  return { resourceSpans: [{ resource: { attributes: [string("service.name", settings.serviceName)] }, scopeSpans: [{ scope, spans }] }] };
}
