// Parity: runs a case's trigger through the platform's execute endpoint and compares the output with the local one; on
// Genesys Cloud, runs the case's input through the action's test endpoint and compares its steps and final result.
import type { ApiClient, TestDataActionResult, TestExecutionOperation } from "../client/api-client.js";
import { toProblem } from "../core/errors.js";
import type { CaseFailure, CaseResult, DeclarativeStepName } from "../core/types.js";
// The platform's operations are matched to the local steps by the order they run.
import { DECLARATIVE_STEPS } from "../platforms/genesys/declarative/run-declarative.js";
import { diffValues, showValue } from "../cases/compare-values.js";
import { scrubFailures, secretValues, scrub } from "../secrets/scrub.js";
import { isSecretPath } from "../secrets/secret-keys.js";
import { isRecord } from "../internal/json-data.js";

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

/** What comparing a case with the platform found: its parity failures, and the compare step's detail. */
interface Comparison {
  failures: CaseFailure[];
  detail: Record<string, unknown>;
}

function parityFailure(message: string, extra: Omit<CaseFailure, "expectation" | "code" | "message"> = {}): CaseFailure {
  return { expectation: "parity", code: "E_PARITY", message, ...extra };
}

/** The execute endpoint's answer against the local output (the CXone-style platform). */
async function compareExecute(client: ApiClient, actionId: string, trigger: unknown, local: CaseResult): Promise<Comparison> {
  const remote = await client.executeDataAction(actionId, trigger);
  if (!remote.ok) {
    const message = `parity: the platform answered ${remote.status} (${remote.error.message}) where the local transform returned an output`;
    return { failures: [parityFailure(message, { actual: remote.error.message })], detail: { parity: "platform-failed", status: remote.status } };
  }
  const failures = diffValues(local.output, remote.output, { partial: false }).map((d) =>
    parityFailure(`parity: output ${d.path}: local ${showValue(d.expected)}, platform ${showValue(d.actual)}`, {
      path: d.path,
      expected: d.expected,
      actual: d.actual,
    }),
  );
  return { failures, detail: { parity: failures.length === 0 ? "same" : "differs", differences: failures.length } };
}

/**
 * Executes the trigger on the platform and returns the case result with a `parity` failure for every place where the
 * platform's output differs from the local one (or an error when the platform could not be asked). On Genesys Cloud
 * the trigger is the action's input, sent to its test endpoint (see {@link compareTest}).
 * @example
 * const checked = await checkParity(client, "da-test-12345", trigger, localResult);
 */
export async function checkParity(client: ApiClient, actionId: string, trigger: unknown, local: CaseResult): Promise<CaseResult> {
  const startedAt = Date.now();
  let compared: Comparison;
  try {
    compared =
      client.platform === "genesys"
        ? compareTest(local, await client.testDataAction(actionId, trigger))
        : await compareExecute(client, actionId, trigger, local);
  } catch (error) {
    // The platform's own code stays (E_AUTH, E_NETWORK…: the CLI's exit code 3); the compare step says it was parity's.
    const { code, message } = toProblem(error, "E_HTTP");
    const trace = withParityDetail(local, { parity: "unreachable" }, startedAt);
    const said = scrub(message, secretValues(trigger, undefined));
    return { ...local, status: "error", error: { code, message: `parity: could not run the case on the platform: ${said}` }, trace };
  }
  const { failures, detail } = compared;
  // The platform may echo the trigger (a 422 quoting its input, an output that copies a field): its secret values are
  // taken out of what parity reports, as the worker takes them out of logs and errors.
  const all = [...local.failures, ...scrubFailures(failures, secretValues(trigger, undefined))];
  const status = local.status === "pass" && failures.length > 0 ? "fail" : local.status;
  return { ...local, failures: all, status, trace: withParityDetail(local, detail, startedAt) };
}

// ——— Genesys Cloud: the test endpoint's operations against the local declarative steps ———

/**
 * What the local trace shows in place of a value the platform has and parity must not print: a credential (`${credentials.X}`,
 * as the template wrote it) or a redacted secret.
 */
