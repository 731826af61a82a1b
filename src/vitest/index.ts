// cxda/vitest: the toSatisfySchema and toPassCase matchers (registered on import) and describeAction, typed for vitest.
import { expect } from "vitest";
import type { CaseDefinition, JsonSchema } from "../core/types.js";
import type { Validator } from "../validation/create-validator.js";
import { cxdaMatchers, type PassCaseOptions, type SchemaMatchOptions } from "./matchers.js";

expect.extend(cxdaMatchers);

export {
  cxdaMatchers,
  toPassCase,
  toSatisfySchema,
  runOneCase,
  type MatcherOutcome,
  type PassCaseOptions,
  type SchemaMatchOptions,
} from "./matchers.js";
export {
  describeAction,
  resolveDescribeActionOptions,
  CaseFailedError,
  type DescribeActionOptions,
  type ResolvedDescribeActionOptions,
} from "./describe-action.js";
export { resolveCaseRunOptions, type CaseRunOptions, type ResolvedCaseRunOptions } from "./case-run-options.js";
export { explainCaseResult, describeCaseOutcome } from "./explain-result.js";

declare module "vitest" {
  // The type parameter must match vitest's own declaration for the interfaces to merge.
  // eslint-disable-next-line @typescript-eslint/no-explicit-any, @typescript-eslint/no-unused-vars
  interface Assertion<T = any> {
    /**
     * Passes when the value satisfies the JSON Schema (or validator); the failure lists every issue.
     * @example
     * expect(output).toSatisfySchema(definition.outputSchema);
     */
    toSatisfySchema(schema: JsonSchema | Validator, options?: SchemaMatchOptions): void;
    /**
     * Runs a case (an object, or the name of one in `cases/*.json`) against the action folder and passes when the case
     * passes. Await it.
     * @example
     * await expect("actions/billing-callback").toPassCase("a premium billing trigger maps every field");
     */
    toPassCase(testCase: CaseDefinition | string, options?: PassCaseOptions): Promise<void>;
  }
  interface AsymmetricMatchersContaining {
    /**
     * Matches a value that satisfies the JSON Schema, inside `toEqual` and friends.
     * @example
     * expect(response).toEqual({ status: 200, body: expect.toSatisfySchema(outputSchema) });
     */
    toSatisfySchema(schema: JsonSchema | Validator, options?: SchemaMatchOptions): unknown;
  }
}
