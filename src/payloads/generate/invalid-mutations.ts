// Invalid payloads: one small change to a valid payload per rule, kept only when the validator reports exactly that rule there.
import { CxdaError } from "../../core/errors.js";
import type { ValidationIssue } from "../../core/types.js";
import { describeValue } from "../../validation/describe-value.js";
import { escapePointerSegment } from "../../validation/json-pointer.js";
import { stableStringify } from "../../validation/stable-json.js";
import { InstanceBuilder, isMultipleOf, type Force, type Site } from "./build-instance.js";
import { brokenFormatValue, numberFormatRange } from "./format-values.js";
import { valueAt, withValueAt, type CheckedInstance, type GenerationRun } from "./generation-run.js";
import { patternSampler } from "./pattern-sampler.js";
import { jsonEqual, type Constraints, type JsonType } from "./constraints.js";

/** A payload that breaks one rule: the keyword, where, and a readable account of the change. */
export interface Mutation {
  rule: string;
  path: string;
  payload: unknown;
  label: string;
}

interface Candidate {
  rule: string;
  path: string;
  /** The changed payload, built lazily (some changes need a rebuilt value). */
  make: () => unknown;
  label: string;
}

/** The name a property added to a closed object gets (a name no schema declares). */
const UNEXPECTED = "unexpectedField";
const MAX_FORCED = 4096;

function codePoints(value: string): number {
  let n = 0;
  for (const _ of value) n++;
  return n;
}

function where(pointer: string): string {
  return pointer === "" ? "/" : pointer;
}

/** A value of another JSON type than `types` allows: the mistakes real senders make (a number sent as a string…). */
function wrongType(value: unknown, types: readonly JsonType[]): unknown {
  const allows = (t: JsonType): boolean => types.includes(t) || (t === "integer" && types.includes("number"));
  const candidates: unknown[] = [];
  if (typeof value === "number" || typeof value === "boolean") candidates.push(String(value));
  if (typeof value === "string") candidates.push(/^-?\d+(\.\d+)?$/.test(value) ? Number(value) : 12345);
  // An object or array sent as its JSON text: what a double-encoded body looks like.
  if (typeof value === "object" && value !== null) candidates.push(JSON.stringify(value));
  candidates.push(12345, "12345", 1.5, true, null, {}, []);
  return candidates.find((candidate) => {
    const type: JsonType =
      candidate === null
        ? "null"
        : Array.isArray(candidate)
          ? "array"
          : typeof candidate === "number"
            ? Number.isInteger(candidate)
              ? "integer"
              : "number"
            : (typeof candidate as JsonType);
    return !allows(type);
  });
}

/** A value outside `values` of the same type as `value`: a changed case, a suffix, one more. */
function outsideValues(value: unknown, values: readonly unknown[]): unknown {
  const options: unknown[] = [];
  if (typeof value === "string") options.push(value.toUpperCase(), value.toLowerCase(), `${value}-x`, `${value} `, "other");
  else if (typeof value === "number") options.push(Math.max(...values.filter((v): v is number => typeof v === "number")) + 1, value + 1, value - 1);
  else if (typeof value === "boolean") options.push(!value);
  else options.push("other", 0, null);
  return options.find((option) => !values.some((allowed) => jsonEqual(allowed, option)));
}

/** A string near `value` that does not match `pattern` but keeps the length limits. */
function missesPattern(value: string, pattern: string, min: number, max: number | undefined): string | undefined {
  const sampler = patternSampler(pattern);
  const fit = (s: string): boolean => codePoints(s) >= min && (max === undefined || codePoints(s) <= max) && !sampler.test(s);
  const length = codePoints(value);
  const options = [
    value.slice(0, -1) + "!",
    "!" + value.slice(1),
    value.toUpperCase(),
    value.toLowerCase(),
    value.replace(/[0-9]/g, "x"),
    value.replace(/[A-Za-z]/g, "9"),
    "#".repeat(Math.max(length, 1)),
    " ".repeat(Math.max(length, 1)),
    "~".repeat(Math.max(min, 1)),
  ];
  return options.find(fit);
}

function stepFor(c: Constraints): number {
  return c.multipleOf[0] ?? 1;
}

