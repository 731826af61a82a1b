// Boundary cases: valid payloads at the edges the schema sets (lengths, values, item counts, optional fields absent), each labelled.
import { CxdaError } from "../../core/errors.js";
import { stableStringify } from "../../validation/stable-json.js";
import { InstanceBuilder, type Force, type Site } from "./build-instance.js";
import { withValueAt, type CheckedInstance, type GenerationRun } from "./generation-run.js";

/** A valid payload at one boundary, and what the boundary is. */
export interface BoundaryCase {
  payload: unknown;
  label: string;
}

/** Attempts at one boundary value before the boundary is left out. */
const BOUNDARY_ATTEMPTS = 4;
/** Arrays longer than this are not built just to sit at maxItems. */
const MAX_BOUNDARY_ITEMS = 1000;

interface Variant {
  /** The label, or how to word it once the value is known (a multipleOf can keep a number off its bound). */
  label: string | ((value: unknown) => string);
  /** A new value at the site, or `undefined` to remove the property. */
  force: Force | "absent";
}

function where(site: Site): string {
  return site.pointer === "" ? "/" : site.pointer;
}

/** The boundaries one site has, in a fixed order. */
function variantsOf(site: Site): Variant[] {
  const c = site.constraints;
  const at = where(site);
  const out: Variant[] = [];
  if (site.optional) out.push({ label: `${at} absent (optional)`, force: "absent" });
  if (c.values !== undefined) return out; // an enum or const value has no range to sit at the edge of
  switch (site.type) {
    case "string":
      if (c.minLength !== undefined) out.push({ label: `${at} at minLength ${c.minLength}`, force: { length: c.minLength } });
      else if (c.patterns.length === 0 && c.formats.length === 0) out.push({ label: `${at} empty string (no minLength)`, force: { length: 0 } });
      if (c.maxLength !== undefined && c.maxLength !== c.minLength)
        out.push({ label: `${at} at maxLength ${c.maxLength}`, force: { length: c.maxLength } });
      break;
    case "integer":
    case "number": {
      const steps = c.multipleOf.length > 0 ? `, multipleOf ${c.multipleOf.join(" and ")}` : "";
      // An inclusive bound the step keeps the value off (0.3 is not a multiple of 0.1 to the validator) is said as it is.
      const inclusive = (bound: number, keyword: "minimum" | "maximum") => (value: unknown) =>
        value === bound
          ? `${at} at ${keyword} ${bound}`
          : `${at} = ${String(value)}, the ${keyword === "minimum" ? "lowest" : "highest"} value allowed (${keyword} ${bound}${steps})`;
      if (c.exclusiveMinimum !== undefined && (c.minimum === undefined || c.exclusiveMinimum >= c.minimum))
        out.push({ label: `${at} just above exclusiveMinimum ${c.exclusiveMinimum}`, force: { bound: "low" } });
      else if (c.minimum !== undefined) out.push({ label: inclusive(c.minimum, "minimum"), force: { bound: "low" } });
      if (c.exclusiveMaximum !== undefined && (c.maximum === undefined || c.exclusiveMaximum <= c.maximum))
        out.push({ label: `${at} just below exclusiveMaximum ${c.exclusiveMaximum}`, force: { bound: "high" } });
      else if (c.maximum !== undefined) out.push({ label: inclusive(c.maximum, "maximum"), force: { bound: "high" } });
      break;
    }
    case "array": {
      const min = c.minItems ?? 0;
      out.push({ label: min === 0 ? `${at} empty array (no minItems)` : `${at} at minItems ${min}`, force: { count: min } });
      if (c.maxItems !== undefined && c.maxItems !== min && c.maxItems <= MAX_BOUNDARY_ITEMS)
        out.push({ label: `${at} at maxItems ${c.maxItems}`, force: { count: c.maxItems } });
      break;
    }
  }
  return out;
}

/** The payload with one site moved to its boundary, validated, and its label; `undefined` when no valid one was found. */
function applyVariant(run: GenerationRun, base: CheckedInstance, site: Site, variant: Variant, index: number): BoundaryCase | undefined {
  const labelled = (payload: unknown, value: unknown): BoundaryCase => ({
    payload,
    label: typeof variant.label === "string" ? variant.label : variant.label(value),
  });
  if (variant.force === "absent") {
    const payload = withValueAt(base.value, site.segments, undefined);
    return run.validator.validate(payload).length === 0 ? labelled(payload, undefined) : undefined;
  }
  for (let attempt = 0; attempt < BOUNDARY_ATTEMPTS; attempt++) {
    const key = `${base.key}\u0000boundary ${index} ${attempt}`;
    const builder = new InstanceBuilder(base.env, run.random(key), { optionalRate: 0.6, bias: "natural", sites: true });
    let value: unknown;
    try {
      value = builder.rebuild(site, variant.force);
    } catch (error) {
      if (error instanceof CxdaError && error.code === "E_SCHEMA") return undefined;
      throw error;
    }
    const payload = withValueAt(base.value, site.segments, value);
    if (run.validator.validate(payload).length === 0) return labelled(payload, value);
  }
  return undefined;
}

/**
 * The boundary cases of a schema: a minimal payload (required properties only, every bound at its low end), a
 * maximal one (every optional property, bounds at their high end), then, from a payload with every optional property,
 * one payload per boundary of each value: optional property absent, string at minLength / maxLength (or empty),
 * number at its minimum / maximum (or just inside an exclusive bound), array empty or at minItems / maxItems.
 * Every case is validated; a boundary that cannot stand alone in a valid payload is left out. Duplicates are dropped.
 */
export function boundaryCases(run: GenerationRun, limit: number): BoundaryCase[] {
  const out: BoundaryCase[] = [];
  const seen = new Set<string>();
  const add = (payload: unknown, label: string): void => {
    const key = stableStringify(payload);
    if (out.length >= limit || seen.has(key)) return;
    seen.add(key);
    out.push({ payload, label });
  };

  const minimal = run.instance("boundary minimal", { optionalRate: 0, bias: "low", sites: true });
  if ("value" in minimal) add(minimal.value, "minimal: required properties only, every bound at its low end");
  const maximal = run.instance("boundary maximal", { optionalRate: 1, bias: "high", sites: true });
  if ("value" in maximal) add(maximal.value, "maximal: every optional property present, every bound at its high end");

  const base = run.instance("boundary base", { optionalRate: 1, bias: "natural", sites: true });
  if (!("value" in base)) {
    if (out.length === 0) throw new CxdaError("E_SCHEMA", `cannot generate boundary payloads: ${base.failure}`);
    return out;
  }
  let index = 0;
  for (const site of base.sites) {
    for (const variant of variantsOf(site)) {
      if (out.length >= limit) return out;
      const found = applyVariant(run, base, site, variant, index++);
      if (found !== undefined) add(found.payload, found.label);
    }
  }
  return out;
}
