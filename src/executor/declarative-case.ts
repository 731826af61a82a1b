// One case of a declarative action in the worker: validate input → resolve-request → upstream → translation-map →
// success-template → validate output → compare. No user code runs; the templates do, under the case's time limit.
import { CxdaError, type CxdaErrorCode, type Problem } from "../core/errors.js";
import type { UpstreamResponse, ValidationIssue } from "../core/types.js";
import { evaluateExpectations } from "../cases/evaluate-case.js";
import { runDeclarative, type UpstreamExchange, type UpstreamReply } from "../platforms/genesys/declarative/run-declarative.js";
import type { ResolvedRequest } from "../platforms/genesys/declarative/resolve-request.js";
import { scrub, scrubError, scrubFailures, secretValues } from "../secrets/scrub.js";
import { redactSecrets, redactText } from "../secrets/redact.js";
import { showCredentials } from "../platforms/genesys/declarative/credentials.js";
import type { Validator } from "../validation/create-validator.js";
import type { DeclarativeAction, ResultDetail, UpstreamMessage, UpstreamReplyMessage, WorkerCaseResult } from "./protocol.js";
import { STEP, recordDuration, recordStep, timedSteps } from "./wire.js";
import type { DecodedCase, WireResult } from "./wire.js";

/** Sends messages to the pool (the worker's port). */
type Post = (message: UpstreamMessage) => void;

const waiting = new Map<number, (reply: UpstreamReplyMessage["reply"]) => void>();
let nextId = 0;

/** Hands a reply from the pool to the case waiting for it; false for a message that is not one. */
export function takeUpstreamReply(message: unknown): boolean {
  const reply = message as Partial<UpstreamReplyMessage> | null;
  if (typeof reply !== "object" || reply === null || reply.type !== "upstream-reply" || typeof reply.id !== "number") return false;
  const resolve = waiting.get(reply.id);
  waiting.delete(reply.id);
  resolve?.(reply.reply!);
  return true;
}

/** The exchange of one case: through the pool, which sends the request over HTTP to the stub serving `answer`, or live. */
function exchangeFor(post: Post, live: boolean, answer: UpstreamResponse | undefined): UpstreamExchange {
  return (request: ResolvedRequest) => {
    if (!live && answer === undefined) {
      return Promise.reject(
        new CxdaError(
          "E_UPSTREAM",
          `the case says nothing about the upstream's answer: add "upstream": { "status": 200, "body": { … } } to the case (or the path of a fixture file such as "fixtures/ok.json"), or run with --live to call the real endpoint`,
        ),
      );
    }
    const id = ++nextId;
    return new Promise<UpstreamReply>((resolve, reject) => {
      waiting.set(id, (reply) => ("error" in reply ? reject(new CxdaError(reply.error.code as CxdaErrorCode, reply.error.message)) : resolve(reply)));
      post(answer === undefined || live ? { type: "upstream", id, request } : { type: "upstream", id, request, answer });
    });
  };
}

/** What the worker gives {@link runDeclarativeCase}. */
export interface DeclarativeCaseContext {
  declarative: DeclarativeAction;
  input: Validator;
  output: Validator;
  post: Post;
  now: () => number;
}

/**
 * Runs one case of a declarative action and returns how its result travels: a pass with `summary` detail as nothing
 * but timings, anything else whole (its steps are the point of running it).
 */
