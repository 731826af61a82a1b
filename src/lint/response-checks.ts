// The response side: translation-map paths that cannot be read or cannot match, names the success template reads that
// the map does not define, keys nothing reads, and a success template that does not render JSON.
import { isCxdaError } from "../core/errors.js";
import { closestName } from "../internal/did-you-mean.js";
import { isRecord } from "../internal/json-data.js";
import { compilePath, type CompiledPath } from "../platforms/genesys/translation/json-path.js";
import { pathFitsSchema } from "../platforms/genesys/translation/path-fits-schema.js";
import { applyTranslationMap } from "../platforms/genesys/translation/translation-map.js";
import { createGenesysTools } from "../platforms/genesys/velocity/genesys-tools.js";
import { renderTemplate } from "../platforms/genesys/velocity/render-template.js";
import type { FindingCollector, FindingDraft } from "./finding-collector.js";
import type { LintExample, LintTarget, RenderStep } from "./lint-types.js";
import { templateNames } from "./template-names.js";

const SUCCESS_PATH = "config.response.successTemplate";
const SUCCESS_POINTER = ["config", "response", "successTemplate"];

/**
 * Names a success template may read besides the translation map's keys: the raw response (`${rawResult}`), the input,
 * Genesys' tools and Velocity's own loop variables (Response configuration, https://help.mypurecloud.com/articles/response-configuration-data-actions/;
 * Velocity macros, https://help.mypurecloud.com/articles/velocity-macros-data-actions/).
 */
const PROVIDED = new Set(["rawResult", "input", "velocityCount", "velocityHasNext", "foreach", ...Object.keys(createGenesysTools())]);

/** A success template that passes the response through unchanged: then the success schema describes the response itself. */
const PASS_THROUGH = /^\s*\$!?\{?rawResult\}?\s*$/;

function mapPointer(key: string, part = "translationMap"): { path: string; pointer: string[] } {
  return { path: `config.response.${part}.${key}`, pointer: ["config", "response", part, key] };
}

/** Each key's path, compiled; a path that cannot be read is a finding, and is left out. */
function compilePaths(map: Readonly<Record<string, string>>, findings: FindingCollector): Map<string, CompiledPath> {
  const compiled = new Map<string, CompiledPath>();
  for (const [key, path] of Object.entries(map)) {
    try {
      compiled.set(key, compilePath(path));
    } catch (error) {
      const message = isCxdaError(error) ? error.message : String(error);
      findings.add(`path|${key}`, {
        severity: "error",
        code: "translation-path-invalid",
        ...mapPointer(key),
        message,
        hint: "Genesys evaluates translation maps with Jayway JsonPath; cxda runs the paths both agree on",
      });
    }
  }
  return compiled;
}

function checkDefaults(target: LintTarget, findings: FindingCollector): void {
  const { translationMap, translationMapDefaults } = target.config.response;
  for (const key of Object.keys(translationMapDefaults)) {
    if (Object.hasOwn(translationMap, key)) continue;
    findings.add(`default-unused|${key}`, {
      severity: "warning",
      code: "translation-default-unused",
      ...mapPointer(key, "translationMapDefaults"),
      message: `the default for "${key}" has no translation map key of that name, so it is never used`,
      ...closeTo(key, Object.keys(translationMap)),
    });
  }
  // Defaults that are not JSON text are found by the translation step itself, whether or not they are needed.
  for (const problem of applyTranslationMap({}, translationMap, translationMapDefaults).problems) {
    if (!problem.path?.startsWith("config.response.translationMapDefaults.")) continue;
    const key = problem.path.slice("config.response.translationMapDefaults.".length);
    findings.add(`default|${key}`, {
      severity: "error",
      code: "translation-default-invalid",
      ...mapPointer(key, "translationMapDefaults"),
      // The finding names the path already; the message says what is wrong with the default.
      message: problem.message.replace(`${problem.path} is`, "the default is"),
    });
  }
}

function closeTo(name: string, candidates: readonly string[]): { hint?: string } {
  const close = closestName(name, candidates);
  return close === undefined ? {} : { hint: `did you mean "${close}"?` };
}

/** Sample JSON text for a key: its default, else by the success schema's property of that name, else by the path's shape. */
function sampleText(key: string, compiled: CompiledPath | undefined, target: LintTarget): string {
  const fallback = target.config.response.translationMapDefaults[key];
  if (fallback !== undefined) {
    try {
      JSON.parse(fallback);
      return fallback;
    } catch {
      // Reported by checkDefaults; sampled by type below.
    }
  }
  const properties = isRecord(target.outputSchema) && isRecord(target.outputSchema["properties"]) ? target.outputSchema["properties"] : {};
  const type = isRecord(properties[key]) ? properties[key]["type"] : undefined;
  const samples: Record<string, string> = { string: '"sample"', integer: "1", number: "1.5", boolean: "true", array: '["sample"]', object: "{}" };
  if (typeof type === "string" && samples[type] !== undefined) return samples[type];
  return compiled?.definite === false ? '["sample"]' : '"sample"';
}