/** Every change that should break exactly one rule at this site, before the validator confirms it. */
function candidatesAt(
  run: GenerationRun,
  base: CheckedInstance,
  site: Site,
  rebuild: (site: Site, force: Force, constraints?: Partial<Constraints>) => unknown,
): Candidate[] {
  const c = site.constraints;
  const value = valueAt(base.value, site.segments);
  const at = where(site.pointer);
  const out: Candidate[] = [];
  const replace = (rule: string, next: unknown, label: string): void => {
    out.push({ rule, path: site.pointer, make: () => withValueAt(base.value, site.segments, next), label });
  };
  const draft04 = run.draft === "draft-04";

  if (c.types !== undefined && site.type !== "any") {
    const wrong = wrongType(value, c.types);
    if (wrong !== undefined) replace("type", wrong, `${at} is ${describeValue(wrong)}, expected ${c.types.join(" or ")}`);
  }
  if (c.values !== undefined) {
    const other = outsideValues(value, c.values);
    if (other !== undefined) {
      const allowed =
        c.values
          .slice(0, 4)
          .map((v) => JSON.stringify(v))
          .join(", ") + (c.values.length > 4 ? ", …" : "");
      replace(c.valuesKeyword ?? "enum", other, `${at} is ${describeValue(other)}, not one of ${allowed}`);
    }
  }

  if (typeof value === "number") {
    const step = stepFor(c);
    // Rounded to the step's decimals, so a step of 0.1 below 0.3 is 0.2 (a multiple) rather than 0.19999999999999998.
    const digits = (String(step).split(".")[1] ?? "").length;
    const below = c.minimum === undefined ? undefined : Number((c.minimum - step).toFixed(digits));
    const above = c.maximum === undefined ? undefined : Number((c.maximum + step).toFixed(digits));
    if (below !== undefined) replace("minimum", below, `${at} is ${below}, below the minimum ${String(c.minimum)}`);
    if (above !== undefined) replace("maximum", above, `${at} is ${above}, above the maximum ${String(c.maximum)}`);
    if (c.exclusiveMinimum !== undefined)
      replace(
        draft04 ? "minimum" : "exclusiveMinimum",
        c.exclusiveMinimum,
        `${at} is ${c.exclusiveMinimum}, not above the exclusive minimum ${c.exclusiveMinimum}`,
      );
    if (c.exclusiveMaximum !== undefined)
      replace(
        draft04 ? "maximum" : "exclusiveMaximum",
        c.exclusiveMaximum,
        `${at} is ${c.exclusiveMaximum}, not below the exclusive maximum ${c.exclusiveMaximum}`,
      );
    for (const multiple of c.multipleOf) {
      // Off the step by one (or half a step for fractional steps), staying inside the bounds and the type.
      const integerOnly = c.types !== undefined && !c.types.includes("number");
      const off = [value + 1, value - 1, value + multiple / 2, value - multiple / 2].find(
        (v) =>
          !isMultipleOf(v, multiple) &&
          (!integerOnly || Number.isInteger(v)) &&
          (c.minimum === undefined || v >= c.minimum) &&
          (c.maximum === undefined || v <= c.maximum) &&
          (c.exclusiveMinimum === undefined || v > c.exclusiveMinimum) &&
          (c.exclusiveMaximum === undefined || v < c.exclusiveMaximum),
      );
      if (off !== undefined) replace("multipleOf", off, `${at} is ${off}, not a multiple of ${multiple}`);
    }
  }

  if (typeof value === "string") {
    const min = c.minLength ?? 0;
    if (c.minLength !== undefined && c.minLength > 0) {
      out.push({
        rule: "minLength",
        path: site.pointer,
        make: () => withValueAt(base.value, site.segments, rebuild(site, { length: min - 1 })),
        label: `${at} has ${min - 1} characters, fewer than minLength ${min}`,
      });
    }
    if (c.maxLength !== undefined && c.maxLength < MAX_FORCED) {
      const length = c.maxLength + 1;
      out.push({
        rule: "maxLength",
        path: site.pointer,
        make: () => withValueAt(base.value, site.segments, rebuild(site, { length }, { maxLength: undefined })),
        label: `${at} has ${length} characters, more than maxLength ${c.maxLength}`,
      });
    }
    for (const pattern of c.patterns) {
      const wrong = missesPattern(value, pattern, min, c.maxLength);
      if (wrong !== undefined) replace("pattern", wrong, `${at} is ${describeValue(wrong)}, which does not match ${JSON.stringify(pattern)}`);
    }
    for (const format of c.formats) {
      if (numberFormatRange(format) !== undefined) continue;
      const broken = brokenFormatValue(format);
      if (broken !== undefined) replace("format", broken, `${at} is ${describeValue(broken)}, not a valid ${format}`);
    }
  }

  if (Array.isArray(value)) {
    if (c.minItems !== undefined && c.minItems > 0 && value.length >= c.minItems) {
      replace("minItems", value.slice(0, c.minItems - 1), `${at} has ${c.minItems - 1} items, fewer than minItems ${c.minItems}`);
    }
    if (c.maxItems !== undefined && c.maxItems < MAX_FORCED) {
      const count = c.maxItems + 1;
      out.push({
        rule: "maxItems",
        path: site.pointer,
        make: () => withValueAt(base.value, site.segments, rebuild(site, { count }, { maxItems: undefined, uniqueItems: c.uniqueItems })),
        label: `${at} has ${count} items, more than maxItems ${c.maxItems}`,
      });
    }
    if (c.uniqueItems && value.length >= 1) {
      const doubled =
        value.length >= 2 && (c.maxItems === undefined || value.length > c.maxItems - 1) ? [...value.slice(0, -1), value[0]] : [...value, value[0]];
      replace("uniqueItems", doubled, `${at} repeats its first item`);
    }
  }

  if (typeof value === "object" && value !== null && !Array.isArray(value)) {
    for (const name of c.required) {
      if (!Object.hasOwn(value, name)) continue;
      const path = `${site.pointer}/${escapePointerSegment(name)}`;
      out.push({
        rule: "required",
        path,
        make: () => withValueAt(base.value, [...site.segments, name], undefined),
        label: `${where(path)} is missing (required)`,
      });
    }
    const closed = c.additional.some(
      (rule) => rule.schema === false && !rule.known.has(UNEXPECTED) && rule.patterns.every((p) => !new RegExp(p, "u").test(UNEXPECTED)),
    );
    if (closed && !Object.hasOwn(value, UNEXPECTED)) {
      const path = `${site.pointer}/${UNEXPECTED}`;
      out.push({
        rule: "additionalProperties",
        path,
        make: () => withValueAt(base.value, [...site.segments, UNEXPECTED], "surprise"),
        label: `${where(path)} is present, but the object allows no other properties`,
      });
    }
  }
  return out;
}

