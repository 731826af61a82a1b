// The cxda matchers: toSatisfySchema (a value against a JSON Schema) and toPassCase (one case of an action, run in a worker).
import { fileURLToPath } from "node:url";
import { resolve } from "node:path";
import type { MatcherState } from "vitest";
import { CxdaError, type CxdaErrorCode } from "../core/errors.js";
import type { CaseDefinition, CaseResult, JsonSchema } from "../core/types.js";
import { loadCases, type LoadedCase } from "../cases/load-cases.js";
import { didYouMean } from "../internal/did-you-mean.js";
import type { LoadedAction } from "../runner/load-action.js";
import { runCases } from "../runner/run-cases.js";
import type { WorkerPool } from "../executor/worker-pool.js";
import { createValidator, type Validator, type ValidatorOptions } from "../validation/create-validator.js";
import { formatIssue } from "../validation/format-issue.js";
import { redactResult } from "../secrets/redact.js";
import { checkCaseRunOptions, resolveCaseRunOptions, type CaseRunOptions } from "./case-run-options.js";
import { diffableValues, explainCaseResult } from "./explain-result.js";

/** Options of `toSatisfySchema`. */
export interface SchemaMatchOptions {
  /**
   * The side named in each issue (`output /priority: …`).
   * @default "output"
   * @example "input"
   */
  side?: ValidatorOptions["side"];
  /**
   * The JSON Schema draft to compile with.
   * @default the draft named by `$schema`, or draft-07
   * @example "2020-12"
   */
  draft?: ValidatorOptions["draft"];
}

/** Options of `toPassCase`. */
export interface PassCaseOptions extends CaseRunOptions {
  /**
   * A worker pool to run on (from `createWorkerPool`); when absent, one is started for the case and stopped after it.
   * @default a pool of one worker for this case
   * @example await createWorkerPool({ workers: 1 })
   */
  pool?: WorkerPool;
}

/** What a matcher returns to vitest. */
export interface MatcherOutcome {
  pass: boolean;
  message: () => string;
  actual?: unknown;
  expected?: unknown;
}

function isValidator(value: unknown): value is Validator {
  return typeof value === "object" && value !== null && typeof (value as { validate?: unknown }).validate === "function";
}

/**
 * Passes when `received` satisfies `schema` (a JSON Schema, or a validator from `createValidator`). The failure message
 * lists every issue as `formatIssue` prints it.
 * @example
 * expect({ priority: 5 }).toSatisfySchema(definition.outputSchema);
 * // expected the value to satisfy the schema, but it has 1 issue:
 * //   output /priority: must be string, got number 5
 * expect({ priority: "high" }).not.toSatisfySchema({ type: "array" });
 */
export function toSatisfySchema(
  this: MatcherState,
  received: unknown,
  schema: JsonSchema | Validator,
  options: SchemaMatchOptions = {},
): MatcherOutcome {
  const validator = isValidator(schema)
    ? schema
    : createValidator(schema, { side: options.side ?? "output", ...(options.draft === undefined ? {} : { draft: options.draft }) });
  const issues = validator.validate(received);
  const pass = issues.length === 0;
  return {
    pass,
    message: () =>
      pass
        ? `expected the value not to satisfy the schema, but it does: ${this.utils.stringify(received)}`
        : [
            `expected the value to satisfy the schema, but it has ${issues.length} issue${issues.length === 1 ? "" : "s"}:`,
            ...issues.map((issue) => `  ${formatIssue(issue)}`),
          ].join("\n"),
    actual: received,
  };
}

function isLoadedAction(value: unknown): value is LoadedAction {
  return (
    typeof value === "object" &&
    value !== null &&
    typeof (value as { dir?: unknown }).dir === "string" &&
    Array.isArray((value as { cases?: unknown }).cases)
  );
}

/** The action folder `received` stands for: a path, a file URL, or a loaded action. */
export function actionDirOf(received: unknown, matcher: string): string {
  if (typeof received === "string") return resolve(received);
  if (received instanceof URL) return fileURLToPath(received);
  if (isLoadedAction(received)) return received.dir;
  throw new CxdaError(
    "E_USAGE",
    `${matcher}: expect(…) must be an action folder (a path or file URL) or an action from loadAction(), got ${typeof received}`,
  );
}

