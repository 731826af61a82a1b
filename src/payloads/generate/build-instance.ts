// Builds one instance of a schema from its constraints, with realistic values from field names, and records where each value sits.
import { CxdaError, isCxdaError } from "../../core/errors.js";
import type { JsonSchema } from "../../core/types.js";
import { isRecord } from "../../internal/json-data.js";
import { escapePointerSegment } from "../../validation/json-pointer.js";
import { stableStringify } from "../../validation/stable-json.js";
import { isUnconstrained, type Constraints, type JsonType } from "./constraints.js";
import { fillerText, numberHint, pooledString, shapedString, type HintContext } from "./field-hints.js";
import { fittedFormatValue, formatValue, numberFormatRange } from "./format-values.js";
import { patternSampler, type PatternSampler } from "./pattern-sampler.js";
import type { Random } from "./random.js";
import type { SchemaContext } from "./schema-context.js";

/** Where values sit in their ranges: natural (realistic), or at the low or high end of every bound the schema sets. */
export type Bias = "natural" | "low" | "high";

/** How one instance is built. */
export interface BuildSettings {
  /** Probability that an optional property is present. */
  optionalRate: number;
  bias: Bias;
  /** List every value made in `sites`: boundary cases and mutations work from them, plain valid instances do not need them. */
  sites: boolean;
}

/** One place in an instance where a value was made, with the constraints it was made under. */
export interface Site {
  segments: readonly string[];
  /** JSON Pointer of the value ("" for the root). */
  pointer: string;
  /** The constraints in force, with any oneOf/anyOf/if branch already chosen. */
  constraints: Constraints;
  /** The JSON type made; "any" where the schema allows anything. */
  type: JsonType | "any";
  /** An object property its object does not require. */
  optional: boolean;
  /** The property name (an array's name for its items). */
  name: string | undefined;
  realistic: unknown;
  siblings: Readonly<Record<string, unknown>> | undefined;
}

/** What every instance of one generation run shares. */
export interface BuildEnvironment {
  context: SchemaContext;
  /** The instance's clock (epoch ms): dates are placed around it. */
  instantMs: number;
  /** A realistic trigger to take values from at the same paths, when the schema is a trigger envelope. */
  realistic: unknown;
  dataActionId: string;
}

/** A bound to put one value at, for boundary cases: an exact string length or item count, or a numeric bound. */
export type Force = { length: number } | { count: number } | { bound: "low" | "high" };

interface At {
  segments: string[];
  /** JSON Pointer of `segments`, extended one segment at a time as the builder descends. */
  pointer: string;
  name: string | undefined;
  realistic: unknown;
  siblings: Record<string, unknown> | undefined;
  optional: boolean;
}

/** Deeper than this, optional properties are left out and arrays kept at their minimum, so recursive schemas end. */
const SHALLOW_DEPTH = 10;
/** Deeper than this, generation gives up: a recursive schema whose loop is required cannot end. */
const MAX_DEPTH = 32;
/** Attempts at a value whose schema has oneOf/not/if: each attempt draws new branches. */
const CHOICE_ATTEMPTS = 8;
/** Attempts at an item distinct from the items before it (uniqueItems). */
const UNIQUE_ATTEMPTS = 12;
/** Attempts at a string satisfying a format or pattern together with the length limits. */
const STRING_ATTEMPTS = 12;
/** Longest string a boundary case asks for; longer maxLengths are not tried. */
const MAX_FORCED_LENGTH = 4096;
const EXTRA_NAMES = ["note", "source", "reference", "label", "region", "origin"] as const;
const JSON_TYPE_ORDER: readonly JsonType[] = ["object", "array", "string", "integer", "number", "boolean", "null"];

function pointerOf(segments: readonly string[]): string {
  return segments.map((s) => `/${escapePointerSegment(s)}`).join("");
}

/** The pointer of a child of `parent`: most names need no escaping. */
function childPointer(parent: string, segment: string): string {
  return `${parent}/${segment.includes("~") || segment.includes("/") ? escapePointerSegment(segment) : segment}`;
}

/** A copy of a JSON value from the schema, so that a payload never shares objects with the schema (or another payload). */
function cloneJson<T>(value: T): T {
  return typeof value === "object" && value !== null ? structuredClone(value) : value;
}

function shown(segments: readonly string[]): string {
  return segments.length === 0 ? "/" : pointerOf(segments);
}

/** The failure of one value: the generator retries, skips an optional property, or reports it. */
function cannot(at: { segments: readonly string[] }, reason: string): CxdaError {
  return new CxdaError("E_SCHEMA", `cannot generate a value at ${shown(at.segments)}: ${reason}`, { context: { path: pointerOf(at.segments) } });
}