/** True when the validator's issues are exactly the one rule, at the one place. */
function breaksOnly(issues: readonly ValidationIssue[], rule: string, path: string): boolean {
  return issues.length > 0 && issues.every((issue) => issue.keyword === rule && issue.path === path);
}

/**
 * Mutations of one valid payload (built with every optional property present): for each value, a wrong type, a
 * value outside its enum or const, below its minimum / above its maximum, too short / too long, a pattern or
 * format mismatch, too few / too many / repeated items, and for each object a missing required property and an
 * unexpected property when none is allowed. A mutation is kept only when the validator reports exactly that
 * keyword at that path and nothing else; the rest (a change that also breaks an enclosing oneOf…) are dropped.
 * With a `limit`, an even, seeded sample is kept, in document order.
 */
export function invalidMutations(run: GenerationRun, limit: number): Mutation[] {
  const base = run.instance("invalid base", { optionalRate: 1, bias: "natural", sites: true });
  if (!("value" in base)) throw new CxdaError("E_SCHEMA", `cannot generate invalid payloads: no valid payload to start from (${base.failure})`);
  let counter = 0;
  const rebuild = (site: Site, force: Force, constraints: Partial<Constraints> = {}): unknown => {
    const builder = new InstanceBuilder(base.env, run.random(`${base.key}\u0000mutation ${counter++}`), {
      optionalRate: 0.6,
      bias: "natural",
      sites: true,
    });
    return builder.rebuild({ ...site, constraints: { ...site.constraints, ...constraints } }, force);
  };

  const kept: Mutation[] = [];
  const seen = new Set<string>();
  for (const site of base.sites) {
    for (const candidate of candidatesAt(run, base, site, rebuild)) {
      let payload: unknown;
      try {
        payload = candidate.make();
      } catch (error) {
        if (error instanceof CxdaError && error.code === "E_SCHEMA") continue; // no value of that length exists, say
        throw error;
      }
      const key = `${candidate.rule}\u0000${candidate.path}\u0000${stableStringify(payload)}`;
      if (seen.has(key) || !breaksOnly(run.validator.validate(payload), candidate.rule, candidate.path)) continue;
      seen.add(key);
      kept.push({ rule: candidate.rule, path: candidate.path, payload, label: `${candidate.rule}: ${candidate.label}` });
    }
  }
  if (kept.length <= limit) return kept;
  const chosen = new Set(
    run
      .random("invalid sample")
      .shuffle(kept.map((_, i) => i))
      .slice(0, limit),
  );
  return kept.filter((_, i) => chosen.has(i));
}
