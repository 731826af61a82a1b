// The cases of `cxda bench --source cases`: shaped like case files, each setting a few leaves of the action's base trigger.
import { applyCaseChanges } from "../cases/case-trigger.js";
import { DEFAULT_CASE_NOW } from "../cases/case-clock.js";
import { CxdaError } from "../core/errors.js";
import type { ActionDefinition, CaseDefinition, JsonSchema } from "../core/types.js";
import { createPayload } from "../payloads/create-payload.js";
import { generatePayloads } from "../payloads/generate-payloads.js";
import { createRandomInt } from "../payloads/seeded-random.js";
import { createValidator } from "../validation/create-validator.js";
import { deepFreeze } from "../internal/deep-freeze.js";
import { isRecord } from "../internal/json-data.js";

/** A case of the bench's `cases` source: a name, what it sets, and nothing else (no payload). */
export type SetCase = CaseDefinition & { set: Record<string, unknown> };

/** The bench's cases from case files, and the leaf paths they draw from. */
export interface SetCasesPlan {
  cases: SetCase[];
  /** The leaves of the input schema the cases set, by dotted path. */
  paths: string[];
}

/** A leaf of an input schema (a string, number, integer, boolean or enum) that a dotted path reaches. */
export interface SchemaLeaf {
  path: string;
  /** Its property name, which the generator reads hints from (`customerId`, `email`). */
  name: string;
  schema: Record<string, unknown>;
}

/** Values drawn for each leaf at set-up; cases pick among them. */
const POOL_SIZE = 4;
/** Bases a path's values are checked against (more than one only when each case has its own generated base). */
const CHECKED_BASES = 3;
/** How deep the walk goes: a `$ref` cycle stops here. */
const MAX_DEPTH = 8;
/** Segments a dotted path cannot hold, or that `setPath` refuses. */
const UNUSABLE_NAME = /^$|\.|^(__proto__|constructor|prototype)$/;
const LEAF_TYPES = new Set(["string", "number", "integer", "boolean", "null"]);

/** The schema a local `$ref` (`#/definitions/x`) points to, or undefined for any other reference. */
function resolveLocalRef(root: JsonSchema, ref: string): unknown {
  if (!ref.startsWith("#")) return undefined;
  let current: unknown = root;
  for (const raw of ref.slice(1).split("/").slice(1)) {
    const segment = decodeURIComponent(raw).replaceAll("~1", "/").replaceAll("~0", "~");
    if (!isRecord(current) || !Object.hasOwn(current, segment)) return undefined;
    current = current[segment];
  }
  return current;
}

function isLeaf(schema: Record<string, unknown>): boolean {
  if (Array.isArray(schema.enum) || "const" in schema) return true;
  const { type } = schema;
  if (typeof type === "string") return type !== "null" && LEAF_TYPES.has(type);
  return Array.isArray(type) && type.length > 0 && type.every((t) => typeof t === "string" && LEAF_TYPES.has(t)) && !type.every((t) => t === "null");
}

/**
 * The leaves of `schema` reachable through `properties`, following local `$ref`s; arrays, `allOf`/`anyOf`/`oneOf` and
 * property names a dotted path cannot spell are left out.
 * @example
 * schemaLeaves({ properties: { contact: { properties: { tier: { enum: ["premium", "standard"] } } } } });
 * // [{ path: "contact.tier", name: "tier", schema: { enum: [...] } }]
 */
export function schemaLeaves(schema: JsonSchema): SchemaLeaf[] {
  const leaves: SchemaLeaf[] = [];
  const walk = (node: unknown, path: string[], refs: ReadonlySet<string>): void => {
    let refsHere = refs;
    while (isRecord(node) && typeof node.$ref === "string") {
      if (refsHere.has(node.$ref)) return;
      refsHere = new Set([...refsHere, node.$ref]);
      node = resolveLocalRef(schema, node.$ref);
    }
    if (!isRecord(node) || path.length > MAX_DEPTH) return;
    if (path.length > 0 && isLeaf(node)) {
      leaves.push({ path: path.join("."), name: path.at(-1)!, schema: node });
      return;
    }
    if (!isRecord(node.properties)) return;
    for (const [name, child] of Object.entries(node.properties)) if (!UNUSABLE_NAME.test(name)) walk(child, [...path, name], refsHere);
  };
  walk(schema, [], new Set());
  return leaves;
}

/**
 * Valid values for a leaf, drawn from its subschema with the seeded generator: the leaf is wrapped in an object under
 * its own name, so the values look like that field's (`timestamp` → a date-time). Empty when none can be drawn.
 */