function isGenerationFailure(error: unknown): boolean {
  return isCxdaError(error) && error.code === "E_SCHEMA";
}

function codePoints(value: string): number {
  let n = 0;
  for (const _ of value) n++;
  return n;
}

/** ajv's multipleOf test, reproduced exactly: the quotient must survive parseInt. */
export function isMultipleOf(value: number, step: number): boolean {
  const quotient = value / step;
  return quotient === Number.parseInt(String(quotient), 10);
}

function decimalsOf(step: number): number {
  const text = String(step);
  const exponent = /e-(\d+)$/.exec(text);
  if (exponent?.[1] !== undefined) return Number(exponent[1]);
  return text.includes(".") ? (text.split(".")[1]?.length ?? 0) : 0;
}

function typeOfValue(value: unknown): JsonType {
  if (value === null) return "null";
  if (Array.isArray(value)) return "array";
  if (typeof value === "number") return Number.isInteger(value) ? "integer" : "number";
  return typeof value as JsonType;
}

function lengthText(min: number, max: number | undefined): string {
  if (max === undefined) return min > 0 ? ` with at least ${min} characters` : "";
  return min === max ? ` with exactly ${min} characters` : ` with ${min}–${max} characters`;
}

function hasType(value: unknown, type: JsonType): boolean {
  const actual = typeOfValue(value);
  return actual === type || (type === "number" && actual === "integer");
}

/** True when nothing but `type`, `enum` and `const` constrains the value: the allowed values need no validator then. */
function onlyTypeAndValues(c: Constraints): boolean {
  return isUnconstrained({ ...c, types: undefined, values: undefined });
}

/** The types the keywords present imply, for a schema without `type`. */
function impliedTypes(c: Constraints): readonly JsonType[] | undefined {
  if (
    c.properties.size > 0 ||
    c.required.size > 0 ||
    c.additional.length > 0 ||
    c.patternProperties.length > 0 ||
    c.minProperties !== undefined ||
    c.maxProperties !== undefined
  )
    return ["object"];
  if (c.itemRules.length > 0 || c.minItems !== undefined || c.maxItems !== undefined || c.contains.length > 0 || c.uniqueItems) return ["array"];
  if (c.minLength !== undefined || c.maxLength !== undefined || c.patterns.length > 0 || c.formats.some((f) => numberFormatRange(f) === undefined))
    return ["string"];
  if (
    c.minimum !== undefined ||
    c.maximum !== undefined ||
    c.exclusiveMinimum !== undefined ||
    c.exclusiveMaximum !== undefined ||
    c.multipleOf.length > 0
  )
    return ["number"];
  return undefined;
}

/**
 * What a set of constraints always gives, worked out the first time it is needed and kept: the schema context hands
 * out the same constraints object for the same subschemas, so every instance of a run reuses these.
 */
interface TypePlan {
  /** The allowed or implied types in {@link JSON_TYPE_ORDER}; `undefined` when any type will do. */
  types: readonly JsonType[] | undefined;
}

interface ValuesPlan {
  /** The enum/const values the other keywords accept. */
  allowed: readonly unknown[];
}

interface StringPlan {
  samplers: readonly PatternSampler[];
  /** Why the patterns cannot be generated from, when they cannot. */
  samplerError: string | undefined;
  /** The formats that apply to strings (number formats such as int32 do not). */
  stringFormats: readonly string[];
}

interface ObjectPlan {
  declared: readonly string[];
  /** Declared properties, then required ones that are not declared. */
  names: readonly string[];
  /** The subschemas of each property name asked about so far. */
  subs: Map<string, JsonSchema[]>;
}

interface ArrayPlan {
  /** The subschemas of item i (without `contains`) and with `contains`, as asked for. */
  items: JsonSchema[][];
  itemsContaining: JsonSchema[][];
}

/** Generated property names are unbounded: past this many names an object plan stops remembering their subschemas. */
const MAX_PLANNED_NAMES = 256;

const typePlans = new WeakMap<Constraints, TypePlan>();
const valuesPlans = new WeakMap<Constraints, ValuesPlan>();
const stringPlans = new WeakMap<Constraints, StringPlan>();
const objectPlans = new WeakMap<Constraints, ObjectPlan>();
const arrayPlans = new WeakMap<Constraints, ArrayPlan>();

function planned<T>(plans: WeakMap<Constraints, T>, c: Constraints, make: (c: Constraints) => T): T {
  let plan = plans.get(c);
  if (plan === undefined) plans.set(c, (plan = make(c)));
  return plan;
}

function planTypes(c: Constraints): TypePlan {
  const types = c.types ?? impliedTypes(c);
  return { types: types === undefined ? undefined : [...types].sort((a, b) => JSON_TYPE_ORDER.indexOf(a) - JSON_TYPE_ORDER.indexOf(b)) };
}

