// Runs one inbound trigger through a loaded action on the listener's worker pool, as a case with no expectations.
import { prepareCase } from "../cases/prepare-case.js";
import type { CaseResult } from "../core/types.js";
import type { WorkerCaseResult } from "../executor/protocol.js";
import type { WorkerPool } from "../executor/worker-pool.js";
import type { ActionVersion } from "./served-action.js";

/**
 * The trigger's result, traced from the action's load through validation, execution and comparison; `undefined` if
 * the pool gave none.
 * @example
 * const result = await runTrigger(pool, version, trigger, { name: "listener #1", vars: {} });
 */
export async function runTrigger(
  pool: WorkerPool,
  version: Extract<ActionVersion, { ok: true }>,
  trigger: Record<string, unknown>,
  run: { name: string; vars: Record<string, unknown> },
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
    trace: { steps: [loaded.definitionStep, ...outcome.steps] },
    durationMs: outcome.durationMs,
  };
  if (outcome.output !== undefined) result.output = outcome.output;
  if (outcome.error !== undefined) result.error = outcome.error;
  return result;
}
