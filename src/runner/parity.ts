// Parity: runs a case's trigger through the platform's execute endpoint and compares the output with the local one.
import type { ApiClient } from "../client/api-client.js";
import { toProblem } from "../core/errors.js";
import type { CaseFailure, CaseResult } from "../core/types.js";
import { diffValues, showValue } from "../cases/compare-values.js";
import { scrubFailures, secretValues, scrub } from "../secrets/scrub.js";

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
          code: "E_PARITY",
          message: `parity: the platform answered ${remote.status} (${remote.error.message}) where the local transform returned an output`,
          actual: remote.error.message,
        },
      ];
      detail = { parity: "platform-failed", status: remote.status };
    } else {
      failures = diffValues(local.output, remote.output, { partial: false }).map((d) => ({
        expectation: "parity",
        code: "E_PARITY",
        message: `parity: output ${d.path}: local ${showValue(d.expected)}, platform ${showValue(d.actual)}`,
        path: d.path,
        expected: d.expected,
        actual: d.actual,
      }));
      detail = { parity: failures.length === 0 ? "same" : "differs", differences: failures.length };
    }
  } catch (error) {
    // The platform's own code stays (E_AUTH, E_NETWORK…: the CLI's exit code 3); the compare step says it was parity's.
    const { code, message } = toProblem(error, "E_HTTP");
    const trace = withParityDetail(local, { parity: "unreachable" }, startedAt);
    const said = scrub(message, secretValues(trigger, undefined));
    return { ...local, status: "error", error: { code, message: `parity: could not run the case on the platform: ${said}` }, trace };
  }
  // The platform may echo the trigger (a 422 quoting its input, an output that copies a field): its secret values are
  // taken out of what parity reports, as the worker takes them out of logs and errors.
  const all = [...local.failures, ...scrubFailures(failures, secretValues(trigger, undefined))];
  const status = local.status === "pass" && failures.length > 0 ? "fail" : local.status;
  return { ...local, failures: all, status, trace: withParityDetail(local, detail, startedAt) };
}

/** The local trace with parity's outcome (and its time) in the compare step's detail. */
function withParityDetail(local: CaseResult, detail: Record<string, unknown>, startedAt: number): CaseResult["trace"] {
  const steps = local.trace.steps.map((step) =>
    step.step === "compare" ? { ...step, detail: { ...step.detail, ...detail, parityMs: Date.now() - startedAt } } : step,
  );
  return { steps };
}

/** What parity found for a case, from its compare step: `same`, `differs`, `platform-failed`, `unreachable`, or undefined. */
export function parityOutcome(result: CaseResult): string | undefined {
  const outcome = result.trace.steps.find((step) => step.step === "compare")?.detail?.["parity"];
  return typeof outcome === "string" ? outcome : undefined;
}