function planStrings(c: Constraints): StringPlan {
  const stringFormats = c.formats.filter((f) => numberFormatRange(f) === undefined);
  try {
    return { samplers: c.patterns.map((p) => patternSampler(p)), samplerError: undefined, stringFormats };
  } catch (error) {
    if (!isCxdaError(error)) throw error;
    return { samplers: [], samplerError: error.message, stringFormats };
  }
}

/** The subschemas item `i` must satisfy: its positional or rest schema from each items rule, then `contains` when it is to hold. */
function itemSubs(c: Constraints, plan: ArrayPlan, i: number, containing: boolean): JsonSchema[] {
  const list = containing ? plan.itemsContaining : plan.items;
  let subs = list[i];
  if (subs === undefined) {
    subs = [];
    for (const rule of c.itemRules) {
      const sub = i < rule.prefix.length ? rule.prefix[i] : rule.rest;
      if (sub !== undefined) subs.push(sub);
    }
    if (containing) subs.push(...c.contains);
    list[i] = subs;
  }
  return subs;
}

function matchesPattern(pattern: string, name: string): boolean {
  try {
    return patternSampler(pattern).test(name);
  } catch {
    return new RegExp(pattern, "u").test(name);
  }
}

/** The subschemas a property called `name` must satisfy: declared, pattern and additional properties, or `false` in a closed object. */
function propertySubs(c: Constraints, name: string): JsonSchema[] {
  const subs: JsonSchema[] = [...(c.properties.get(name) ?? [])];
  for (const entry of c.patternProperties) if (matchesPattern(entry.pattern, name)) subs.push(entry.schema);
  for (const rule of c.additional) if (!rule.known.has(name) && !rule.patterns.some((p) => matchesPattern(p, name))) subs.push(rule.schema);
  if (c.closed && !c.properties.has(name) && !c.patternProperties.some((entry) => matchesPattern(entry.pattern, name))) subs.push(false);
  return subs;
}

function plannedSubs(c: Constraints, plan: ObjectPlan, name: string): JsonSchema[] {
  let subs = plan.subs.get(name);
  if (subs === undefined) {
    subs = propertySubs(c, name);
    if (plan.subs.size < MAX_PLANNED_NAMES) plan.subs.set(name, subs);
  }
  return subs;
}

function planObject(c: Constraints): ObjectPlan {
  const declared = [...c.properties.keys()];
  return { declared, names: [...declared, ...[...c.required].filter((n) => !c.properties.has(n))], subs: new Map() };
}

/**
 * Builds instances for one run: each call to {@link InstanceBuilder.build} makes one value for the root schema,
 * and `sites` lists every value made, parents before children, for boundary cases and mutations (when the settings ask for it).
 */
export class InstanceBuilder {
  readonly sites: Site[] = [];

  constructor(
    private readonly env: BuildEnvironment,
    private readonly random: Random,
    private readonly settings: BuildSettings,
  ) {}

  /** One instance of the root schema. @throws CxdaError `E_SCHEMA` when no value could be made. */
  build(): unknown {
    return this.value([this.env.context.root], {
      segments: [],
      pointer: "",
      name: undefined,
      realistic: this.env.realistic,
      siblings: undefined,
      optional: false,
    });
  }

  /** A new value for a site made earlier, put at `force` (an exact length or count, or a numeric bound). */
  rebuild(site: Site, force: Force | undefined): unknown {
    const at: At = {
      segments: [...site.segments],
      pointer: site.pointer,
      name: site.name,
      realistic: site.realistic,
      siblings: site.siblings === undefined ? undefined : { ...site.siblings },
      optional: site.optional,
    };
    const type = site.type === "any" ? undefined : site.type;
    return this.ofType(site.constraints, at, type, force);
  }

  private hintContext(name: string | undefined, siblings: Readonly<Record<string, unknown>> | undefined): HintContext {
    return { random: this.random, instantMs: this.env.instantMs, name, siblings, dataActionId: this.env.dataActionId };
  }

  private value(subs: readonly JsonSchema[], at: At): unknown {
    if (at.segments.length > MAX_DEPTH) throw cannot(at, `nesting deeper than ${MAX_DEPTH} levels (a recursive $ref that always recurses?)`);
    const c = this.env.context.constraintsOf(subs);
    if (c.impossible !== undefined) throw cannot(at, c.impossible);
    const choosy = c.anyOf.length + c.oneOf.length + c.conditionals.length + c.not.length + c.unplanned.length > 0;
    if (!choosy) return this.ofType(c, at, undefined, undefined);

    let failure: unknown;
    for (let attempt = 0; attempt < CHOICE_ATTEMPTS; attempt++) {
      const mark = this.sites.length;
      try {
        const { working, check } = this.choose(c, at);
        const value = this.ofType(working, at, undefined, undefined);
        const problem = check(value);
        if (problem === undefined) return value;
        failure = cannot(at, problem);
      } catch (error) {
        if (!isGenerationFailure(error)) throw error;
        failure = error;
      }
      this.sites.length = mark;
    }
    throw failure;
  }