function hidden(value: unknown): boolean {
  return typeof value === "string" && (value.includes("${credentials.") || value.includes("[redacted]"));
}

/** JSON text as its value; a value that is not text as it is; `undefined` for text that is not JSON. */
function jsonOf(value: unknown): unknown {
  if (typeof value !== "string") return value;
  try {
    return JSON.parse(value) as unknown;
  } catch {
    return undefined;
  }
}

/** How a failure names the platform's operation: `step 3 (Resolve translation map)`. */
function stepLabel(operation: TestExecutionOperation | undefined, position: number, fallback: string): string {
  return `step ${operation?.step ?? position} (${operation?.name ?? fallback})`;
}

/** The local step `name`'s detail, and the platform's operation in the same position. */
function pairOf(local: CaseResult, name: DeclarativeStepName, remote: TestDataActionResult) {
  const position = DECLARATIVE_STEPS.indexOf(name) + 1;
  const step = local.trace.steps.find((s) => s.step === name);
  return { detail: step?.detail, operation: remote.operations[position - 1], label: stepLabel(remote.operations[position - 1], position, name) };
}

/**
 * The resolved request, local (the trace's resolve-request detail) against the platform's first operation: the URL,
 * and the body path by path when both are JSON. A result that is text is read as the URL alone. Values holding a
 * credential placeholder are not compared: the platform fills in the real credential, which parity must not print.
 */
function requestDifferences(local: CaseResult, remote: TestDataActionResult): CaseFailure[] {
  const { detail, operation, label } = pairOf(local, "resolve-request", remote);
  if (detail === undefined || operation === undefined) return [];
  const result = operation.result;
  const platform = typeof result === "string" ? { url: result } : isRecord(result) ? result : {};
  const failures: CaseFailure[] = [];
  const localUrl = detail["url"];
  const localMethod = detail["method"];
  if (typeof localMethod === "string" && typeof platform["method"] === "string" && localMethod !== platform["method"].toUpperCase()) {
    failures.push(
      parityFailure(`parity: ${label}: request method: local ${localMethod}, platform ${platform["method"]}`, {
        path: "request.method",
        expected: localMethod,
        actual: platform["method"],
      }),
    );
  }
  if (typeof localUrl === "string" && typeof platform["url"] === "string" && localUrl !== platform["url"] && !hidden(localUrl)) {
    failures.push(
      parityFailure(`parity: ${label}: request URL: local ${showValue(localUrl, 200)}, platform ${showValue(platform["url"], 200)}`, {
        path: "request.url",
        expected: localUrl,
        actual: platform["url"],
      }),
    );
  }
  const localBody = detail["json"] === true ? jsonOf(detail["body"]) : undefined;
  const platformBody = jsonOf(platform["body"]);
  if (localBody === undefined || platformBody === undefined) {
    // A body that is not JSON (form-encoded, text) is compared as it is.
    const [mine, theirs] = [detail["body"], platform["body"]];
    if (typeof mine === "string" && typeof theirs === "string" && mine !== theirs && !hidden(mine))
      failures.push(
        parityFailure(`parity: ${label}: request body: local ${showValue(mine, 200)}, platform ${showValue(theirs, 200)}`, {
          path: "request.body",
          expected: mine,
          actual: theirs,
        }),
      );
    return failures;
  }
  for (const d of diffValues(localBody, platformBody, { partial: false })) {
    if (hidden(d.expected) || isSecretPath(d.path)) continue;
    failures.push(
      parityFailure(`parity: ${label}: request body ${d.path}: local ${showValue(d.expected)}, platform ${showValue(d.actual)}`, {
        path: `request.body${d.path}`,
        expected: d.expected,
        actual: d.actual,
      }),
    );
  }
  return failures;
}