type Location = Array<string | number>;

function locate(value: unknown, sentinels: ReadonlyMap<string, string>, at: Location, found: Map<string, Location[]>): void {
  if (typeof value === "string" && sentinels.has(value)) {
    const key = sentinels.get(value)!;
    found.set(key, [...(found.get(key) ?? []), at]);
  } else if (Array.isArray(value)) value.forEach((item, index) => locate(item, sentinels, [...at, index], found));
  else if (isRecord(value)) for (const [name, item] of Object.entries(value)) locate(item, sentinels, [...at, name], found);
}

function jsonPathOf(location: Location): string {
  return `$${location.map((step) => (typeof step === "number" ? `[${step}]` : `['${step.replace(/\\/g, "\\\\").replace(/'/g, "\\'")}']`)).join("")}`;
}

/** Where each key's value lands in the output: rendered with a marker per key, then found in the JSON it renders. */
function locations(
  target: LintTarget,
  keys: readonly string[],
  input: Record<string, unknown>,
  undefinedNames: ReadonlySet<string>,
): Map<string, Location[]> {
  const found = new Map<string, Location[]>();
  const template = target.config.response.successTemplate;
  if (template === undefined) {
    // Without a success template, the output is the translated values under their keys.
    for (const key of keys) found.set(key, [[key]]);
    return found;
  }
  const sentinels = new Map(keys.map((key, index) => [`cxda-lint-value-${index}`, key]));
  // Names nothing defines (already reported) stand as null, so that the JSON around the keys still parses.
  const values = {
    ...Object.fromEntries([...undefinedNames].map((name) => [name, "null"])),
    // Each value is a list (the keys here are indefinite paths): a template that takes one item out of it
    // (`$successTemplateUtils.firstFromArray`) leaves the marker alone, outside any list.
    ...Object.fromEntries([...sentinels].map(([marker, key]) => [key, JSON.stringify([marker])])),
  };
  try {
    const rendered = renderTemplate(template, { input, rawResult: "{}", ...values }, { label: SUCCESS_PATH });
    locate(JSON.parse(rendered.text), sentinels, [], found);
  } catch {
    // A template that fails or does not render JSON is reported by the render with sample values.
  }
  return found;
}

/** An indefinite path gives a list (Jayway): the success schema must allow an array where the template puts it. */
function checkShapes(
  target: LintTarget,
  compiled: ReadonlyMap<string, CompiledPath>,
  input: Record<string, unknown>,
  findings: FindingCollector,
  onRender: (step: RenderStep) => boolean,
  undefinedNames: ReadonlySet<string>,
): number {
  const indefinite = [...compiled].filter(([, path]) => !path.definite).map(([key]) => key);
  if (indefinite.length === 0) return 0;
  if (target.config.response.successTemplate !== undefined && !onRender({ path: SUCCESS_PATH, input: "a marker per translation value" })) return 0;
  for (const [key, places] of locations(target, indefinite, input, undefinedNames)) {
    for (const place of places) {
      // The marker inside its list: the list is where the template put the value. A marker on its own was taken out.
      if (typeof place.at(-1) !== "number") continue;
      const at = jsonPathOf(place.slice(0, -1));
      if (!pathFitsSchema(at, target.outputSchema).fits || pathFitsSchema(`${at}[0]`, target.outputSchema).fits) continue;
      findings.add(`shape|${key}|${at}`, {
        severity: "error",
        code: "translation-shape",
        ...mapPointer(key),
        message: `"${compiled.get(key)!.source}" is an indefinite path, so Genesys gives a list, but the output puts it at ${at}, where the success schema allows no array`,
        hint: "make the path definite (a single name or index per step), take one item with $successTemplateUtils.firstFromArray, or let the success schema have an array there",
      });
    }
  }
  return target.config.response.successTemplate === undefined ? 0 : 1;
}

/** With `${rawResult}` as the output, the response must fit the success schema, so a path that cannot match it never resolves. */
function checkPassThrough(target: LintTarget, compiled: ReadonlyMap<string, CompiledPath>, findings: FindingCollector): void {
  if (!PASS_THROUGH.test(target.config.response.successTemplate ?? "")) return;
  for (const [key, path] of compiled) {
    const fit = pathFitsSchema(path.source, target.outputSchema);
    if (fit.fits) continue;
    findings.add(`match|${key}`, {
      severity: "warning",
      code: "translation-path-cannot-match",
      ...mapPointer(key),
      message: `the success template passes the response through (\${rawResult}), so the response fits the success schema, and ${fit.reason ?? "this path cannot match it"}`,
      hint: "fix the path, or the success schema",
    });
  }
}