  /** Picks a branch of every anyOf, oneOf and if, and returns the merged constraints and a check of what merging cannot promise. */
  private choose(c: Constraints, at: At): { working: Constraints; check: (value: unknown) => string | undefined } {
    const { context } = this.env;
    const working = context.copy(c);
    const checks: Array<(value: unknown) => string | undefined> = [];
    for (let round = 0; round < 16 && working.anyOf.length + working.oneOf.length + working.conditionals.length > 0; round++) {
      const anyOf = working.anyOf.splice(0);
      const oneOf = working.oneOf.splice(0);
      const conditionals = working.conditionals.splice(0);
      for (const group of anyOf) {
        const open = group.filter((branch) => branch !== false);
        if (open.length === 0) throw cannot(at, "every anyOf branch is false");
        context.absorb(working, this.random.pick(open));
      }
      for (const group of oneOf) {
        const open = group.filter((branch) => branch !== false);
        if (open.length === 0) throw cannot(at, "every oneOf branch is false");
        context.absorb(working, this.random.pick(open));
        checks.push((value) => {
          const matching = group.filter((branch) => context.accepts(value, [branch]) !== false).length;
          return matching === 1 ? undefined : `the value matched ${matching} oneOf branches, not exactly one`;
        });
      }
      for (const conditional of conditionals) {
        if (conditional.else === undefined || (conditional.then !== undefined && this.random.chance(0.5))) {
          context.absorb(working, conditional.if);
          if (conditional.then !== undefined) context.absorb(working, conditional.then);
        } else {
          context.absorb(working, conditional.else);
          checks.push((value) => (context.accepts(value, [conditional.if]) === true ? "the value meant for the else branch matched if" : undefined));
        }
      }
    }
    if (working.impossible !== undefined) throw cannot(at, working.impossible);
    for (const not of working.not)
      checks.push((value) => (context.accepts(value, [not]) === true ? "the value matched the schema in not" : undefined));
    if (working.unplanned.length > 0)
      checks.push((value) =>
        context.accepts(value, working.subs) === false ? `the value does not satisfy ${working.unplanned.join(", ")}` : undefined,
      );
    return {
      working,
      check: (value) => {
        for (const each of checks) {
          const problem = each(value);
          if (problem !== undefined) return problem;
        }
        return undefined;
      },
    };
  }

  private ofType(c: Constraints, at: At, knownType: JsonType | undefined, force: Force | undefined): unknown {
    // Parents are listed before their children: the slot is taken now and filled when the value is known.
    const index = this.settings.sites ? this.sites.push(undefined as unknown as Site) - 1 : -1;
    let value: unknown;
    let type: JsonType | "any";
    if (c.values !== undefined && force === undefined) {
      value = this.fromValues(c, at);
      type = typeOfValue(value);
    } else {
      const chosen = knownType ?? this.chooseType(c, at);
      type = chosen ?? "any";
      switch (chosen) {
        case "string":
          value = this.string(c, at, force);
          break;
        case "integer":
        case "number":
          value = this.number(c, at, chosen === "integer", force);
          break;
        case "boolean":
          value = this.random.chance(0.5);
          break;
        case "null":
          value = null;
          break;
        case "array":
          value = this.array(c, at, force);
          break;
        case "object":
          value = this.object(c, at);
          break;
        case undefined:
          value = this.free(at);
          break;
      }
    }
    if (index >= 0)
      this.sites[index] = {
        segments: at.segments,
        pointer: at.pointer,
        constraints: c,
        type,
        optional: at.optional,
        name: at.name,
        realistic: at.realistic,
        siblings: at.siblings,
      };
    return value;
  }

  private chooseType(c: Constraints, at: At): JsonType | undefined {
    const { types } = planned(typePlans, c, planTypes);
    if (types === undefined) return undefined;
    if (types.length === 0) throw cannot(at, "no type is allowed");
    const realisticType = at.realistic === undefined ? undefined : typeOfValue(at.realistic);
    if (realisticType !== undefined && types.includes(realisticType)) return realisticType;
    if (realisticType === "integer" && types.includes("number")) return "integer";
    // null is allowed, but a payload full of nulls says little: mostly pick another type.
    const preferred = types.length > 1 && this.random.chance(0.9) ? types.filter((t) => t !== "null") : types;
    return this.random.pick(preferred);
  }