function drawValues(leaf: SchemaLeaf, definition: ActionDefinition, seed: string): unknown[] {
  const wrapper = { type: "object", required: [leaf.name], properties: { [leaf.name]: leaf.schema } };
  try {
    const drawn = generatePayloads(wrapper, { seed: `${seed}\u0000${leaf.path}`, count: POOL_SIZE, draft: definition.meta.inputDraft });
    return drawn.map(({ payload }) => (payload as Record<string, unknown>)[leaf.name]);
  } catch (error) {
    if (error instanceof CxdaError && error.code === "E_SCHEMA") return [];
    throw error;
  }
}

/** The base trigger of the case named `name`: the action's trigger.json, else the one `prepareCase` generates for it. */
export function caseBase(name: string, definition: ActionDefinition, defaultTrigger: Record<string, unknown> | undefined): Record<string, unknown> {
  return defaultTrigger ?? (createPayload({}, { seed: name, now: DEFAULT_CASE_NOW, dataActionId: definition.id }) as Record<string, unknown>);
}

/** The case name the bench gives case `index`, in every source. */
export function benchCaseName(index: number): string {
  return `bench #${index}`;
}

/**
 * `count` cases shaped like case files (`{ name, set, expect: {} }`, no payload), each setting 1 to 3 leaves of the
 * input schema to values drawn once here; which leaves and values follows from `seed` and the case's index. Leaves
 * whose values make the base trigger invalid are left out while others remain, so the transform runs in most cases.
 * @throws CxdaError `E_SCHEMA` when the input schema has no leaf a case could set.
 * @example
 * const { cases } = buildSetCases(definition, action.defaultTrigger, 1000, "bench");
 * cases[0]; // { name: "bench #0", set: { "interaction.channel": "…" }, expect: {} }
 */
export function buildSetCases(
  definition: ActionDefinition,
  defaultTrigger: Record<string, unknown> | undefined,
  count: number,
  seed: string,
): SetCasesPlan {
  const pools = schemaLeaves(definition.inputSchema)
    .map((leaf) => ({ path: leaf.path, values: drawValues(leaf, definition, seed) }))
    .filter((pool) => pool.values.length > 0);
  if (pools.length === 0) {
    throw new CxdaError(
      "E_SCHEMA",
      `${definition.id}: the input schema has no string, number, integer, boolean or enum property that values could be drawn for (none, or none the generator can satisfy); use --source triggers or generated`,
    );
  }
  const input = createValidator(definition.inputSchema, { side: "input", draft: definition.meta.inputDraft });
  const bases = Array.from({ length: defaultTrigger === undefined ? CHECKED_BASES : 1 }, (_, i) =>
    deepFreeze(structuredClone(caseBase(benchCaseName(i), definition, defaultTrigger))),
  );
  /** Whether every drawn value of a leaf can be set on every base (not through a null, say) and keeps it valid. */
  const applies = (pool: { path: string; values: unknown[] }, valid: boolean): boolean =>
    bases.every((base) =>
      pool.values.every((value) => {
        try {
          const issues = input.validate(applyCaseChanges(base, { set: { [pool.path]: value } }, pool.path));
          return !valid || issues.length === 0;
        } catch {
          return false;
        }
      }),
    );
  const settable = pools.filter((pool) => applies(pool, false));
  if (settable.length === 0) {
    throw new CxdaError(
      "E_SCHEMA",
      `${definition.id}: no leaf of the input schema can be set on the base trigger (each runs through a null or a value that is not an object); use --source triggers or generated`,
    );
  }
  const valid = settable.filter((pool) => applies(pool, true));
  const chosen = valid.length > 0 ? valid : settable;
  const cases = Array.from({ length: count }, (_, index): SetCase => {
    const next = createRandomInt(`${seed}\u0000case ${index}`);
    const order = chosen.map((_, i) => i);
    const set: Record<string, unknown> = {};
    for (let k = 1 + next(Math.min(3, chosen.length)), i = 0; i < k; i++) {
      // A partial shuffle: each path at most once per case.
      const j = i + next(order.length - i);
      [order[i], order[j]] = [order[j]!, order[i]!];
      const pool = chosen[order[i]!]!;
      set[pool.path] = pool.values[next(pool.values.length)];
    }
    return { name: benchCaseName(index), set, expect: {} };
  });
  return { cases, paths: chosen.map((pool) => pool.path) };
}
