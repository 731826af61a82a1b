// One test of a Genesys declarative action in the emulator, as Genesys' test endpoint runs it: the request resolved and
// really sent, the translation map, the success template, the output checked against the success schema. It runs in
// the emulator's test worker (declarative-test-worker.ts), which the emulator stops when a template never ends.
import { CxdaError, toProblem } from "../core/errors.js";
import type { ActionDefinition, TraceStep } from "../core/types.js";
import { normaliseDefinition } from "../definitions/load-definition.js";
import type { ResolvedRequest } from "../platforms/genesys/declarative/resolve-request.js";
import { runDeclarative, type DeclarativeRun, type UpstreamReply } from "../platforms/genesys/declarative/run-declarative.js";
import type { EmulatedTest, EmulatedTestError, EmulatedTestStep } from "../platforms/platform.js";
import { createValidator } from "../validation/create-validator.js";
import { formatIssue } from "../validation/format-issue.js";
import type { DeclarativeTestJob, TestReply } from "./declarative-test-protocol.js";
import { cappedText } from "../internal/capped-body.js";

/** Largest upstream answer read: a data action's response is small JSON (Genesys caps it far lower). */
const MAX_REPLY_BYTES = 16 * 1024 * 1024;

/** Longest text kept in a step: the emulator shows what it made whole, as Genesys' test view does. */
const MAX_DETAIL_CHARS = 1024 * 1024;

/** The Platform API's own paths: Genesys sends a relative URL to its own API (a Genesys Cloud Data Actions integration). */
const PLATFORM_PATH = /^\/api\/v2(\/|$)/;

/** Where a resolved URL goes: an absolute http(s) URL as it is, a Platform API path to the emulator; anything else is refused. */
export function upstreamTarget(url: string, origin: string): { url: string; own: boolean } {
  if (PLATFORM_PATH.test(url)) return { url: `${origin}${url}`, own: true };
  let parsed: URL | undefined;
  try {
    parsed = new URL(url);
  } catch {
    parsed = undefined;
  }
  if (parsed !== undefined && (parsed.protocol === "http:" || parsed.protocol === "https:")) return { url: parsed.href, own: false };
  throw new CxdaError(
    "E_REQUEST",
    `the request URL ${JSON.stringify(url.slice(0, 200))} is neither an absolute http(s) URL nor a Platform API path (/api/v2/…), so the emulator cannot send it; give the action a requestUrlTemplate that resolves to one (an AWS Lambda ARN runs only on the platform)`,
    { context: { url: url.slice(0, 200) } },
  );
}

/** Sends the resolved request over HTTP and reads the answer whole; a request that gets no answer is `E_UPSTREAM`. */
export async function sendUpstream(
  request: ResolvedRequest,
  job: Pick<DeclarativeTestJob, "origin" | "authorization" | "upstreamTimeoutMs">,
): Promise<TestReply> {
  const target = upstreamTarget(request.url, job.origin);
  const headers = new Headers();
  try {
    for (const [name, value] of Object.entries(request.headers)) headers.set(name, value);
  } catch (error) {
    throw new CxdaError("E_REQUEST", `a request header cannot be sent: ${error instanceof Error ? error.message : String(error)}`);
  }
  if (target.own && job.authorization !== undefined && !headers.has("authorization")) headers.set("authorization", job.authorization);
  let response: Response;
  try {
    response = await fetch(target.url, {
      method: request.method,
      headers,
      ...(request.body === undefined ? {} : { body: request.body }),
      signal: AbortSignal.timeout(job.upstreamTimeoutMs),
    });
  } catch (error) {
    const cause = (error as { cause?: { code?: unknown; message?: unknown } }).cause;
    // fetch says only "fetch failed"; its cause says why (ECONNREFUSED, a timeout, a port fetch refuses to use).
    const why =
      typeof cause?.code === "string"
        ? cause.code
        : typeof cause?.message === "string"
          ? cause.message
          : error instanceof Error
            ? error.message
            : String(error);
    throw new CxdaError("E_UPSTREAM", `${request.method} ${target.url} got no answer (${why}); check that the endpoint is up and reachable`, {
      context: { url: target.url },
    });
  }
  const body = await cappedText(response, MAX_REPLY_BYTES);
  if (body === undefined)
    throw new CxdaError("E_UPSTREAM", `${request.method} ${target.url} answered more than the ${MAX_REPLY_BYTES} bytes the emulator reads`);
  return { status: response.status, headers: Object.fromEntries(response.headers), body };
}

/** A JSON text as its value, or the text itself when it is not JSON. */
function parsedOr(text: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return text;
  }
}