  private fromValues(c: Constraints, at: At): unknown {
    const { allowed } = planned(valuesPlans, c, (c) => {
      const plain = onlyTypeAndValues(c);
      return {
        allowed: (c.values ?? []).filter((v) =>
          plain ? c.types === undefined || c.types.some((t) => hasType(v, t)) : this.env.context.accepts(v, c.subs) !== false,
        ),
      };
    });
    if (allowed.length === 0)
      throw cannot(at, `none of the allowed values (${(c.values ?? []).map((v) => JSON.stringify(v)).join(", ")}) satisfies the other keywords`);
    const hints = [at.realistic, pooledString(this.hintContext(at.name, at.siblings))];
    for (const hint of hints) {
      if (hint !== undefined && this.random.chance(0.5)) {
        const same = allowed.find((v) => v === hint);
        if (same !== undefined) return same;
      }
    }
    return cloneJson(this.random.pick(allowed));
  }

  /** A value for a schema that allows anything: the realistic value varied, else something the name suggests. */
  private free(at: At): unknown {
    if (at.realistic !== undefined) return this.vary(at.realistic, at.name, at.siblings);
    const hint = this.hintContext(at.name, at.siblings);
    const text = pooledString(hint) ?? shapedString(hint);
    if (text !== undefined) return text;
    const range = numberHint(at.name);
    if (range !== undefined) return this.inRange(range.min, range.max, range.decimals);
    return fillerText(this.random, this.random.int(5, 14));
  }

  /** The realistic value with its leaves redrawn from their names, so free-form parts of a trigger differ per instance. */
  private vary(value: unknown, name: string | undefined, siblings: Readonly<Record<string, unknown>> | undefined): unknown {
    if (Array.isArray(value)) return value.map((item) => this.vary(item, name, siblings));
    if (isRecord(value)) {
      const out: Record<string, unknown> = {};
      for (const [key, inner] of Object.entries(value)) out[key] = this.vary(inner, key, out);
      return out;
    }
    if (typeof value === "string") {
      const hint = this.hintContext(name, siblings);
      return pooledString(hint) ?? shapedString(hint) ?? value;
    }
    if (typeof value === "number") {
      const range = numberHint(name);
      if (range === undefined) return value;
      return this.inRange(range.min, range.max, Number.isInteger(value) ? 0 : range.decimals);
    }
    if (typeof value === "boolean") return this.random.chance(0.5);
    return value;
  }

  private inRange(min: number, max: number, decimals: number): number {
    if (decimals === 0) return this.random.int(Math.ceil(min), Math.floor(max));
    const factor = 10 ** decimals;
    return this.random.int(Math.ceil(min * factor), Math.floor(max * factor)) / factor;
  }

  // ---- strings ----

  private string(c: Constraints, at: At, force: Force | undefined): string {
    const context = this.env.context;
    let min = c.minLength ?? 0;
    let max = c.maxLength;
    const exact =
      force !== undefined && "length" in force
        ? force.length
        : this.settings.bias === "low" && c.minLength !== undefined
          ? c.minLength
          : this.settings.bias === "high" && c.maxLength !== undefined
            ? c.maxLength
            : undefined;
    if (exact !== undefined) {
      if (exact > MAX_FORCED_LENGTH) throw cannot(at, `a string of ${exact} characters is longer than the generator builds (${MAX_FORCED_LENGTH})`);
      min = exact;
      max = exact;
    }
    if (max !== undefined && max < min) throw cannot(at, `minLength ${min} is greater than maxLength ${max}`);
    const { samplers, samplerError, stringFormats } = planned(stringPlans, c, planStrings);
    if (samplerError !== undefined) throw cannot(at, samplerError);
    const fits = (value: string): boolean => {
      const length = codePoints(value);
      return (
        length >= min &&
        (max === undefined || length <= max) &&
        samplers.every((s) => s.test(value)) &&
        stringFormats.every((f) => context.acceptsFormat(value, f))
      );
    };

    if (exact === undefined) {
      const hint = this.hintContext(at.name, at.siblings);
      for (const candidate of [pooledString(hint), typeof at.realistic === "string" ? at.realistic : undefined, shapedString(hint)]) {
        if (candidate !== undefined && fits(candidate)) return candidate;
      }
    }
    const format = stringFormats[0];
    if (format !== undefined) {
      const formatContext = { random: this.random, instantMs: this.env.instantMs, words: [] as string[] };
      for (let attempt = 0; attempt < STRING_ATTEMPTS; attempt++) {
        const value = formatValue(format, formatContext);
        if (value === undefined) break;
        if (fits(value)) return value;
      }
      const fitted = fittedFormatValue(format, this.random, min, max);
      if (fitted !== undefined && fits(fitted)) return fitted;
      // A format without a generator, or one that cannot meet the lengths: a pattern may still produce it.
      if (samplers.length === 0) throw cannot(at, `no string in format "${format}"${lengthText(min, max)} could be made`);
    }
    const first = samplers[0];
    if (first !== undefined) {
      for (let attempt = 0; attempt < STRING_ATTEMPTS; attempt++) {
        const value = first.sample(this.random, { min, max });
        if (value !== undefined && fits(value)) return value;
      }
      const others =
        samplers.length > 1
          ? ` together with ${samplers
              .slice(1)
              .map((s) => JSON.stringify(s.pattern))
              .join(", ")}`
          : "";
      throw cannot(
        at,
        `no string matching pattern ${JSON.stringify(first.pattern)}${others}${lengthText(min, max)}${format === undefined ? "" : ` in format "${format}"`} was found in ${STRING_ATTEMPTS} attempts; simplify the pattern or use an enum`,
      );
    }
    const length = exact ?? this.random.int(Math.max(min, Math.min(3, max ?? 3)), Math.max(min, Math.min(max ?? min + 12, min + 12)));
    return fillerText(this.random, length);
  }

