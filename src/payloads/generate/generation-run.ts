// One generation run: the validator, the schema context, the seeded clock and realistic trigger, and checked instances with retries.
import { CxdaError } from "../../core/errors.js";
import type { JsonSchema, SchemaDraft } from "../../core/types.js";
import { createValidator, type Validator } from "../../validation/create-validator.js";
import { formatIssue } from "../../validation/format-issue.js";
import { createPayload } from "../create-payload.js";
import { createRandomInt } from "../seeded-random.js";
import { InstanceBuilder, type BuildEnvironment, type BuildSettings, type Site } from "./build-instance.js";
import { isUnconstrained } from "./constraints.js";
import { createRandom, type Random } from "./random.js";
import { createSchemaContext, type SchemaContext } from "./schema-context.js";

/** Attempts at one checked instance before the run reports that it cannot make one. */
export const INSTANCE_ATTEMPTS = 20;

const DAY_MS = 86_400_000;
const HOUR_MS = 3_600_000;
/** The year generated clocks fall in; the day and time come from the seed. */
const BASE_YEAR_MS = Date.UTC(2026, 0, 1);

/** An instance that passed the validator, with the sites it was built from (when its settings asked for them). */
export interface CheckedInstance {
  value: unknown;
  sites: Site[];
  env: BuildEnvironment;
  /** The key it was drawn under: rebuilding parts of it draws under keys derived from this one. */
  key: string;
}

/** Everything one call of generatePayloads shares. */
export interface GenerationRun {
  readonly seed: string;
  readonly draft: SchemaDraft;
  readonly validator: Validator;
  readonly context: SchemaContext;
  /** True when the schema is a trigger envelope (interaction, contact and data) or allows anything: values then come from a realistic trigger. */
  readonly triggerLike: boolean;
  /** A seeded random stream for `key`; every key gives its own stream. */
  random(key: string): Random;
  /** The clock and realistic trigger of the instance drawn under `key`. */
  environment(key: string): BuildEnvironment;
  /** A validated instance drawn under `key`, retried under derived keys; the last reason when none validated. */
  instance(key: string, settings: BuildSettings): CheckedInstance | { failure: string };
}

/** The instant generated clocks centre on: a day of 2026 at 09:00 UTC, chosen by the seed. */
export function baseInstant(seed: string): number {
  return BASE_YEAR_MS + createRandomInt(`clock\u0000${seed}`)(365) * DAY_MS + 9 * HOUR_MS;
}

/**
 * Prepares a run over `schema`: compiles its validator (an invalid schema is an `E_SCHEMA` error here) and the
 * generator's view of it.
 */
export function createGenerationRun(schema: JsonSchema, options: { seed: string; draft: SchemaDraft; dataActionId: string }): GenerationRun {
  const { seed, draft, dataActionId } = options;
  const validator = createValidator(schema, { side: "input", draft });
  const context = createSchemaContext(schema, draft);
  if (schema === false) throw new CxdaError("E_SCHEMA", "cannot generate payloads: the schema is false, so no value satisfies it");
  const root = context.constraintsOf([schema]);
  // A schema that allows anything (an action without an input schema) gets triggers too: they are what arrives.
  const triggerLike = ["interaction", "contact", "data"].every((name) => root.properties.has(name)) || isUnconstrained(root);
  const base = baseInstant(seed);
  const random = (key: string): Random => createRandom(`${seed}\u0000${key}`);

  const environment = (key: string): BuildEnvironment => {
    // Business hours, 09:00 to 19:00 UTC on the seed's day.
    const instantMs = base + random(`clock\u0000${key}`).int(0, 600) * 60_000;
    const realistic = triggerLike ? createPayload({}, { seed: `${seed}\u0000${key}`, now: instantMs, dataActionId }) : undefined;
    return { context, instantMs, realistic, dataActionId };
  };

  return {
    seed,
    draft,
    validator,
    context,
    triggerLike,
    random,
    environment,
    instance(key, settings) {
      let failure = "no attempt was made";
      for (let attempt = 0; attempt < INSTANCE_ATTEMPTS; attempt++) {
        const attemptKey = attempt === 0 ? key : `${key}\u0000retry ${attempt}`;
        const env = environment(attemptKey);
        const builder = new InstanceBuilder(env, random(attemptKey), settings);
        let value: unknown;
        try {
          value = builder.build();
        } catch (error) {
          if (!(error instanceof CxdaError) || error.code !== "E_SCHEMA") throw error;
          failure = error.message;
          continue;
        }
        const issues = validator.validate(value);
        if (issues.length === 0) return { value, sites: builder.sites, env, key: attemptKey };
        failure = `the value built did not validate (${issues.slice(0, 3).map(formatIssue).join("; ")})`;
      }
      return { failure };
    },
  };
}

/** A copy of `root` with the value at `segments` replaced (`value` undefined removes it). */
export function withValueAt(root: unknown, segments: readonly string[], value: unknown): unknown {
  if (segments.length === 0) return value;
  const copy = structuredClone(root);
  let parent: unknown = copy;
  for (const segment of segments.slice(0, -1)) parent = (parent as Record<string, unknown>)[segment];
  const last = segments.at(-1) as string;
  if (Array.isArray(parent)) {
    if (value === undefined) parent.splice(Number(last), 1);
    else parent[Number(last)] = value;
  } else if (typeof parent === "object" && parent !== null) {
    const record = parent as Record<string, unknown>;
    if (value === undefined) delete record[last];
    else Object.defineProperty(record, last, { value, enumerable: true, writable: true, configurable: true });
  }
  return copy;
}

/** The value at `segments` inside `root`. */
export function valueAt(root: unknown, segments: readonly string[]): unknown {
  let current = root;
  for (const segment of segments) {
    if (typeof current !== "object" || current === null) return undefined;
    current = (current as Record<string, unknown>)[segment];
  }
  return current;
}