/** Finds the case called `name` among an action's cases; a missing or unusable case is a usage error, not a failure. */
function caseNamed(name: string, cases: LoadedCase[], dir: string): CaseDefinition {
  const names = cases.map((entry) => (entry.ok ? entry.case.name : entry.name));
  const entry = cases.find((candidate) => (candidate.ok ? candidate.case.name : candidate.name) === name);
  if (entry === undefined) {
    throw new CxdaError(
      "E_USAGE",
      `toPassCase: no case named "${name}" in ${dir}/cases${didYouMean(name, names)}${names.length > 0 ? `; its cases: ${names.map((n) => `"${n}"`).join(", ")}` : " (it has none)"}`,
    );
  }
  if (!entry.ok) throw new CxdaError(entry.error.code as CxdaErrorCode, `toPassCase: the case "${name}" cannot run: ${entry.error.message}`);
  return entry.case;
}

/**
 * Runs one case of an action folder through the runner and returns its result.
 * @example
 * const result = await runOneCase("actions/billing", { name: "premium", expect: { match: { priority: "high" } } });
 */
export async function runOneCase(dir: string, testCase: CaseDefinition, options: PassCaseOptions = {}): Promise<CaseResult> {
  const settings = await resolveCaseRunOptions(options);
  let result: CaseResult | undefined;
  for await (const each of runCases({
    ...settings,
    actions: [dir],
    cases: [testCase],
    workers: 1,
    ...(options.pool === undefined ? {} : { pool: options.pool }),
  }))
    result = each;
  if (result === undefined) throw new CxdaError("E_USAGE", `${dir}: the case "${testCase.name}" did not run`);
  return result;
}

/**
 * Runs a case against an action and passes when the case passes. `received` is an action folder (path or file URL)
 * or an action from `loadAction()`; the case is a case object, or the name of one in the action's `cases/*.json`.
 * The failure message lists the case's failed expectations or its error. Settings not given come from the cxda config.
 * @example
 * await expect("actions/billing-callback").toPassCase("a premium billing trigger maps every field");
 * await expect("actions/billing-callback").toPassCase({ name: "standard tier", set: { "contact.attributes.tier": "standard" }, expect: { match: { priority: "standard" } } });
 */
export async function toPassCase(
  this: MatcherState,
  received: unknown,
  testCase: CaseDefinition | string,
  options: PassCaseOptions = {},
): Promise<MatcherOutcome> {
  const dir = actionDirOf(received, "toPassCase");
  checkCaseRunOptions(options, "toPassCase");
  let definition: CaseDefinition;
  if (typeof testCase === "string") definition = caseNamed(testCase, isLoadedAction(received) ? received.cases : await loadCases(dir), dir);
  else if (typeof testCase === "object" && testCase !== null && typeof testCase.name === "string") definition = testCase;
  else throw new CxdaError("E_USAGE", "toPassCase: the case must be a case object with a name, or the name of a case in the action's cases/*.json");
  const result = await runOneCase(dir, definition, options);
  const pass = result.status === "pass";
  // A failed output or match expectation gives vitest the values to diff; any other failure, the verdict.
  const values = pass ? undefined : diffableValues(redactResult(result), definition);
  const title = `case "${result.case}" of ${result.action}`;
  return {
    pass,
    message: () =>
      pass
        ? `expected ${title} not to pass, but it passed`
        : [`expected ${title} to pass, but it ${result.status === "error" ? "ended in an error" : "failed"}:`, ...explainCaseResult(result)].join(
            "\n",
          ),
    actual: values === undefined ? result.status : values.actual,
    expected: values === undefined ? "pass" : values.expected,
  };
}

/**
 * The matchers, for `expect.extend(cxdaMatchers)` (importing `cxda/vitest` already does this).
 * @example
 * import { expect } from "vitest";
 * expect.extend(cxdaMatchers);
 */
export const cxdaMatchers = { toSatisfySchema, toPassCase };