function errorOf(step: TraceStep): EmulatedTestError {
  const detail = step.detail ?? {};
  const code = typeof detail["error"] === "string" ? detail["error"] : "E_TEMPLATE";
  const message = typeof detail["message"] === "string" ? detail["message"] : `${step.name} failed`;
  return { code, message, ...(typeof detail["status"] === "number" ? { status: detail["status"] } : {}) };
}

/** What one step of the run made, for the test's answer. */
function resultOf(step: TraceStep, run: DeclarativeRun, reply: TestReply | undefined): unknown {
  switch (step.step) {
    case "resolve-request":
      return run.request;
    case "upstream":
      return reply === undefined ? undefined : { status: reply.status, headers: reply.headers, body: parsedOr(reply.body) };
    case "translation-map": {
      const entries = (step.detail?.["entries"] ?? []) as Array<{ key: string; value?: string }>;
      return Object.fromEntries(entries.map((entry) => [entry.key, entry.value === undefined ? null : parsedOr(entry.value)]));
    }
    case "success-template":
      return run.output;
    default:
      return undefined;
  }
}

/** The run's steps as the test lists them: every step that ran, up to and including the one that failed. */
function testSteps(run: DeclarativeRun, reply: TestReply | undefined): EmulatedTestStep[] {
  const steps: EmulatedTestStep[] = [];
  for (const step of run.steps) {
    if (step.ok === null) break;
    const name = step.step as EmulatedTestStep["step"];
    const result = resultOf(step, run, reply);
    if (step.ok) steps.push({ step: name, ok: true, ...(result === undefined ? {} : { result }) });
    else {
      // A failed upstream still shows what it answered: the status and body say why.
      steps.push({ step: name, ok: false, ...(name === "upstream" && result !== undefined ? { result } : {}), error: errorOf(step) });
      break;
    }
  }
  return steps;
}

/** The last step, validate-output: the output against the action's success schema. */
function validateOutput(definition: ActionDefinition, output: unknown): EmulatedTestStep {
  try {
    const validator = createValidator(definition.outputSchema, { side: "output", draft: definition.meta.outputDraft, strict: "warn" });
    const issues = validator.validate(output);
    if (issues.length === 0) return { step: "validate-output", ok: true, result: output };
    const lines = issues.slice(0, 10).map(formatIssue);
    const more = issues.length > lines.length ? ` (and ${issues.length - lines.length} more)` : "";
    return {
      step: "validate-output",
      ok: false,
      error: { code: "E_SCHEMA", message: `the output does not match the success schema: ${lines.join("; ")}${more}` },
    };
  } catch (error) {
    return { step: "validate-output", ok: false, error: toProblem(error, "E_SCHEMA") };
  }
}

/** What the test reports as it goes (see {@link DeclarativeTestJob}); the worker posts it to the emulator. */
interface TestProgress {
  upstream(request: ResolvedRequest): void;
  answered(reply: TestReply): void;
}

/**
 * Tests the action of `job` on its input. Never rejects: a definition that cannot run, and every failed step, are in
 * the result.
 * @example
 * const test = await testDeclarativeAction(job, { upstream() {}, answered() {} });
 * test.steps.map((s) => s.step); // ["resolve-request", "upstream", "translation-map", "success-template", "validate-output"]
 */
export async function testDeclarativeAction(job: DeclarativeTestJob, progress: TestProgress): Promise<EmulatedTest> {
  let definition: ActionDefinition;
  try {
    definition = normaliseDefinition(job.definition, { fallbackId: job.actionId, strict: "warn" });
  } catch (error) {
    return { ok: false, steps: [], error: toProblem(error, "E_DEFINITION") };
  }
  const config = definition.config;
  if (config === undefined) {
    const message = `the action "${job.actionId}" has no config (request and response templates), so there is nothing to test; the emulator tests Genesys declarative actions`;
    return { ok: false, steps: [], error: { code: "E_DEFINITION", message } };
  }
  let reply: TestReply | undefined;
  const run = await runDeclarative(config, job.input, {
    exchange: async (request): Promise<UpstreamReply> => {
      progress.upstream(request);
      reply = await sendUpstream(request, job);
      progress.answered(reply);
      return { ...reply, target: "live" };
    },
    maxDetailChars: MAX_DETAIL_CHARS,
  });
  const steps = testSteps(run, reply);
  const failed = steps.find((step) => !step.ok);
  if (failed?.error !== undefined) return { ok: false, steps, error: failed.error };
  if (run.error !== undefined) return { ok: false, steps, error: run.error };
  const validated = validateOutput(definition, run.output);
  steps.push(validated);
  if (validated.error !== undefined) return { ok: false, steps, error: validated.error };
  return { ok: true, steps, output: run.output };
}
