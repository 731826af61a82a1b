// Genesys' test endpoint's answer (`POST /api/v2/integrations/actions/{actionId}/test`): the TestExecutionResult, its
// operations, and the ErrorBody Genesys words its errors in. The client reads it for parity; the emulator writes it.
import { randomUUID } from "node:crypto";
import type { EmulatedTest, EmulatedTestError, EmulatedTestStepName } from "../platform.js";

/**
 * An error as Genesys' Platform API words it (the SDKs' ErrorBody model): `message`, `code`, `status`,
 * `messageParams`, `contextId`, `details`, `errors`.
 */
export interface GenesysErrorBody {
  message: string;
  code?: string;
  status?: number;
  messageParams?: Record<string, unknown>;
  contextId?: string;
  details?: unknown[];
  errors?: unknown[];
}

/**
 * One operation of a test, as the Platform API's TestExecutionOperationResult model has it: `step` ("the step number
 * to indicate the order in which the operation was performed"), `name`, `success`, `result` and `error`.
 */
export interface TestExecutionOperation {
  step: number;
  name: string;
  success: boolean;
  result?: unknown;
  error?: GenesysErrorBody;
}

/**
 * What `POST /api/v2/integrations/actions/{actionId}/test` (and `…/draft/test`) answers: the TestExecutionResult model
 * of Genesys' Platform API SDKs (IntegrationsApi postIntegrationsActionTest, "Test the execution of an action.
 * Responses will show execution steps broken out with intermediate results to help in debugging"; requires
 * integrations:action:execute or bridge:actions:execute). `finalResult` is "the response that would be returned during
 * normal action execution"; `error` the one that ended a failed test.
 */
export interface TestExecutionResult {
  operations: TestExecutionOperation[];
  error?: GenesysErrorBody;
  finalResult?: unknown;
  success: boolean;
}

/** An ErrorBody with every field Genesys fills. */
export function genesysErrorBody(status: number, code: string, message: string): Required<GenesysErrorBody> {
  return { message, code, status, messageParams: {}, contextId: randomUUID(), details: [], errors: [] };
}

/**
 * The names the emulator gives its operations. They are its own: Genesys' test view breaks a run into steps of its
 * own naming, and parity matches operations by their order, never by name.
 */
const TEST_OPERATION_NAMES: Readonly<Record<EmulatedTestStepName, string>> = {
  "resolve-request": "Resolve request URL, headers and body",
  upstream: "Execute request",
  "translation-map": "Resolve translation map",
  "success-template": "Resolve success template",
  "validate-output": "Validate output against the success schema",
};

/** The status an operation's error carries: the upstream's own, else what kind of failure it was. */
function statusOf(error: EmulatedTestError): number {
  if (error.status !== undefined) return error.status;
  if (error.code === "E_TIMEOUT") return 504;
  if (error.code === "E_UPSTREAM") return 502;
  if (error.code === "E_SANDBOX" || error.code === "E_MEMORY" || error.code === "E_INTERNAL") return 500;
  return 400;
}

/**
 * An emulated test as Genesys answers it: one operation per step that ran, numbered from 1, up to the one that failed.
 * @example
 * testExecutionResult({ ok: true, steps, output: { tier: "gold" } }).finalResult; // { tier: "gold" }
 */
export function testExecutionResult(test: EmulatedTest): TestExecutionResult {
  const operations = test.steps.map((step, index): TestExecutionOperation => {
    const operation: TestExecutionOperation = { step: index + 1, name: TEST_OPERATION_NAMES[step.step], success: step.ok };
    if (step.result !== undefined) operation.result = step.result;
    if (step.error !== undefined) operation.error = genesysErrorBody(statusOf(step.error), step.error.code, step.error.message);
    return operation;
  });
  return {
    operations,
    ...(test.error === undefined ? {} : { error: genesysErrorBody(statusOf(test.error), test.error.code, test.error.message) }),
    ...(test.ok ? { finalResult: test.output } : {}),
    success: test.ok,
  };
}