  // ---- numbers ----

  private number(c: Constraints, at: At, integer: boolean, force: Force | undefined): number {
    let low = c.minimum ?? -Infinity;
    let high = c.maximum ?? Infinity;
    for (const format of c.formats) {
      const range = numberFormatRange(format);
      if (range === undefined) continue;
      low = Math.max(low, range.min);
      high = Math.min(high, range.max);
      if (range.integer) integer = true;
    }
    const openLow = c.exclusiveMinimum;
    const openHigh = c.exclusiveMaximum;
    const steps = c.multipleOf;
    const step = steps[0];
    const okay = (v: number): boolean =>
      Number.isFinite(v) &&
      v >= low &&
      v <= high &&
      (openLow === undefined || v > openLow) &&
      (openHigh === undefined || v < openHigh) &&
      (!integer || Number.isInteger(v)) &&
      steps.every((s) => isMultipleOf(v, s));

    // The range to draw from: the schema's bounds, narrowed to what the field's name suggests when that fits.
    let from = Math.max(low, openLow ?? -Infinity);
    let to = Math.min(high, openHigh ?? Infinity);
    if (from > to) throw cannot(at, `the minimum (${from}) is above the maximum (${to})`);
    const hint = numberHint(at.name);
    const bias = force !== undefined && "bound" in force ? force.bound : this.settings.bias === "natural" ? undefined : this.settings.bias;
    const boundedLow = Number.isFinite(from);
    const boundedHigh = Number.isFinite(to);
    if (bias === undefined && hint !== undefined && hint.max >= from && hint.min <= to) {
      from = Math.max(from, hint.min);
      to = Math.min(to, hint.max);
    } else if (!boundedLow && !boundedHigh) {
      [from, to] = [0, 1000];
    } else if (!boundedLow) {
      from = to >= 0 ? Math.max(0, to - 1000) : to - 1000;
      if (from === to && to > 0) from = 0;
    } else if (!boundedHigh) {
      to = from + 1000;
    }
    const decimals = integer ? 0 : (hint?.decimals ?? 2);

    if (step !== undefined) {
      // Multiples of the step within [from, to], nudged to the value ajv's division test accepts.
      const first = Math.ceil(from / step);
      const last = Math.floor(to / step);
      if (first > last) throw cannot(at, `no multiple of ${step} lies between ${from} and ${to}`);
      const order = bias === "low" ? [first, first + 1, first + 2] : bias === "high" ? [last, last - 1, last - 2] : [];
      for (let attempt = 0; attempt < 24; attempt++) {
        const k = order[attempt] ?? this.random.int(first, last);
        const raw = k * step;
        for (const candidate of [raw, Number(raw.toFixed(decimalsOf(step))), Math.round(raw)]) if (okay(candidate)) return candidate;
      }
      throw cannot(at, `no multiple of ${steps.join(" and ")} between ${from} and ${to} passes the validator's multipleOf test`);
    }

    let value: number;
    if (integer) {
      const lowInt = Math.ceil(openLow !== undefined && Number.isInteger(from) && from === openLow ? from + 1 : from);
      const highInt = Math.floor(openHigh !== undefined && Number.isInteger(to) && to === openHigh ? to - 1 : to);
      if (lowInt > highInt) throw cannot(at, `no integer lies between ${from} and ${to}`);
      value = bias === "low" ? lowInt : bias === "high" ? highInt : this.random.int(lowInt, highInt);
    } else if (bias === "low") {
      value = openLow !== undefined && from === openLow ? this.nudge(from, to, 1) : from;
    } else if (bias === "high") {
      value = openHigh !== undefined && to === openHigh ? this.nudge(to, from, -1) : to;
    } else {
      value = this.inRange(from, to, decimals);
      if (!okay(value)) value = (from + to) / 2;
    }
    if (!okay(value)) throw cannot(at, `no number satisfies minimum/maximum here (between ${from} and ${to})`);
    return value;
  }

