// The listener's execute route: POST /api/v2/data-actions/{id}/execute with a trigger, checked, recorded, validated and run.
import type { IncomingMessage } from "node:http";
import { performance } from "node:perf_hooks";
import { describeThrown, type Problem } from "../core/errors.js";
import type { CaseResult } from "../core/types.js";
import type { WorkerPool } from "../executor/worker-pool.js";
import { errorReply, jsonReply, type Reply } from "../server/reply.js";
import { bodyProblem, readBody, type BodyLimits } from "../server/request-body.js";
import { parseTrigger, refuseContentType } from "../server/trigger-body.js";
import type { ListenerRequest, ResolvedListenerOptions } from "./listener-options.js";
import { recordTrigger } from "./record-trigger.js";
import { runTrigger } from "./run-trigger.js";
import type { ServedAction } from "./served-action.js";

/** Why a run that did not pass failed: its error, the output's issues, or its first failure. */
function failureOf(result: CaseResult, actionId: string): Problem {
  if (result.error !== undefined) return { code: result.error.code, message: result.error.message };
  if (result.issues.length > 0) return { code: "invalid_output", message: `the output does not satisfy the output schema of ${actionId}` };
  return { code: "run_failed", message: result.failures[0]?.message ?? "the run failed" };
}

/** Answers triggers for the listener's actions. */
export class ExecuteRoute {
  readonly #settings: ResolvedListenerOptions;
  readonly #pool: WorkerPool;
  readonly #limits: BodyLimits;
  #recordings = 0;

  constructor(settings: ResolvedListenerOptions, pool: WorkerPool) {
    this.#settings = settings;
    this.#pool = pool;
    this.#limits = { limitBytes: settings.bodyLimitBytes, timeoutMs: settings.bodyTimeoutMs };
  }

  /**
   * 415 for a body that is not JSON, 413/408/400 for one that did not arrive whole or is not a JSON object, 400 with
   * the issues for a trigger the input schema refuses (its transform not run), 200 with `{ output, issues, trace, logs }`
   * for a run that passed, 422 with the same and `error` for one that did not.
   */
  async answer(request: IncomingMessage, action: ServedAction, entry: ListenerRequest): Promise<Reply> {
    const refused = refuseContentType(request.headers["content-type"]);
    // The body is left unread: the connection cannot carry another request.
    if (refused !== undefined) return { ...refused, close: true };
    const body = await readBody(request, this.#limits);
    if (body.kind !== "complete") return bodyProblem(body, this.#limits);
    const parsed = parseTrigger(body.body);
    if (!parsed.ok) return parsed.reply;
    const trigger = parsed.trigger;
    const recorded = await this.#record(action, trigger, entry);

    const waitStarted = performance.now();
    const version = await action.current();
    const wait = { startedAt: performance.timeOrigin + waitStarted, durationMs: Math.round((performance.now() - waitStarted) * 1000) / 1000 };
    if (!version.ok) return errorReply(422, version.error.code, version.error.message, { extra: recorded });
    const issues = version.input.validate(trigger);
    if (issues.length > 0) {
      const message = `the trigger does not satisfy the input schema of ${action.public.id}`;
      return errorReply(400, "invalid_input", message, { extra: { issues, ...recorded } });
    }
    const result = await runTrigger(this.#pool, version, trigger, { name: `listener #${entry.seq}`, vars: this.#settings.vars, wait });
    if (result === undefined) return errorReply(500, "listener_error", "the runner returned no result", { extra: recorded });
    const answer = { output: result.output ?? null, issues: result.issues, trace: result.trace, logs: result.logs, ...recorded };
    if (result.status === "pass") return jsonReply(200, answer);
    const failure = failureOf(result, action.public.id);
    return errorReply(422, failure.code, failure.message, { extra: answer });
  }

  /** With recording on, saves the trigger as a case; what was written (or why not) goes into the answer. */
  async #record(action: ServedAction, trigger: Record<string, unknown>, entry: ListenerRequest): Promise<{ recorded?: unknown }> {
    const { recordDir, now } = this.#settings;
    if (recordDir === undefined) return {};
    try {
      const recorded = await recordTrigger(recordDir, action.folder, trigger, { at: now(), sequence: ++this.#recordings });
      entry.recorded = recorded.file;
      entry.removed = recorded.removed;
      return { recorded: { file: recorded.file, removed: recorded.removed } };
    } catch (error) {
      // A full disk must not cost the sender its answer: say so and carry on.
      return { recorded: { error: `could not record the trigger: ${describeThrown(error)}` } };
    }
  }
}