/** The names the success template reads that nothing defines, and the map's keys it never reads. */
function checkNames(target: LintTarget, findings: FindingCollector): Set<string> {
  const template = target.config.response.successTemplate;
  const undefinedNames = new Set<string>();
  const names = template === undefined ? undefined : templateNames(template);
  if (names === undefined) return undefinedNames;
  const keys = Object.keys(target.config.response.translationMap);
  for (const reference of names.references) {
    if (PROVIDED.has(reference.name) || names.assigned.has(reference.name) || keys.includes(reference.name)) continue;
    undefinedNames.add(reference.name);
    const draft: FindingDraft = {
      severity: "error",
      code: "translation-undefined",
      path: SUCCESS_PATH,
      pointer: SUCCESS_POINTER,
      templateLine: reference.line,
      templateColumn: reference.column,
      message: `the success template reads $${reference.name}, which the translation map does not define (nor does Genesys: rawResult, input and the tools are what it provides)`,
      hint: closeTo(reference.name, keys).hint ?? `add "${reference.name}" to config.response.translationMap`,
    };
    findings.add(`undefined|${reference.name}`, draft);
  }
  const read = new Set(names.references.map((reference) => reference.name));
  for (const key of keys) {
    if (read.has(key)) continue;
    findings.add(`unused|${key}`, {
      severity: "warning",
      code: "translation-unused",
      ...mapPointer(key),
      message: `the translation map key "${key}" is not used by the success template`,
      hint: `read it with $\{${key}} in the success template, or remove the key`,
    });
  }
  return undefinedNames;
}

/** Renders the success template with a sample value per key (as JSON text, as Genesys gives them) and checks it gives JSON. */
function renderSuccess(
  target: LintTarget,
  compiled: ReadonlyMap<string, CompiledPath>,
  undefinedNames: ReadonlySet<string>,
  input: Record<string, unknown>,
  findings: FindingCollector,
): number {
  const template = target.config.response.successTemplate;
  if (template === undefined) return 0;
  const values = Object.fromEntries(
    Object.keys(target.config.response.translationMap).map((key) => [key, sampleText(key, compiled.get(key), target)]),
  );
  // Names nothing defines (reported already) stand as null, so the rest of the template is still checked.
  const nulls = Object.fromEntries([...undefinedNames].map((name) => [name, "null"]));
  const context = { input, rawResult: "{}", ...nulls, ...values };
  const example: LintExample = { variant: `translation values ${JSON.stringify(values)}, rawResult {}`, input };
  let rendered;
  try {
    rendered = renderTemplate(template, context, { label: SUCCESS_PATH });
  } catch (error) {
    const message = isCxdaError(error) ? error.message.replace(/^config\.response\.successTemplate (\d+:\d+: )?/, "") : String(error);
    const where = isCxdaError(error) ? (error.context ?? {}) : {};
    const at = typeof where["line"] === "number" ? { templateLine: where["line"], templateColumn: Number(where["column"] ?? 1) } : {};
    findings.add(
      `success-error|${message}`,
      { severity: "error", code: "template-error", path: SUCCESS_PATH, pointer: SUCCESS_POINTER, ...at, message },
      example,
    );
    return 1;
  }
  const loud = rendered.unresolved.filter((reference) => !reference.silent);
  for (const reference of loud) {
    findings.add(
      `success-unresolved|${reference.line}:${reference.column}|${reference.reference}`,
      {
        severity: "warning",
        code: "unresolved-reference",
        path: SUCCESS_PATH,
        pointer: SUCCESS_POINTER,
        templateLine: reference.line,
        templateColumn: reference.column,
        message: `${reference.reference} does not resolve with sample translation values: Genesys would print it as written`,
      },
      example,
    );
  }
  // A reference printed as written is its own finding; the JSON it breaks would only repeat it.
  if (loud.length > 0) return 1;
  try {
    JSON.parse(rendered.text);
  } catch (error) {
    findings.add(
      "success-json",
      {
        severity: "error",
        code: "success-not-json",
        path: SUCCESS_PATH,
        pointer: SUCCESS_POINTER,
        message: `the success template does not render JSON (${error instanceof Error ? error.message : String(error)}): Genesys needs a JSON output that fits the success schema`,
        hint: 'translation-map values enter as JSON text (a string comes with its quotes): write ${name}, not "${name}"',
      },
      example,
    );
  }
  return 1;
}

/**
 * Checks the response configuration: every translation-map path parses as Genesys (Jayway) reads it, defaults are JSON
 * text for keys that exist, the success template reads only names that exist and renders JSON, each key is read, and
 * an indefinite path (a list) lands where the success schema allows an array. Returns the number of renders.
 */
export function checkResponse(
  target: LintTarget,
  input: Record<string, unknown>,
  findings: FindingCollector,
  onRender: (step: RenderStep) => boolean,
): number {
  const compiled = compilePaths(target.config.response.translationMap, findings);
  checkDefaults(target, findings);
  checkPassThrough(target, compiled, findings);
  const undefinedNames = checkNames(target, findings);
  const sampled = target.config.response.successTemplate !== undefined && onRender({ path: SUCCESS_PATH, input: "sample translation values" });
  const renders = sampled ? renderSuccess(target, compiled, undefinedNames, input, findings) : 0;
  return renders + checkShapes(target, compiled, input, findings, onRender, undefinedNames);
}
