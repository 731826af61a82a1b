// Runs a Genesys declarative action for one input: resolve-request → upstream → translation-map → success-template,
// each step's intermediate result kept for the trace, as the platform's own Test view shows them.
import { performance } from "node:perf_hooks";
import { CxdaError, toProblem, type Problem } from "../../../core/errors.js";
import type { DeclarativeConfig, DeclarativeStepName, TraceStep } from "../../../core/types.js";
import { resolveRequest, type ResolvedRequest } from "./resolve-request.js";
import { parseUpstreamBody, renderSuccess, translateResponse } from "./translate-response.js";

/** What the remote endpoint answered: over HTTP from the loopback stub, or (`--live`) from the real endpoint. */
export interface UpstreamReply {
  status: number;
  statusText?: string;
  headers: Record<string, string>;
  body: string;
  /** Where the request went: `stub` (the case's answer, over loopback) or `live`. */
  target: "stub" | "live";
}

/** Sends the resolved request and brings back the answer; a fault (no answer at all) rejects with a CxdaError. */
export type UpstreamExchange = (request: ResolvedRequest) => Promise<UpstreamReply>;

/** Options of {@link runDeclarative}. */
export interface RunDeclarativeOptions {
  exchange: UpstreamExchange;
  /** Unresolved template references are errors, not warnings. */
  strict?: boolean;
  /** What `${credentials.X}` reads. */
  credentials?: Record<string, unknown>;
  /** Longest text (a body, a rendered template) kept in a step's detail. @default 4096 */
  maxDetailChars?: number;
}

/** What a run of the four steps leaves: the steps (always), the request (once resolved) and the output (on success). */
export interface DeclarativeRun {
  steps: TraceStep[];
  request?: ResolvedRequest;
  output?: unknown;
  /** Why the run stopped, when it did: the step that failed has `ok: false` and the error's code. */
  error?: Problem;
}

const STEP_LABELS: Record<DeclarativeStepName, string> = {
  "resolve-request": "resolve request",
  upstream: "call upstream",
  "translation-map": "translation map",
  "success-template": "success template",
};

/** The steps a declarative action runs in place of `execute`, in the order they run. */
export const DECLARATIVE_STEPS = Object.keys(STEP_LABELS) as readonly DeclarativeStepName[];

function cut(text: string, max: number): string {
  return text.length <= max ? text : `${text.slice(0, max)}… (${text.length - max} more characters)`;
}

/**
 * Runs the action's request and response for `input`. Never rejects: a step that fails ends the run with `error`, and
 * the steps after it are marked skipped. An upstream status of 400 or more takes the platform's failure path: the
 * error (`E_UPSTREAM`) names the status.
 * @example
 * const run = await runDeclarative(config, { id: "7" }, { exchange: (request) => stub(request) });
 * run.output; // the success template's JSON
 */
export async function runDeclarative(
  config: DeclarativeConfig,
  input: Record<string, unknown>,
  options: RunDeclarativeOptions,
): Promise<DeclarativeRun> {
  const max = options.maxDetailChars ?? 4096;
  const run: DeclarativeRun = { steps: [] };
  const step = async <T>(name: DeclarativeStepName, body: () => T | Promise<T>, detail: (value: T) => Record<string, unknown>): Promise<T> => {
    const startedAt = performance.timeOrigin + performance.now();
    const began = performance.now();
    const record = (ok: boolean, details: Record<string, unknown>): void => {
      run.steps.push({
        step: name,
        name: STEP_LABELS[name],
        ok,
        startedAt,
        durationMs: Math.round((performance.now() - began) * 1000) / 1000,
        detail: details,
      });
    };
    try {
      const value = await body();
      record(true, detail(value));
      return value;
    } catch (error) {
      const problem = toProblem(error, "E_TEMPLATE");
      const extra = (error as { stepDetail?: Record<string, unknown> }).stepDetail;
      record(false, { ...extra, error: problem.code, message: cut(problem.message, max) });
      throw error;
    }
  };
  try {
    const resolution = await step(
      "resolve-request",
      () => resolveRequest(config, input, { strict: options.strict === true, ...(options.credentials ? { credentials: options.credentials } : {}) }),
      (r) => ({
        method: r.request.method,
        url: r.request.url,
        headers: r.request.headers,
        ...(r.request.body === undefined ? {} : { body: cut(r.request.body, max), json: r.json }),
        ...(r.unresolved.length === 0
          ? {}
          : { warnings: r.unresolved.map((u) => `${u.reference} in ${u.part} (${u.line}:${u.column}) does not resolve`) }),
      }),
    );
    run.request = resolution.request;
    const reply = await step(
      "upstream",
      async () => {
        const answer = await options.exchange(resolution.request);
        if (answer.status >= 400) {
          const failure = new CxdaError(
            "E_UPSTREAM",
            `the upstream answered status ${answer.status}${answer.statusText ? ` ${answer.statusText}` : ""} (Genesys takes the failure path): ${cut(answer.body, 300) || "(no body)"}`,
            { context: { status: answer.status } },
          );
          Object.assign(failure, {
            stepDetail: { target: answer.target, status: answer.status, headers: answer.headers, body: cut(answer.body, max) },
          });
          throw failure;
        }
        return answer;
      },
      (a) => ({ target: a.target, status: a.status, headers: a.headers, body: cut(a.body, max) }),
    );
    const translation = await step(
      "translation-map",
      () => translateResponse(config, parseUpstreamBody(reply.body)),
      (t) => ({
        entries: t.entries.map((e) => ({
          key: e.key,
          path: e.path,
          ...(e.definite === undefined ? {} : { definite: e.definite }),
          matches: e.matches,
          usedDefault: e.usedDefault,
          ...(e.json === undefined ? {} : { value: cut(e.json, 500) }),
        })),
      }),
    );
    const success = await step(
      "success-template",
      () => renderSuccess(config, translation, reply.body, options.strict === true),
      (s) => ({
        text: cut(s.text, max),
        ...(s.unresolved.length === 0 ? {} : { warnings: s.unresolved.map((u) => `${u.reference} (${u.line}:${u.column}) does not resolve`) }),
      }),
    );
    run.output = success.output;
  } catch (error) {
    run.error = toProblem(error, "E_TEMPLATE");
    const done = new Set(run.steps.map((s) => s.step));
    for (const name of DECLARATIVE_STEPS) {
      if (done.has(name)) continue;
      run.steps.push({
        step: name,
        name: STEP_LABELS[name],
        ok: null,
        startedAt: performance.timeOrigin + performance.now(),
        durationMs: 0,
        detail: { skipped: "an earlier step failed" },
      });
    }
  }
  return run;
}