  /** The value just inside an exclusive bound: one hundredth away, or halfway to the other end when that is closer. */
  private nudge(bound: number, other: number, direction: 1 | -1): number {
    const room = Math.abs(other - bound);
    const step = Number.isFinite(room) && room < 0.02 ? room / 2 : 0.01;
    return Number((bound + direction * step).toFixed(10));
  }

  // ---- arrays ----

  private array(c: Constraints, at: At, force: Force | undefined): unknown[] {
    const needContains = c.contains.length > 0 ? (c.minContains ?? 1) : 0;
    const min = Math.max(c.minItems ?? 0, needContains);
    let max = c.maxItems;
    for (const rule of c.itemRules) if (rule.rest === false) max = Math.min(max ?? Infinity, rule.prefix.length);
    if (max !== undefined && max < min) throw cannot(at, `minItems ${min} is greater than the ${max} items allowed`);
    const shallow = at.segments.length < SHALLOW_DEPTH;
    let count: number;
    if (force !== undefined && "count" in force) count = force.count;
    else if (this.settings.bias === "low" || !shallow) count = min;
    else if (this.settings.bias === "high") count = max ?? min + 3;
    else if (Array.isArray(at.realistic) && at.realistic.length >= min && (max === undefined || at.realistic.length <= max))
      count = at.realistic.length;
    else if (max !== undefined && max < 1) count = 0;
    else {
      const start = Math.max(min, 1);
      count = this.random.chance(0.15) ? min : this.random.int(start, Math.max(start, Math.min(max ?? start + 2, start + 2)));
    }
    if (count < min || (max !== undefined && count > max)) throw cannot(at, `an array of ${count} items is outside ${min}–${max ?? "∞"}`);

    const out: unknown[] = [];
    const seen = new Set<string>();
    const plan = planned(arrayPlans, c, () => ({ items: [], itemsContaining: [] }));
    for (let i = 0; i < count; i++) {
      const subs = itemSubs(c, plan, i, i < needContains);
      const realistic = Array.isArray(at.realistic) ? (at.realistic[i] ?? at.realistic[0]) : undefined;
      const segment = String(i);
      const child: At = {
        segments: [...at.segments, segment],
        pointer: `${at.pointer}/${segment}`,
        name: at.name,
        realistic,
        siblings: undefined,
        optional: false,
      };
      const mark = this.sites.length;
      let item: unknown;
      let key: string | undefined;
      let made = false;
      try {
        for (let attempt = 0; attempt < (c.uniqueItems ? UNIQUE_ATTEMPTS : 1) && !made; attempt++) {
          this.sites.length = mark;
          item = this.value(subs, child);
          key = c.uniqueItems ? stableStringify(item) : undefined;
          made = key === undefined || !seen.has(key);
        }
      } catch (error) {
        if (!isGenerationFailure(error) || i < min || force !== undefined) throw error;
      }
      if (!made) {
        this.sites.length = mark;
        if (i < min || force !== undefined)
          throw cannot(child, c.uniqueItems ? "uniqueItems: the item schema allows too few distinct values" : "no item could be made");
        break;
      }
      if (key !== undefined) seen.add(key);
      out.push(item);
    }
    return out;
  }

  // ---- objects ----

  private object(c: Constraints, at: At): Record<string, unknown> {
    const out: Record<string, unknown> = {};
    const plan = planned(objectPlans, c, planObject);
    const shallow = at.segments.length < SHALLOW_DEPTH;
    const realistic = isRecord(at.realistic) ? at.realistic : undefined;
    const { bias, optionalRate } = this.settings;

