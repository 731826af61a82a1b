// Seeded, bounded fuzzing of the loaders: mutated definitions, schemas, payloads, cases and JSON text; an unclean throw is a finding.
import { mkdir, mkdtemp, readdir, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { readFileSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { pathToFileURL } from "node:url";
import { prepareCase } from "../src/cases/prepare-case.js";
import { loadCases, parseCase } from "../src/cases/load-cases.js";
import type { CaseDefinition, JsonSchema } from "../src/core/types.js";
import { loadDefinition, normaliseDefinition } from "../src/definitions/load-definition.js";
import { parseJsonText } from "../src/internal/json-file.js";
import { createValidator } from "../src/validation/create-validator.js";
import { formatIssue } from "../src/validation/format-issue.js";

/** The repository root: the nearest folder up with cxda's package.json (the script also runs bundled, from elsewhere). */
function findRepoRoot(from: string): string {
  for (let dir = from; ; dir = dirname(dir)) {
    try {
      if ((JSON.parse(readFileSync(join(dir, "package.json"), "utf8")) as { name?: unknown }).name === "cxda") return dir;
    } catch {
      // not here: keep climbing
    }
    if (dirname(dir) === dir) return process.cwd();
  }
}

const REPO_ROOT = findRepoRoot(import.meta.dirname);
/** The Genesys exports, read in place when the shared corpus is checked out beside the repository. */
export const DEFAULT_CORPUS_DIR = resolve(REPO_ROOT, "..", "shared", "corpus", "genesys");

/**
 * Options of {@link runFuzz}.
 * @example
 * await runFuzz({ seed: "ci", count: 2_000, timeMs: 20_000 });
 */
export interface FuzzOptions {
  /** Seed of the pseudo-random mutations: the same seed gives the same inputs. @default "cxda" */
  seed?: string;
  /** Inputs to try at most. @default 100000 */
  count?: number;
  /** Time budget in ms; the run stops at whichever bound comes first. @default 600000 */
  timeMs?: number;
  /** Folder of Genesys exports used as extra seeds, when it exists. @default ../shared/corpus/genesys */
  corpusDir?: string;
  /** One input in this many goes through a real file (loadDefinition, loadCases). @default 25 */
  fileEvery?: number;
  /** Called with each finding as it happens. */
  onFinding?: (finding: FuzzFinding) => void;
}

/** An input that made a function throw something other than a clean CxdaError. */
export interface FuzzFinding {
  iteration: number;
  target: FuzzTarget;
  /** The input, as JSON text (cut to 2,000 characters). */
  input: string;
  thrown: { name: string; message: string; code?: unknown; stack?: string };
}

/** What the run did. */
export interface FuzzReport {
  seed: string;
  inputs: number;
  durationMs: number;
  /** Inputs per target. */
  byTarget: Record<FuzzTarget, number>;
  /** Inputs a target rejected with a clean CxdaError, per code. */
  rejected: Record<string, number>;
  /** The slowest single input, in ms, and its target. */
  slowest: { target: FuzzTarget | null; ms: number };
  findings: FuzzFinding[];
  /** Seeds read from the Genesys corpus. */
  corpusFiles: number;
}

/** The functions fed with mutated input. */
export const FUZZ_TARGETS = ["normaliseDefinition", "loadDefinition", "parseJsonText", "validate", "parseCase", "loadCases", "prepareCase"] as const;
/** One of {@link FUZZ_TARGETS}. */
export type FuzzTarget = (typeof FUZZ_TARGETS)[number];

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };

/** sfc32 seeded from a string hash: fast, and the same sequence on every platform. */
export function createRandom(seed: string): () => number {
  let h = 1779033703 ^ seed.length;
  for (let i = 0; i < seed.length; i++) {
    h = Math.imul(h ^ seed.charCodeAt(i), 3432918353);
    h = (h << 13) | (h >>> 19);
  }
  const next = (): number => {
    h = Math.imul(h ^ (h >>> 16), 2246822507);
    h = Math.imul(h ^ (h >>> 13), 3266489909);
    return (h ^= h >>> 16) >>> 0;
  };
  let a = next();
  let b = next();
  let c = next();
  let d = next();
  return () => {
    a >>>= 0;
    b >>>= 0;
    c >>>= 0;
    d >>>= 0;
    let t = (a + b) | 0;
    a = b ^ (b >>> 9);
    b = (c + (c << 3)) | 0;
    c = (c << 21) | (c >>> 11);
    d = (d + 1) | 0;
    t = (t + d) | 0;
    c = (c + t) | 0;
    return (t >>> 0) / 4294967296;
  };
}

const INTERESTING_KEYS = [
  "__proto__",
  "constructor",
  "prototype",
  "toString",
  "valueOf",
  "toJSON",
  "hasOwnProperty",
  "length",
  "",
  " ",
  "$ref",
  "$schema",
  "$id",
  "id",
  "$defs",
  "definitions",
  "type",
  "format",
  "pattern",
  "required",
  "properties",
  "patternProperties",
  "additionalProperties",
  "items",
  "prefixItems",
  "enum",
  "const",
  "minimum",
  "maximum",
  "exclusiveMinimum",
  "minLength",
  "maxLength",
  "multipleOf",
  "allOf",
  "anyOf",
  "oneOf",
  "not",
  "if",
  "then",
  "else",
  "dependencies",
  "dependentRequired",
  "propertyNames",
  "contains",
  "unevaluatedProperties",
  "schema",
  "contract",
  "input",
  "output",
  "response",
  "inputSchema",
  "outputSchema",
  "successSchema",
  "transform",
  "source",
  "language",
  "name",
  "version",
  "expect",
  "set",
  "unset",
  "payload",
  "vars",
  "now",
  "errors",
  "match",
  "throws",
  "valid",
  "path",
  "keyword",
  "side",
  "description",
  "contact.attributes.tier",
  "a.b.c",
];

const SCHEMA_URIS = [
  "http://json-schema.org/draft-04/schema#",
  "http://json-schema.org/draft-06/schema#",
  "http://json-schema.org/draft-07/schema#",
  "https://json-schema.org/draft/2019-09/schema",
  "https://json-schema.org/draft/2020-12/schema",
  "https://json-schema.org/draft/2020-12/schema#",
  "http://json-schema.org/schema#",
  "http://example.com/unknown",
  "",
];

const INTERESTING_STRINGS = [
  "",
  " ",
  "a",
  "string",
  "object",
  "array",
  "integer",
  "number",
  "boolean",
  "null",
  "date-time",
  "email",
  "uri",
  "uuid",
  "no-such-format",
  "#",
  "#/",
  "#/definitions/x",
  "#/properties/a",
  "#/$defs/a",
  "other.json",
  "http://127.0.0.1:9/x.json",
  "(",
  "[",
  "a{1,99999}",
  "(a+)+$",
  "^[a-z]+$",
  "\\",
  "\u0000",
  "\ud800",
  "\u2028",
  "\ufeff",
  "../../etc/passwd",
  "__proto__",
  "constructor",
  "x".repeat(5000),
  "2026-11-20T10:00:00Z",
  "not a date",
  "javascript",
  "python",
  "export default (t) => t",
  "input",
  "output",
  "/",
  "/priority",
  "~",
  "~1",
  "..",
  "a..b",
  ".a",
  "a.",
  "contact.attributes.tier",
  "interaction.0",
  "data.customFields.__proto__",
  "💥",
  ...SCHEMA_URIS,
];

const INTERESTING_NUMBERS = [
  0,
  -0,
  1,
  -1,
  0.5,
  2,
  3,
  100,
  1e-300,
  1e308,
  -1e308,
  2 ** 31,
  2 ** 32,
  2 ** 53 + 2,
  -(2 ** 53),
  Number.MIN_VALUE,
  4294967295,
];

/** A mutator over JSON values and text, drawing from one seeded random source. */
class Mutator {
  constructor(readonly random: () => number) {}

  int(n: number): number {
    return Math.floor(this.random() * n);
  }

  pick<T>(items: readonly T[]): T {
    return items[this.int(items.length)] as T;
  }

  chance(p: number): boolean {
    return this.random() < p;
  }

  /** A nested value `depth` levels deep, built without recursion. */
  deep(depth: number): Json {
    let value: Json = this.chance(0.5) ? "leaf" : {};
    for (let i = 0; i < depth; i++) value = this.chance(0.5) ? [value] : { [this.chance(0.5) ? "properties" : "a"]: value };
    return value;
  }

  value(depth = 0): Json {
    const roll = this.int(depth > 2 ? 7 : 10);
    switch (roll) {
      case 0:
        return null;
      case 1:
        return this.chance(0.5);
      case 2:
        return this.pick(INTERESTING_NUMBERS);
      case 3:
        return this.random() * 1e6 - 5e5;
      case 4:
      case 5:
        return this.pick(INTERESTING_STRINGS);
      case 6:
        return this.chance(0.5) ? [] : {};
      case 7: {
        const out: Json[] = [];
        for (let i = this.int(4); i > 0; i--) out.push(this.value(depth + 1));
        return out;
      }
      case 8: {
        const out: Record<string, Json> = {};
        for (let i = this.int(4); i > 0; i--) defineKey(out, this.pick(INTERESTING_KEYS), this.value(depth + 1));
        return out;
      }
      default:
        return this.chance(0.1)
          ? this.deep(this.pick([50, 500, 3_000, 20_000]))
          : { type: this.pick(["string", "object", "array", "integer", "bogus"]) };
    }
  }

  /** Every container in `root` with its children's keys, to pick a mutation site from. */
  sites(root: Json): Array<Record<string, Json> | Json[]> {
    const out: Array<Record<string, Json> | Json[]> = [];
    const stack: Json[] = [root];
    while (stack.length > 0 && out.length < 5_000) {
      const node = stack.pop() as Json;
      if (node === null || typeof node !== "object") continue;
      out.push(node);
      for (const child of Array.isArray(node) ? node : Object.values(node)) stack.push(child);
    }
    return out;
  }

  /** Applies one to four structural mutations to a deep copy of `seed` (the seed itself when copying fails). */
  mutate(seed: Json): Json {
    try {
      return this.mutateCopy(seed);
    } catch {
      // A very deep value can overflow structuredClone in the fuzzer itself: not a finding, just another input.
      return seed;
    }
  }

  private mutateCopy(seed: Json): Json {
    let root = structuredClone(seed);
    const times = 1 + this.int(4);
    for (let m = 0; m < times; m++) {
      const sites = this.sites(root);
      if (sites.length === 0 || this.chance(0.03)) {
        root = this.value();
        continue;
      }
      const site = this.pick(sites);
      const keys = Array.isArray(site) ? site.map((_, i) => String(i)) : Object.keys(site);
      const key = keys.length > 0 ? this.pick(keys) : undefined;
      const op = this.int(9);
      if (Array.isArray(site)) {
        const index = key === undefined ? 0 : Number(key);
        if (op < 3) site.splice(index, 1);
        else if (op < 6) site[index] = this.value();
        else if (op < 8) site.push(this.value());
        else site.push(structuredClone(this.pick(sites)) as Json);
        continue;
      }
      switch (op) {
        case 0:
        case 1:
          if (key !== undefined) delete site[key];
          break;
        case 2:
        case 3:
          if (key !== undefined) site[key] = this.value();
          break;
        case 4:
          defineKey(site, this.pick(INTERESTING_KEYS), this.value());
          break;
        case 5:
          if (key !== undefined) {
            const moved = site[key] as Json;
            delete site[key];
            defineKey(site, this.pick(INTERESTING_KEYS), moved);
          }
          break;
        case 6:
          defineKey(site, this.pick(["$schema", "$ref", "type", "format", "pattern", "required", "enum", "items", "properties"]), this.value());
          break;
        case 7:
          if (key !== undefined) site[key] = [site[key] as Json];
          break;
        default:
          // Copy another part of the tree here (self-similar inputs reach recursion and $ref paths).
          defineKey(site, key ?? "a", structuredClone(this.pick(sites)) as Json);
      }
    }
    return root;
  }

  /** JSON text of `value`, then zero to three character-level edits. */
  text(value: Json): string {
    let text: string;
    try {
      text = JSON.stringify(value, null, this.chance(0.3) ? 2 : undefined) ?? "null";
    } catch {
      text = "[]";
    }
    if (this.chance(0.02)) return `${"[".repeat(this.pick([100, 5_000, 200_000]))}`;
    if (this.chance(0.05)) text = `\ufeff${text}`;
    for (let i = this.int(4); i > 0; i--) {
      const at = this.int(text.length + 1);
      switch (this.int(6)) {
        case 0:
          text = text.slice(0, at);
          break;
        case 1:
          text = text.slice(0, at) + text.slice(at + 1 + this.int(8));
          break;
        case 2:
          text =
            text.slice(0, at) +
            this.pick(["{", "}", "[", "]", '"', ",", ":", "\\", "\u0000", "\n", "\ud800", "\u2028", "NaN", "-", "1e999", "//"]) +
            text.slice(at);
          break;
        case 3: {
          const from = this.int(text.length + 1);
          text = text.slice(0, at) + text.slice(from, from + this.int(40)) + text.slice(at);
          break;
        }
        case 4:
          text = text.slice(0, at) + String.fromCharCode(this.int(0x110)) + text.slice(at);
          break;
        default:
          text = text.replace(/\s+/g, "");
      }
    }
    return text;
  }
}

/** Sets a key as data even when it is "__proto__" (as JSON.parse does), so the input holds what a file could hold. */
function defineKey(target: Record<string, Json>, key: string, value: Json): void {
  Object.defineProperty(target, key, { value, enumerable: true, writable: true, configurable: true });
}

/** True for a CxdaError as the error family defines it: its name, an `E_` code and a message. */
export function isCleanCxdaError(value: unknown): boolean {
  if (typeof value !== "object" || value === null) return false;
  const error = value as { name?: unknown; code?: unknown; message?: unknown };
  return (
    error.name === "CxdaError" &&
    typeof error.code === "string" &&
    /^E_[A-Z_]+$/.test(error.code) &&
    typeof error.message === "string" &&
    error.message !== ""
  );
}

function describeInput(input: unknown): string {
  let text: string;
  try {
    text = typeof input === "string" ? input : (JSON.stringify(input) ?? String(input));
  } catch (error) {
    text = `<unserialisable input: ${error instanceof Error ? error.message : String(error)}>`;
  }
  return text.length > 2_000 ? `${text.slice(0, 2_000)}… (${text.length} characters)` : text;
}

function describeThrownValue(value: unknown): FuzzFinding["thrown"] {
  if (value instanceof Error) {
    const code = (value as { code?: unknown }).code;
    return {
      name: value.name,
      message: value.message,
      ...(code === undefined ? {} : { code }),
      ...(value.stack === undefined ? {} : { stack: value.stack }),
    };
  }
  return { name: typeof value, message: describeInput(value) };
}

async function readSeeds(dir: string): Promise<Json[]> {
  const names = await readdir(dir).catch(() => [] as string[]);
  const out: Json[] = [];
  for (const name of names.filter((n) => n.endsWith(".json")).sort()) {
    try {
      out.push(JSON.parse(await readFile(join(dir, name), "utf8")) as Json);
    } catch {
      // a seed that is not JSON is skipped: the fuzzer makes broken JSON on its own
    }
  }
  return out;
}

/** The schemas found inside a definition seed, to fuzz the validator with. */
function schemasIn(definition: Json): Json[] {
  if (definition === null || typeof definition !== "object" || Array.isArray(definition)) return [];
  const found: Json[] = [];
  const take = (value: Json | undefined): void => {
    if (value !== undefined && value !== null && (typeof value === "object" || typeof value === "boolean")) found.push(value);
  };
  const schema = definition["schema"];
  if (schema !== null && typeof schema === "object" && !Array.isArray(schema)) {
    take(schema["input"]);
    take(schema["output"]);
  }
  const contract = definition["contract"] as Record<string, Record<string, Json>> | undefined;
  if (contract !== null && typeof contract === "object") {
    take(contract["input"]?.["inputSchema"]);
    take(contract["output"]?.["successSchema"]);
  }
  return found;
}

/**
 * Runs the fuzzer until `count` inputs or `timeMs` have passed. Every input goes to one target; a throw that is
 * not a clean CxdaError (and, for `validate`, any throw at all) is recorded as a finding.
 * @example
 * const report = await runFuzz({ seed: "ci", count: 2_000 });
 * report.findings.length; // 0
 */
export async function runFuzz(options: FuzzOptions = {}): Promise<FuzzReport> {
  const seed = options.seed ?? "cxda";
  const count = options.count ?? 100_000;
  const timeMs = options.timeMs ?? 600_000;
  const fileEvery = Math.max(1, options.fileEvery ?? 25);
  const mutator = new Mutator(createRandom(seed));
  const example = join(REPO_ROOT, "examples", "billing-callback");
  const corpus = await readSeeds(options.corpusDir ?? DEFAULT_CORPUS_DIR);
  const definitions: Json[] = [JSON.parse(await readFile(join(example, "definition.json"), "utf8")) as Json, ...corpus];
  const trigger = JSON.parse(await readFile(join(example, "trigger.json"), "utf8")) as Json;
  const cases: Json[] = [];
  for (const file of await readSeeds(join(example, "cases"))) cases.push(...(Array.isArray(file) ? file : [file]));
  const schemas = definitions.flatMap(schemasIn);
  const payloads: Json[] = [trigger, { ...(trigger as Record<string, Json>), data: null }, {}, []];

  const work = await mkdtemp(join(tmpdir(), "cxda-fuzz-"));
  const actionDir = join(work, "action");
  await mkdir(join(actionDir, "cases"), { recursive: true });
  const byTarget = Object.fromEntries(FUZZ_TARGETS.map((t) => [t, 0])) as Record<FuzzTarget, number>;
  const rejected: Record<string, number> = {};
  const findings: FuzzFinding[] = [];
  const slowest: FuzzReport["slowest"] = { target: null, ms: 0 };
  const started = performance.now();
  let inputs = 0;

  const attempt = async (iteration: number, target: FuzzTarget, input: unknown, run: () => unknown, strict = false): Promise<void> => {
    byTarget[target]++;
    const at = performance.now();
    try {
      await run();
    } catch (error) {
      if (!strict && isCleanCxdaError(error)) {
        const code = (error as { code: string }).code;
        rejected[code] = (rejected[code] ?? 0) + 1;
      } else {
        const finding: FuzzFinding = { iteration, target, input: describeInput(input), thrown: describeThrownValue(error) };
        findings.push(finding);
        options.onFinding?.(finding);
      }
    }
    const took = performance.now() - at;
    if (took > slowest.ms) Object.assign(slowest, { target, ms: Math.round(took * 10) / 10 });
  };

  try {
    for (let i = 0; i < count && performance.now() - started < timeMs; i++) {
      inputs++;
      // Targets take turns by i % 6; within a target's own turns, every fileEvery-th goes through a real file.
      const viaFile = Math.floor(i / 6) % fileEvery === fileEvery - 1;
      switch (i % 6) {
        case 0: {
          const raw = mutator.mutate(mutator.pick(definitions));
          if (viaFile) {
            const text = mutator.text(raw);
            const file = join(work, "definition.json");
            await writeFile(file, text);
            await attempt(i, "loadDefinition", text, () => loadDefinition(file, mutator.chance(0.5) ? { fallbackId: "fuzz" } : {}));
          } else {
            await attempt(i, "normaliseDefinition", raw, () =>
              normaliseDefinition(raw, mutator.chance(0.5) ? { fallbackId: "fuzz", file: "fuzz.json" } : {}),
            );
          }
          break;
        }
        case 1: {
          const text = mutator.text(mutator.chance(0.7) ? mutator.mutate(mutator.pick([...definitions, ...cases, trigger])) : mutator.value());
          await attempt(i, "parseJsonText", text, () => parseJsonText(text, "fuzz.json", "E_DEFINITION"));
          break;
        }
        case 2:
        case 3: {
          const schema = mutator.chance(0.8) ? mutator.mutate(mutator.pick(schemas)) : mutator.value();
          const values = [mutator.mutate(mutator.pick(payloads)), mutator.value(), mutator.mutate(trigger)];
          let validator: ReturnType<typeof createValidator> | undefined;
          await attempt(i, "validate", { schema }, () => {
            validator = createValidator(schema as JsonSchema, { side: mutator.chance(0.5) ? "input" : "output" });
          });
          if (validator !== undefined) {
            const compiled = validator;
            await attempt(i, "validate", { schema, values }, () => values.forEach((value) => compiled.validate(value).forEach(formatIssue)), true);
          }
          break;
        }
        case 4: {
          const raw = mutator.mutate(mutator.chance(0.8) ? mutator.pick(cases) : (cases as Json));
          if (viaFile) {
            const text = mutator.text(raw);
            await writeFile(join(actionDir, "cases", "fuzz.json"), text);
            await attempt(i, "loadCases", text, () => loadCases(actionDir));
            break;
          }
          let parsed: CaseDefinition | undefined;
          await attempt(i, "parseCase", raw, () => {
            parsed = parseCase(raw, "cases/fuzz.json", "fuzz");
          });
          if (parsed !== undefined) {
            const definition = parsed;
            // trigger.json is read and checked by runner/load-action.ts, outside these targets: the reference one stands in for it.
            const context = {
              actionId: "fuzz",
              vars: { region: "eu" },
              ...(mutator.chance(0.5) ? { defaultTrigger: trigger as Record<string, unknown> } : {}),
            };
            await attempt(i, "prepareCase", { case: raw, context }, () => prepareCase(definition, context));
          }
          break;
        }
        default: {
          // A case built around a mutated payload and mutated set/unset paths: what prepareCase sees from a user's file.
          const payload = mutator.mutate(trigger);
          const raw: Record<string, Json> = { name: `fuzz ${i}` };
          if (mutator.chance(0.7)) raw["payload"] = payload;
          if (mutator.chance(0.7)) raw["set"] = { [mutator.pick(INTERESTING_STRINGS)]: mutator.value(), "contact.attributes.tier": mutator.value() };
          if (mutator.chance(0.4)) raw["unset"] = [mutator.pick(INTERESTING_STRINGS), "interaction"];
          if (mutator.chance(0.3)) raw["now"] = mutator.pick(INTERESTING_STRINGS);
          const mutated = mutator.chance(0.5) ? mutator.mutate(raw) : raw;
          let parsed: CaseDefinition | undefined;
          await attempt(i, "parseCase", mutated, () => {
            parsed = parseCase(mutated, "cases/fuzz.json", "fuzz");
          });
          if (parsed !== undefined) {
            const definition = parsed;
            await attempt(i, "prepareCase", mutated, () => prepareCase(definition, { actionId: "fuzz", vars: {} }));
          }
        }
      }
    }
  } finally {
    await rm(work, { recursive: true, force: true });
  }
  return { seed, inputs, durationMs: Math.round(performance.now() - started), byTarget, rejected, slowest, findings, corpusFiles: corpus.length };
}

function flag(args: string[], name: string): string | undefined {
  const index = args.indexOf(`--${name}`);
  return index >= 0 ? args[index + 1] : undefined;
}

async function main(args: string[]): Promise<number> {
  const number = (name: string, fallback: number): number => {
    const value = Number(flag(args, name) ?? fallback);
    if (!Number.isFinite(value) || value <= 0) throw new Error(`--${name} must be a positive number`);
    return value;
  };
  const seed = flag(args, "seed") ?? "cxda";
  const corpusDir = flag(args, "corpus");
  const report = await runFuzz({
    seed,
    count: number("count", 100_000),
    timeMs: number("time", 600) * 1000,
    ...(corpusDir === undefined ? {} : { corpusDir }),
    onFinding: (finding) =>
      process.stderr.write(
        `finding #${finding.iteration} in ${finding.target}: ${finding.thrown.name}: ${finding.thrown.message}\n  input: ${finding.input.slice(0, 300)}\n`,
      ),
  });
  const { findings, ...summary } = report;
  process.stdout.write(`${JSON.stringify({ ...summary, findings: findings.length }, null, 2)}\n`);
  if (findings.length > 0) {
    const unique = new Map(findings.map((f) => [`${f.target}: ${f.thrown.name}: ${f.thrown.message.slice(0, 120)}`, f]));
    process.stdout.write(`\n${unique.size} distinct finding(s):\n`);
    for (const [key, finding] of unique)
      process.stdout.write(
        `- ${key}\n  input: ${finding.input.slice(0, 500)}\n  ${finding.thrown.stack?.split("\n").slice(1, 4).join("\n  ") ?? ""}\n`,
      );
  }
  return findings.length === 0 ? 0 : 1;
}

if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href) {
  process.exitCode = await main(process.argv.slice(2));
}
