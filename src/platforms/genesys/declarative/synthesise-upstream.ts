// An upstream answer made up for a generated case of a declarative action: a response in which each translation-map
// path finds a value drawn from the success schema, so that generated inputs exercise the whole action (request,
// translation map, success template, output schema) instead of stopping at the upstream.
import type { ActionDefinition, JsonSchema, UpstreamResponse } from "../../../core/types.js";
import { generatePayloads } from "../../../payloads/generate-payloads.js";
import { compilePath, type CompiledPath } from "../translation/json-path.js";

type Segment = CompiledPath["ast"]["segments"][number];

/** The sub-schema of property `key` of an object schema, when the schema names it. */
function propertySchema(schema: JsonSchema, key: string): JsonSchema | undefined {
  if (typeof schema !== "object") return undefined;
  const properties = schema["properties"];
  if (typeof properties !== "object" || properties === null || !Object.hasOwn(properties, key)) return undefined;
  return (properties as Record<string, JsonSchema>)[key];
}

/**
 * One step of a path as the builder follows it: a member, an index, or every element of a list (each with the member
 * values an equality filter asks for).
 */
type Step = { name: string } | { index: number } | { each: true; having?: Record<string, unknown> };

/** The member values a filter `?(@.a == 'x' && @.b == 1)` asks of an element, or undefined for any other filter. */
function filterMembers(expression: unknown): Record<string, unknown> | undefined {
  const node = expression as { type?: string; op?: string; left?: unknown; right?: unknown; value?: unknown; segments?: unknown[] };
  if (node.type === "LogicalAndExpr" || (node.type === "LogicalExpr" && node.op === "&&")) {
    const left = filterMembers(node.left);
    const right = filterMembers(node.right);
    return left && right ? { ...left, ...right } : undefined;
  }
  if (node.type !== "ComparisonExpr" || node.op !== "==") return undefined;
  const [query, literal] = [node.left, node.right] as Array<{
    type?: string;
    segments?: Array<{ node?: { type?: string; value?: unknown } }>;
    value?: unknown;
  }>;
  const member = query?.type === "RelSingularQuery" && query.segments?.length === 1 ? query.segments[0]?.node : undefined;
  if (member?.type !== "MemberNameShorthand" && member?.type !== "NameSelector") return undefined;
  if (literal?.type !== "Literal") return undefined;
  return { [String(member.value)]: literal.value };
}

/** The path's steps, or undefined for one whose matches a made-up document cannot promise (filters, slices, unions). */
function stepsOf(compiled: CompiledPath): Step[] | undefined {
  const steps: Step[] = [];
  for (const segment of compiled.ast.segments as Segment[]) {
    // A descendant segment finds the members of a list's elements too: built as a list of elements that hold the member,
    // it gives one match per element.
    if (segment.type === "DescendantSegment") steps.push({ each: true });
    const node = segment.node;
    if (node.type === "MemberNameShorthand") steps.push({ name: node.value });
    else if (node.type === "WildcardSelector") steps.push({ each: true });
    else if (node.type === "BracketedSelection" && node.selectors.length === 1) {
      const selector = node.selectors[0]!;
      if (selector.type === "NameSelector") steps.push({ name: selector.value });
      else if (selector.type === "IndexSelector" && selector.value >= 0 && selector.value < 50) steps.push({ index: selector.value });
      else if (selector.type === "WildcardSelector") steps.push({ each: true });
      else if (selector.type === "FilterSelector") {
        const having = filterMembers(selector.value);
        if (having === undefined) return undefined;
        steps.push({ each: true, having });
      } else return undefined;
    } else return undefined;
  }
  return steps;
}

/** A document in which `steps` lead to `value`; a list step spreads a list value over its elements. */
function build(steps: readonly Step[], value: unknown, spread = new WeakSet<object>()): unknown {
  if (steps.length === 0) return value;
  const [step, ...rest] = steps as [Step, ...Step[]];
  if ("name" in step) return { [step.name]: build(rest, value, spread) };
  if ("index" in step) {
    const list: unknown[] = new Array<unknown>(step.index).fill(null);
    list.push(build(rest, value, spread));
    return list;
  }
  const items = Array.isArray(value) && !spread.has(value) ? value : [value];
  if (Array.isArray(value)) spread.add(value);
  return items.map((item) => {
    const element = build(rest, item, spread);
    // The filter's members win: an element whose member is also the value the path reads must still pass the filter.
    return step.having === undefined ? element : merge(step.having, element);
  });
}

/** Puts `addition` into `target`: objects key by key, lists element by element. */
function merge(target: unknown, addition: unknown): unknown {
  if (Array.isArray(target) && Array.isArray(addition)) {
    const out = [...target];
    addition.forEach((item, i) => (out[i] = i < out.length && out[i] !== null ? merge(out[i], item) : item));
    return out;
  }
  if (
    typeof target === "object" &&
    target !== null &&
    typeof addition === "object" &&
    addition !== null &&
    !Array.isArray(target) &&
    !Array.isArray(addition)
  ) {
    const out: Record<string, unknown> = { ...(target as Record<string, unknown>) };
    for (const [key, value] of Object.entries(addition)) out[key] = Object.hasOwn(out, key) ? merge(out[key], value) : value;
    return out;
  }
  return target === undefined ? addition : target;
}

/**
 * The value a key's path leads to: the generated output's property of that name (drawn for the property's own schema
 * when the output left it out), the whole output when the success template is that key alone, else a string.
 */
function valueFor(definition: ActionDefinition, key: string, output: unknown, seed: string): unknown {
  if (typeof output === "object" && output !== null && Object.hasOwn(output, key)) return (output as Record<string, unknown>)[key];
  const schema = propertySchema(definition.outputSchema, key);
  if (schema !== undefined) return generatePayloads(schema, { seed, count: 1, draft: definition.meta.outputDraft })[0]?.payload ?? null;
  const template = definition.config?.response.successTemplate?.trim();
  if (template === `\${${key}}` || template === `$${key}` || template === `$!{${key}}`) return output;
  return `${key}-value`;
}

/**
 * A 200 answer whose body satisfies `definition`'s translation map: each key's path leads to a value generated for
 * the success schema's property of the same name (a string when the schema does not say). An action without a
 * translation map passes the raw result through, so its body is a whole output drawn from the success schema. Paths
 * a document cannot be built for (filters, slices) are left out: their keys take their defaults, or fail as they would.
 * @example
 * synthesiseUpstream(definition, "ci#3").body; // { "data": { "id": "a8Kq…" } } for a map { "id": "$.data.id" }
 */
export function synthesiseUpstream(definition: ActionDefinition, seed: string): UpstreamResponse {
  const draft = definition.meta.outputDraft;
  const [sample] = generatePayloads(definition.outputSchema, { seed, count: 1, draft });
  const output = sample?.payload;
  const map = definition.config?.response.translationMap ?? {};
  if (Object.keys(map).length === 0) return { status: 200, headers: {}, body: (output ?? {}) as UpstreamResponse["body"] & object };
  let body: unknown = {};
  for (const [key, path] of Object.entries(map)) {
    let compiled: CompiledPath;
    try {
      compiled = compilePath(path);
    } catch {
      continue; // the translation-map step names the bad path
    }
    const steps = stepsOf(compiled);
    if (steps === undefined) continue;
    body = merge(body, build(steps, valueFor(definition, key, output, `${seed} ${key}`)));
  }
  return { status: 200, headers: {}, body: body as UpstreamResponse["body"] & object };
}