export async function runDeclarativeCase(
  context: DeclarativeCaseContext,
  decoded: DecodedCase,
  trigger: unknown,
  timings: Float64Array,
  at: number,
  detail: ResultDetail,
): Promise<WireResult> {
  const { declarative, now } = context;
  const began = now();
  let startedAt = began;
  const inputIssues = context.input.validate(trigger);
  let ended = now();
  recordStep(timings, at, STEP.validateInput, startedAt, ended - startedAt);

  startedAt = ended;
  let issues: ValidationIssue[] = inputIssues;
  let run: Awaited<ReturnType<typeof runDeclarative>> | undefined;
  if (inputIssues.length === 0) {
    const input = typeof trigger === "object" && trigger !== null && !Array.isArray(trigger) ? (trigger as Record<string, unknown>) : {};
    run = await runDeclarative(declarative.config, input, {
      exchange: exchangeFor(context.post, declarative.live, decoded.upstream),
      strict: declarative.strict,
      credentials: declarative.credentials,
    });
  }
  ended = now();
  recordStep(timings, at, STEP.execute, startedAt, ended - startedAt);

  startedAt = ended;
  const executed = run !== undefined;
  const error: Problem | undefined = run?.error;
  if (run !== undefined && error === undefined) issues = context.output.validate(run.output);
  ended = now();
  recordStep(timings, at, STEP.validateOutput, startedAt, ended - startedAt);

  startedAt = ended;
  const thrown = error === undefined ? undefined : { message: error.message };
  const failures = evaluateExpectations(decoded.expect, {
    executed,
    ...(run?.output !== undefined ? { output: run.output } : {}),
    issues,
    ...(thrown ? { thrown } : {}),
    ...(run?.request ? { request: shownRequest(run.request) } : {}),
  });
  ended = now();
  recordStep(timings, at, STEP.compare, startedAt, ended - startedAt);
  recordDuration(timings, at, ended - began);

  const expectedThrow = thrown !== undefined && decoded.expect.throws !== undefined;
  const status: WorkerCaseResult["status"] = error !== undefined && !expectedThrow ? "error" : failures.length > 0 ? "fail" : "pass";
  if (status === "pass" && issues.length === 0 && thrown === undefined && detail === "summary") return 0;
  const [validateInput, , validateOutput, compare] = timedSteps(timings, at, [
    [inputIssues.length === 0, { issues: inputIssues.length }],
    [null, undefined],
    executed && error === undefined ? [issues.length === 0, { issues: issues.length }] : [null, { skipped: "no output" }],
    [failures.length === 0, { failures: failures.length }],
  ]);
  const secrets = secretValues(trigger, decoded.vars);
  const steps = [validateInput!, ...(run?.steps ?? []).map((step) => shownStep(step, secrets)), validateOutput!, compare!];
  const result: WorkerCaseResult = { status, issues, failures: scrubFailures(failures, secrets), logs: [], steps, durationMs: ended - began };
  if (run?.output !== undefined) result.output = run.output;
  if (error !== undefined && !expectedThrow) result.error = secrets.length === 0 ? error : scrubError(error, secrets);
  return { result };
}

/** The request as `expect.request` compares it: credential placeholders written as `${credentials.NAME}`. */
function shownRequest(request: ResolvedRequest): ResolvedRequest {
  const shown: ResolvedRequest = {
    method: request.method,
    url: showCredentials(request.url),
    headers: Object.fromEntries(Object.entries(request.headers).map(([name, value]) => [name, showCredentials(value)])),
  };
  if (request.body !== undefined) shown.body = showCredentials(request.body);
  return shown;
}

/**
 * A string of a step's detail with its secrets redacted: JSON text (a body, a translated value) through its keys, so it
 * stays JSON (and comparable: parity reads it), any other text through its `key=value` forms and URLs.
 */
function redactString(text: string): string {
  if (/^\s*[[{]/.test(text)) {
    try {
      const value = JSON.parse(text) as unknown;
      const redacted = redactSecrets(value);
      return JSON.stringify(redacted) === JSON.stringify(value) ? text : JSON.stringify(redacted);
    } catch {
      // not JSON after all (a cut body): redacted as text
    }
  }
  return redactText(text);
}

/**
 * A step as it leaves the worker: credential placeholders written as `${credentials.NAME}`, secret-looking fields
 * (`Authorization`, `X-Api-Key`) and text (`"password": "…"`, `?api_key=…`) redacted, and the case's own secret
 * values replaced, wherever they are in the detail.
 */
function shownStep<T extends { detail?: Record<string, unknown> }>(step: T, secrets: readonly string[]): T {
  if (step.detail === undefined) return step;
  const walk = (value: unknown): unknown => {
    if (typeof value === "string") return redactString(showCredentials(value));
    if (Array.isArray(value)) return value.map(walk);
    if (typeof value === "object" && value !== null) return Object.fromEntries(Object.entries(value).map(([key, inner]) => [key, walk(inner)]));
    return value;
  };
  let detail = redactSecrets(walk(step.detail) as Record<string, unknown>);
  if (secrets.length > 0) detail = JSON.parse(scrub(JSON.stringify(detail), secrets)) as Record<string, unknown>;
  return { ...step, detail };
}