/** Each translated value, local (the trace's translation-map entries) against the platform's operation, key by key. */
function translationDifferences(local: CaseResult, remote: TestDataActionResult): CaseFailure[] {
  const { detail, operation, label } = pairOf(local, "translation-map", remote);
  const entries = detail?.["entries"];
  if (!Array.isArray(entries) || !isRecord(operation?.result)) return [];
  const platform = operation.result;
  const failures: CaseFailure[] = [];
  for (const entry of entries as Array<{ key?: unknown; value?: unknown }>) {
    if (typeof entry.key !== "string" || !(entry.key in platform)) continue;
    // A value cut for the trace is not JSON any more: it is left to the output's comparison.
    const mine = jsonOf(entry.value);
    if (mine === undefined) continue;
    const theirs = platform[entry.key];
    // The platform may give the value as JSON text, as the success template sees it: read so when it is not equal as given.
    const asJson = typeof theirs === "string" ? jsonOf(theirs) : undefined;
    const other = asJson !== undefined && diffValues(mine, theirs, { partial: false }).length > 0 ? asJson : theirs;
    for (const d of diffValues(mine, other, { partial: false })) {
      const at = `${entry.key}${d.path === "/" ? "" : d.path}`;
      if (hidden(d.expected) || isSecretPath(`/${entry.key}${d.path === "/" ? "" : d.path}`)) continue;
      failures.push(
        parityFailure(`parity: ${label}: ${at}: local ${showValue(d.expected)}, platform ${showValue(d.actual)}`, {
          path: `translationMap.${at}`,
          expected: d.expected,
          actual: d.actual,
        }),
      );
    }
  }
  return failures;
}

/**
 * Genesys Cloud's test of the case's input against the local run: a test that failed (naming the operation and its
 * error), a different resolved request, different translated values, and a different final result, each failure
 * naming the step. Operations are matched to the local steps by their order (Genesys numbers them by the order they
 * ran).
 */
export function compareTest(local: CaseResult, remote: TestDataActionResult): Comparison {
  if (!remote.success) {
    const failed = remote.operations.find((operation) => !operation.success);
    const why = failed?.error?.message ?? remote.error?.message ?? "no reason given";
    const where = failed === undefined ? "" : ` at ${stepLabel(failed, failed.step, "an operation")}`;
    const message = `parity: the platform's test failed${where}: ${why}; the local run succeeded`;
    return {
      failures: [parityFailure(message, { actual: why })],
      detail: {
        parity: "platform-failed",
        status: remote.status,
        ...(failed === undefined ? {} : { step: failed.step, operation: failed.name }),
      },
    };
  }
  const output = pairOf(local, "success-template", remote);
  const failures = [
    ...requestDifferences(local, remote),
    ...translationDifferences(local, remote),
    ...diffValues(local.output, remote.finalResult, { partial: false }).map((d) =>
      parityFailure(`parity: ${output.label}: output ${d.path}: local ${showValue(d.expected)}, platform ${showValue(d.actual)}`, {
        path: d.path,
        expected: d.expected,
        actual: d.actual,
      }),
    ),
  ];
  return {
    failures,
    detail: { parity: failures.length === 0 ? "same" : "differs", differences: failures.length, operations: remote.operations.length },
  };
}

/** The local trace with parity's outcome (and its time) in the compare step's detail. */
function withParityDetail(local: CaseResult, detail: Record<string, unknown>, startedAt: number): CaseResult["trace"] {
  const steps = local.trace.steps.map((step) =>
    step.step === "compare" ? { ...step, detail: { ...step.detail, ...detail, parityMs: Date.now() - startedAt } } : step,
  );
  return { steps };
}

/**
 * A case parity did not compare (its local run gave no output: an error, a throw it expected, an invalid input), said
 * in its compare step, so a run with `--parity` shows which cases the platform never saw.
 */
export function skippedParity(local: CaseResult): CaseResult {
  return { ...local, trace: withParityDetail(local, { parity: "skipped", why: "the local run gave no output to compare" }, Date.now()) };
}

/** What parity found for a case, from its compare step: `same`, `differs`, `platform-failed`, `unreachable`, `skipped`, or undefined. */
export function parityOutcome(result: CaseResult): string | undefined {
  const outcome = result.trace.steps.find((step) => step.step === "compare")?.detail?.["parity"];
  return typeof outcome === "string" ? outcome : undefined;
}
