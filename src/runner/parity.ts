// Parity: runs a case's trigger through the platform's execute endpoint and compares the output with the local one.
import type { ApiClient } from "../client/api-client.js";
import { isCxdaError } from "../core/errors.js";
import type { CaseFailure, CaseResult } from "../core/types.js";
import { diffValues, showValue } from "../cases/compare-values.js";

/** Options of parity runs. */
export interface ParityOptions {
  /** The client for the platform (or the emulator). */
  client: ApiClient;
  /** Execute calls in flight at once. @default 4 */
  concurrency?: number;
}

/** Runs `task`s with at most `limit` in flight. */
export function createLimiter(limit: number): <T>(task: () => Promise<T>) => Promise<T> {
  let running = 0;
  const waiting: Array<() => void> = [];
  return async (task) => {
    if (running >= limit) await new Promise<void>((resolve) => waiting.push(resolve));
    running++;
    try {
      return await task();
    } finally {
      running--;
      waiting.shift()?.();
    }
  };
}

/** Whether a case's local run produced something to compare: only cases whose transform returned an output. */
export function needsParity(result: CaseResult): boolean {
  return result.output !== undefined && result.status !== "error";
}

/**
 * Executes the trigger on the platform and returns the case result with a `parity` failure for every place where the
 * platform's output differs from the local one (or an error when the platform could not be asked).
 * @example
 * const checked = await checkParity(client, "da-test-12345", trigger, localResult);
 */
export async function checkParity(client: ApiClient, actionId: string, trigger: unknown, local: CaseResult): Promise<CaseResult> {
  const startedAt = Date.now();
  let failures: CaseFailure[];
  let detail: Record<string, unknown>;
  try {
    const remote = await client.executeDataAction(actionId, trigger);
    if (!remote.ok) {
      failures = [
        {
          expectation: "parity",
          message: `parity: the platform answered ${remote.status} (${remote.error.message}) where the local transform returned an output`,
          actual: remote.error.message,
        },
      ];
      detail = { parity: "platform-failed", status: remote.status };
    } else {
      failures = diffValues(local.output, remote.output, { partial: false }).map((d) => ({
        expectation: "parity",
        message: `parity: output ${d.path}: local ${showValue(d.expected)}, platform ${showValue(d.actual)}`,
        path: d.path,
        expected: d.expected,
        actual: d.actual,
      }));
      detail = { parity: failures.length === 0 ? "same" : "differs", differences: failures.length };
    }
  } catch (error) {
    const code = isCxdaError(error) ? error.code : "E_HTTP";
    const message = error instanceof Error ? error.message : String(error);
    return { ...local, status: "error", error: { code, message: `parity: could not run the case on the platform: ${message}` } };
  }
  const steps = local.trace.steps.map((step) =>
    step.step === "compare" ? { ...step, detail: { ...step.detail, ...detail, parityMs: Date.now() - startedAt } } : step,
  );
  const all = [...local.failures, ...failures];
  return { ...local, failures: all, status: local.status === "pass" && failures.length > 0 ? "fail" : local.status, trace: { steps } };
}
