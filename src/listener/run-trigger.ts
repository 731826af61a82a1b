// Runs one inbound trigger through a loaded action on the listener's worker pool, as a case with no expectations.
import { prepareCase } from "../cases/prepare-case.js";
import type { CaseResult, TraceStep } from "../core/types.js";
import type { WorkerCaseResult } from "../executor/protocol.js";
import type { WorkerPool } from "../executor/worker-pool.js";
import type { ActionVersion } from "./served-action.js";

/** When this request asked for the action (epoch ms) and how long getting it took: a check of its files, or a load. */
export interface ActionWait {
  startedAt: number;
  durationMs: number;
}

/**
 * The trigger's result, traced from the action's load through validation, execution and comparison; `undefined` if
 * the pool gave none. The `load-definition` step is timed for this request ({@link ActionWait}); the action is usually
 * loaded for an earlier one, and `detail.loadedAt` says when.
 * @example
 * const result = await runTrigger(pool, version, trigger, { name: "listener #1", vars: {}, wait: { startedAt: Date.now(), durationMs: 0.2 } });
 */
export async function runTrigger(
  pool: WorkerPool,
  version: Extract<ActionVersion, { ok: true }>,
  trigger: Record<string, unknown>,
  run: { name: string; vars: Record<string, unknown>; wait: ActionWait },
): Promise<CaseResult | undefined> {
  const { loaded, worker } = version;
  const prepared = prepareCase(
    { name: run.name, payload: trigger, expect: {} },
    { actionId: worker.actionId, vars: run.vars, ...(loaded.defaultTrigger !== undefined ? { defaultTrigger: loaded.defaultTrigger } : {}) },
  );
  let outcome: WorkerCaseResult | undefined;
  await pool.run(worker, [prepared], (_index, result) => (outcome = result), { detail: "full" });
  if (outcome === undefined) return undefined;
  const result: CaseResult = {
    action: loaded.id,
    case: prepared.name,
    status: outcome.status,
    issues: outcome.issues,
    failures: outcome.failures,
    logs: outcome.logs,
    trace: { steps: [definitionStepFor(loaded.definitionStep, run.wait), ...outcome.steps] },
    durationMs: outcome.durationMs,
  };
  if (outcome.output !== undefined) result.output = outcome.output;
  if (outcome.error !== undefined) result.error = outcome.error;
  return result;
}

/** The load step as this request lived it: its own wait, and when the definition it was answered from was read. */
function definitionStepFor(loadStep: TraceStep, wait: ActionWait): TraceStep {
  return { ...loadStep, ...wait, detail: { ...loadStep.detail, loadedAt: new Date(loadStep.startedAt).toISOString() } };
}