    const declared = plan.declared;
    // Only dependentRequired adds names: the planned list is shared, so it is copied first.
    const names = c.dependentRequired.size > 0 ? [...plan.names] : (plan.names as string[]);
    const present = new Set<string>();
    for (const name of names) {
      if (c.required.has(name)) present.add(name);
      else {
        const rate =
          !shallow || bias === "low"
            ? 0
            : bias === "high"
              ? 1
              : realistic !== undefined && Object.hasOwn(realistic, name)
                ? Math.max(optionalRate, 0.85)
                : optionalRate;
        if (this.random.chance(rate)) present.add(name);
      }
    }
    let grew = c.dependentRequired.size > 0;
    while (grew) {
      grew = false;
      for (const name of [...present]) {
        for (const needed of c.dependentRequired.get(name) ?? []) {
          if (!present.has(needed)) {
            present.add(needed);
            if (!names.includes(needed)) names.push(needed);
            grew = true;
          }
        }
      }
    }
    for (const name of names) {
      if (c.minProperties === undefined || present.size >= c.minProperties) break;
      present.add(name);
    }
    if (c.maxProperties !== undefined) {
      for (const name of [...names].reverse()) {
        if (present.size <= c.maxProperties) break;
        if (!c.required.has(name)) present.delete(name);
      }
      if (present.size > c.maxProperties) throw cannot(at, `${present.size} required properties exceed maxProperties ${c.maxProperties}`);
    }

    for (const name of names) {
      if (!present.has(name)) continue;
      const child: At = {
        segments: [...at.segments, name],
        pointer: childPointer(at.pointer, name),
        name,
        realistic: realistic?.[name],
        siblings: out,
        optional: !c.required.has(name),
      };
      const mark = this.sites.length;
      try {
        out[name] = this.value(plannedSubs(c, plan, name), child);
      } catch (error) {
        const mustHave = c.required.has(name) || [...present].some((p) => c.dependentRequired.get(p)?.includes(name));
        if (!isGenerationFailure(error) || mustHave) throw error;
        this.sites.length = mark; // an optional property that cannot be made is left out
      }
    }

    // A free-form object: the realistic one (varied), or a few extra properties.
    const freeForm = declared.length === 0 && c.patternProperties.length === 0 && c.required.size === 0;
    let extras = 0;
    if (
      freeForm &&
      realistic !== undefined &&
      plannedSubs(c, plan, "\u0000").every((s) => s === true || (isRecord(s) && Object.keys(s).length === 0))
    ) {
      for (const [key, inner] of Object.entries(realistic)) {
        if (c.maxProperties !== undefined && Object.keys(out).length >= c.maxProperties) break;
        // Not a declared property: leaving it out is no "optional field absent" boundary.
        out[key] = this.value(plannedSubs(c, plan, key), {
          segments: [...at.segments, key],
          pointer: childPointer(at.pointer, key),
          name: key,
          realistic: inner,
          siblings: out,
          optional: false,
        });
      }
    } else if (freeForm && shallow && bias === "natural" && !plannedSubs(c, plan, "\u0000").includes(false)) {
      extras = this.random.int(0, 2);
    }
    const wanted = Math.max(extras, (c.minProperties ?? 0) - Object.keys(out).length);
    for (let added = 0, tries = 0; added < wanted && tries < wanted * 6 + 6; tries++) {
      const name = this.extraName(c, out);
      if (name === undefined) break;
      const subs = plannedSubs(c, plan, name);
      if (subs.includes(false)) continue;
      const mark = this.sites.length;
      try {
        out[name] = this.value(subs, {
          segments: [...at.segments, name],
          pointer: childPointer(at.pointer, name),
          name,
          realistic: undefined,
          siblings: out,
          optional: false,
        });
        added++;
      } catch (error) {
        if (!isGenerationFailure(error)) throw error;
        this.sites.length = mark;
      }
    }
    if (c.minProperties !== undefined && Object.keys(out).length < c.minProperties)
      throw cannot(at, `could not reach minProperties ${c.minProperties}`);
    return out;
  }

  /** A name for a property the schema does not declare: from patternProperties or propertyNames when they say how. */
  private extraName(c: Constraints, taken: Record<string, unknown>): string | undefined {
    const free = (name: string): boolean => !Object.hasOwn(taken, name) && !c.properties.has(name);
    const pattern = c.patternProperties[0]?.pattern;
    if (pattern !== undefined) {
      const name = patternSampler(pattern).sample(this.random, { min: 1, max: 16 });
      return name !== undefined && free(name) ? name : undefined;
    }
    if (c.propertyNames.length > 0) {
      const names = this.env.context.constraintsOf(c.propertyNames);
      const mark = this.sites.length;
      try {
        const name = this.string(
          names,
          { segments: [], pointer: "", name: undefined, realistic: undefined, siblings: undefined, optional: false },
          undefined,
        );
        return free(name) ? name : undefined;
      } catch (error) {
        if (!isGenerationFailure(error)) throw error;
        return undefined;
      } finally {
        this.sites.length = mark;
      }
    }
    const unused = EXTRA_NAMES.filter(free);
    return unused.length > 0 ? this.random.pick(unused) : `field${Object.keys(taken).length + 1}`;
  }
}
