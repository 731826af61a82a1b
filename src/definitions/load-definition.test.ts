import { existsSync, readdirSync } from "node:fs";
import { mkdir, mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { GENESYS_CORPUS, genesysCorpusFiles } from "../../test/helpers/corpus.js";
import { REPO_ROOT } from "../../test/helpers/temp-project.js";
import type { DefinitionShape, JsonSchema } from "../core/types.js";
import { createValidator } from "../validation/create-validator.js";
import { loadDefinition, normaliseDefinition } from "./load-definition.js";

const inputSchema = { type: "object", required: ["interaction"], properties: { interaction: { type: "object" } } };
const outputSchema = { type: "object", required: ["recordId"], properties: { recordId: { type: "string", pattern: "^rec-" } } };

function failure(fn: () => unknown): Error & { code?: string; context?: Record<string, unknown> } {
  try {
    fn();
  } catch (error) {
    return error as Error;
  }
  throw new Error("expected a throw");
}

async function rejection(promise: Promise<unknown>): Promise<Error & { code?: string; context?: Record<string, unknown> }> {
  try {
    await promise;
  } catch (error) {
    return error as Error;
  }
  throw new Error("expected a rejection");
}

/** Every shape a definition can arrive in, built around the same pair of schemas. */
const shapes: Array<{ shape: DefinitionShape; raw: Record<string, unknown>; expectedInput: JsonSchema }> = [
  {
    shape: "schema.input/output",
    raw: { id: "da-1", name: "Billing", version: 3, schema: { input: inputSchema, output: outputSchema } },
    expectedInput: inputSchema,
  },
  {
    shape: "schema.input/response",
    raw: { id: "da-1", name: "Billing", version: 3, schema: { input: inputSchema, response: outputSchema } },
    expectedInput: inputSchema,
  },
  { shape: "schema-as-output", raw: { id: "da-1", name: "Billing", version: 3, schema: outputSchema }, expectedInput: true },
  { shape: "inputSchema/outputSchema", raw: { id: "da-1", name: "Billing", version: 3, inputSchema, outputSchema }, expectedInput: inputSchema },
  {
    shape: "genesys-contract",
    raw: { id: "da-1", name: "Billing", version: 3, contract: { input: { inputSchema }, output: { successSchema: outputSchema } }, config: {} },
    expectedInput: inputSchema,
  },
];

describe.each(shapes)("a definition in the $shape shape", ({ shape, raw, expectedInput }) => {
  it("normalises to the same action definition and says which shape it found", () => {
    expect(normaliseDefinition(raw, { file: "actions/billing/definition.json" })).toEqual({
      id: "da-1",
      name: "Billing",
      version: 3,
      inputSchema: expectedInput,
      outputSchema,
      meta: { shape, inputDraft: "draft-07", outputDraft: "draft-07", file: "actions/billing/definition.json" },
    });
  });

  it("copies the schemas instead of sharing them with the raw object", () => {
    const copy = structuredClone(raw);
    const definition = normaliseDefinition(copy);
    (definition.outputSchema as Record<string, unknown>)["title"] = "changed";
    if (typeof definition.inputSchema === "object") definition.inputSchema["title"] = "changed";
    expect(copy).toEqual(raw);
  });

  it("validates with the schemas it normalised", () => {
    const definition = normaliseDefinition(raw);
    const issues = createValidator(definition.outputSchema, { side: "output", draft: definition.meta.outputDraft }).validate({ recordId: "x" });
    expect(issues.map((i) => i.keyword)).toEqual(["pattern"]);
  });

  it("loads the same from a file", async () => {
    const dir = await mkdtemp(path.join(tmpdir(), "cxda-shape-"));
    try {
      await writeFile(path.join(dir, "definition.json"), JSON.stringify(raw, null, 2));
      const definition = await loadDefinition(path.join(dir, "definition.json"));
      expect(definition.meta.shape).toBe(shape);
      expect(definition.meta.file).toBe(path.join(dir, "definition.json"));
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});

describe("normaliseDefinition", () => {
  it("keeps a javascript transform", () => {
    const definition = normaliseDefinition({
      id: "a",
      schema: outputSchema,
      transform: { language: "javascript", source: "export default () => ({})" },
    });
    expect(definition.transform).toEqual({ language: "javascript", source: "export default () => ({})" });
  });

  it("rejects a transform in another language", () => {
    const error = failure(() => normaliseDefinition({ id: "a", schema: outputSchema, transform: { language: "python", source: "x" } }));
    expect(error.code).toBe("E_DEFINITION");
    expect(error.message).toContain('transform.language "python" is not supported');
  });

  it("uses null for a missing version and the id for a missing name", () => {
    const definition = normaliseDefinition({ id: "da-9", schema: outputSchema });
    expect(definition.version).toBeNull();
    expect(definition.name).toBe("da-9");
  });

  it("prefers the id field, then fallbackId, then a slug of the name", () => {
    expect(normaliseDefinition({ id: "da-1", name: "X", schema: true }, { fallbackId: "folder" }).id).toBe("da-1");
    expect(normaliseDefinition({ name: "X", schema: true }, { fallbackId: "folder" }).id).toBe("folder");
    expect(normaliseDefinition({ name: "Create Callback - JVM - Exported 2024-12-05 @ 13:39", schema: true }).id).toBe("create-callback-jvm");
  });

  it("turns a numeric id into a string", () => {
    expect(normaliseDefinition({ id: 42, schema: true }).id).toBe("42");
  });

  it("asks for an id when there is no id, fallback or name", () => {
    const error = failure(() => normaliseDefinition({ schema: true }, { file: "x.json" }));
    expect(error.code).toBe("E_DEFINITION");
    expect(error.message).toMatch(/^x\.json: the definition has no id/);
  });

  it.each([
    [
      { id: "a" },
      "no output schema found: expected schema.output, schema.response, schema (the output schema itself), outputSchema or contract.output.successSchema",
    ],
    [{ id: "a", schema: { input: inputSchema } }, "schema.input is present but no output schema found"],
    [{ id: "a", inputSchema }, "inputSchema is present but no output schema found"],
    [{ id: "a", contract: { input: { inputSchema } } }, "no output schema found at contract.output.successSchema"],
  ])("explains a missing output schema in %j", (raw, message) => {
    const error = failure(() => normaliseDefinition(raw, { file: "actions/a/definition.json" }));
    expect(error.code).toBe("E_DEFINITION");
    expect(error.message).toContain(`actions/a/definition.json: ${message}`);
  });

  it("names the JSON path of a schema that is not an object or boolean", () => {
    const error = failure(() => normaliseDefinition({ id: "a", schema: { input: inputSchema, output: "object" } }, { file: "d.json" }));
    expect(error.code).toBe("E_DEFINITION");
    expect(error.message).toBe("d.json: schema.output must be a JSON Schema (an object or a boolean), got a string");
    expect(error.context).toMatchObject({ file: "d.json", path: "schema.output" });
  });

  it("refuses a definition that gives its schemas two ways", () => {
    const error = failure(() => normaliseDefinition({ id: "a", schema: { output: outputSchema }, outputSchema }));
    expect(error.message).toContain("ambiguous definition: it has both schema and inputSchema/outputSchema");
  });

  it("refuses a top level that is not an object", () => {
    expect(failure(() => normaliseDefinition([1], { file: "d.json" })).message).toBe("d.json: expected a JSON object at the top level, got an array");
  });

  it.each([
    ["http://json-schema.org/draft-04/schema#", "draft-04"],
    ["http://json-schema.org/draft-06/schema#", "draft-06"],
    ["http://json-schema.org/draft-07/schema#", "draft-07"],
    ["https://json-schema.org/draft/2019-09/schema", "2019-09"],
    ["https://json-schema.org/draft/2020-12/schema", "2020-12"],
  ])("reads the draft of each side from $schema (%s)", (uri, draft) => {
    const definition = normaliseDefinition({ id: "a", schema: { input: { $schema: uri, type: "object" }, output: { type: "object" } } });
    expect(definition.meta.inputDraft).toBe(draft);
    expect(definition.meta.outputDraft).toBe("draft-07");
  });

  it("reports an unknown $schema as E_SCHEMA naming the file, where the schema is, and what is supported", () => {
    const error = failure(() =>
      normaliseDefinition({ id: "a", schema: { output: { $schema: "http://json-schema.org/draft-03/schema#" } } }, { file: "d.json" }),
    );
    expect(error.code).toBe("E_SCHEMA");
    expect(error.message).toMatch(
      /^d\.json: schema\.output: \$schema "http:\/\/json-schema\.org\/draft-03\/schema#" is not a JSON Schema draft cxda supports/,
    );
    expect(error.message).toContain("https://json-schema.org/draft/2020-12/schema");
  });

  it("rejects an invalid schema at load time, naming the file, the side, the schema path and ajv's reason", () => {
    const raw = { id: "a", schema: { input: inputSchema, output: { type: "object", properties: { score: { type: "strng" } } } } };
    const error = failure(() => normaliseDefinition(raw, { file: "actions/a/definition.json" }));
    expect(error.code).toBe("E_SCHEMA");
    expect(error.message).toMatch(
      /^actions\/a\/definition\.json: the output schema at schema\.output is invalid at #\/properties\/score\/type: must be equal to one of the allowed values/,
    );
    expect(error.context).toMatchObject({
      file: "actions/a/definition.json",
      path: "schema.output",
      side: "output",
      schemaPath: "#/properties/score/type",
    });
  });

  it('loads a definition whose schema recurses through the root with $ref "#"', () => {
    const tree = { type: "object", properties: { name: { type: "string" }, parent: { $ref: "#" } } };
    const definition = normaliseDefinition({ id: "a", inputSchema: tree, outputSchema: tree });
    const validator = createValidator(definition.inputSchema, { side: "input" });
    expect(validator.validate({ name: "leaf", parent: { parent: { name: "root" } } })).toEqual([]);
    expect(validator.validate({ parent: { parent: { name: 7 } } }).map((issue) => issue.path)).toEqual(["/parent/parent/name"]);
  });

  it("rejects an unknown format in the input schema at load time, suggesting the format meant", () => {
    const raw = { id: "a", inputSchema: { properties: { at: { format: "datetime" } } }, outputSchema };
    const error = failure(() => normaliseDefinition(raw));
    expect(error.code).toBe("E_SCHEMA");
    expect(error.message).toBe(
      'definition: inputSchema/properties/at/format: unknown format "datetime": cxda cannot check it (did you mean "date-time"?)',
    );
    expect(error.context).toMatchObject({ path: "inputSchema/properties/at/format", finding: "unknown-format" });
  });
});

describe("no silent typos (strict, the default)", () => {
  const priority = (extra: Record<string, unknown>): Record<string, unknown> => ({
    type: "object",
    properties: { priority: { type: "string", ...extra } },
  });

  it("rejects minLenght in the output schema, naming the file, the JSON path and minLength", () => {
    const raw = { id: "a", inputSchema, outputSchema: priority({ minLenght: 3 }) };
    const error = failure(() => normaliseDefinition(raw, { file: "actions/a/definition.json" }));
    expect(error.code).toBe("E_SCHEMA");
    expect(error.message).toBe(
      'actions/a/definition.json: outputSchema/properties/priority/minLenght: unknown keyword "minLenght": JSON Schema draft-07 does not define it, so it checks nothing (did you mean "minLength"?)',
    );
    expect(error.context).toMatchObject({ file: "actions/a/definition.json", path: "outputSchema/properties/priority/minLenght" });
  });

  it("says which character differs when a typo looks exactly like its suggestion (minLength with a Cyrillic е, inputSchema with a zero-width space)", () => {
    const keyword = { id: "a", inputSchema, outputSchema: priority({ "minL\u0435ngth": 3 }) };
    expect(failure(() => normaliseDefinition(keyword)).message).toContain(
      '(did you mean "minLength"? It holds U+0435, which is not ASCII: retype it)',
    );
    const key = { id: "a", "inputSchema\u200b": inputSchema, inputSchema, outputSchema };
    expect(failure(() => normaliseDefinition(key)).message).toContain('(did you mean "inputSchema"? It holds U+200B, which is not ASCII: retype it)');
  });

  it("rejects requird, and names the path under schema.input of cxda's own shape", () => {
    const raw = { id: "a", schema: { input: { type: "object", requird: ["contact"] }, output: outputSchema } };
    expect(failure(() => normaliseDefinition(raw)).message).toBe(
      'definition: schema/input/requird: unknown keyword "requird": JSON Schema draft-07 does not define it, so it checks nothing (did you mean "required"?)',
    );
  });

  it("judges keywords by the schema's own draft ($id is not draft-04's, id is)", () => {
    const draft04 = { $schema: "http://json-schema.org/draft-04/schema#", $id: "https://example.com/a.json", type: "object" };
    expect(failure(() => normaliseDefinition({ id: "a", outputSchema: draft04 })).message).toContain(
      'outputSchema/$id: unknown keyword "$id": JSON Schema draft-04 does not define it, so it checks nothing (did you mean "id"?)',
    );
    const { $id: _unused, ...rest } = draft04;
    expect(normaliseDefinition({ id: "a", outputSchema: { ...rest, id: "https://example.com/a.json" } }).meta.warnings).toBeUndefined();
  });

  it("searches every place a subschema can sit, and nothing that is data", () => {
    const schema = {
      type: "object",
      properties: { list: { type: "array", items: [{ type: "string", maxLenght: 2 }] } },
      definitions: { a: { anyOf: [{ type: "string" }, { not: { type: "number", minimun: 1 } }] } },
      dependencies: { a: ["b"], c: { propertyNames: { patern: "^x" } } },
      // Data, not schemas: a key named like a typo here is fine.
      enum: [{ minLenght: 1 }],
      default: { requird: true },
      examples: [{ maxLenght: 2 }],
    };
    const definition = normaliseDefinition({ id: "a", outputSchema: schema }, { strict: "warn" });
    expect(definition.meta.warnings?.map((w) => [w.path, w.hint])).toEqual([
      ["outputSchema/properties/list/items/0/maxLenght", 'did you mean "maxLength"?'],
      ["outputSchema/definitions/a/anyOf/1/not/minimun", 'did you mean "minimum"?'],
      ["outputSchema/dependencies/c/propertyNames/patern", 'did you mean "pattern"?'],
    ]);
  });

  it("rejects an unknown top-level key, suggesting the key of any shape it is close to", () => {
    const raw = { id: "a", inputShema: inputSchema, schema: { output: outputSchema } };
    const error = failure(() => normaliseDefinition(raw, { file: "d.json" }));
    expect(error.code).toBe("E_DEFINITION");
    expect(error.message).toBe(
      'd.json: inputShema: unknown key "inputShema" at the top level of a definition of the schema.input/output shape: cxda does not read it (did you mean "inputSchema"?)',
    );
  });

  it("names a near-missed output schema key when no output schema is found", () => {
    expect(failure(() => normaliseDefinition({ id: "a", inputSchema, outputShema: outputSchema })).message).toContain(
      '(found "outputShema": did you mean "outputSchema"?)',
    );
    expect(failure(() => normaliseDefinition({ id: "a", schema: { input: inputSchema, ouput: outputSchema } })).message).toContain(
      '(found "ouput": did you mean "output"?)',
    );
    const genesys = { name: "G", contract: { input: { inputSchema }, output: { successShema: outputSchema } } };
    expect(failure(() => normaliseDefinition(genesys)).message).toContain('(found "successShema": did you mean "successSchema"?)');
  });

  it("checks the keys inside contract, contract.input, contract.output, schema and transform", () => {
    const raw = {
      name: "G",
      contract: { input: { inputShema: inputSchema }, output: { successSchema: outputSchema, sucessTemplate: "" }, outptu: {} },
      transform: { language: "javascript", source: "", sorce: "" },
    };
    const definition = normaliseDefinition(raw, { strict: "warn" });
    expect(definition.meta.warnings?.map((w) => [w.path, w.hint ?? ""])).toEqual([
      ["contract/outptu", 'did you mean "output"?'],
      ["contract/input/inputShema", 'did you mean "inputSchema"?'],
      ["contract/output/sucessTemplate", expect.stringMatching(/^remove it; in contract\/output cxda reads successSchema, /)],
      ["transform/sorce", 'did you mean "source"?'],
    ]);
    expect(definition.inputSchema).toBe(true);
    const pair = { id: "a", schema: { input: inputSchema, output: outputSchema, respone: {} } };
    expect(failure(() => normaliseDefinition(pair)).message).toContain('schema/respone: unknown key "respone" in schema');
  });

  it("accepts Genesys' own keys beside the contract, and its error schema and derived forms", () => {
    const raw = {
      id: "8a7f",
      name: "Get contact",
      category: "Salesforce",
      integrationId: "5b2f",
      integrationType: "salesforce-datadip",
      actionType: "custom",
      secure: false,
      selfUri: "/api/v2/integrations/actions/8a7f",
      version: 2,
      config: { request: {}, response: {} },
      contract: {
        input: { inputSchema, inputSchemaFlattened: inputSchema, inputSchemaUri: "/x" },
        output: { successSchema: outputSchema, errorSchema: {}, errorSchemaUri: "/y", successSchemaUri: "/z", successSchemaFlattened: {} },
      },
    };
    expect(normaliseDefinition(raw).meta.warnings).toBeUndefined();
  });

  it("does not let another shape's keys in: a Genesys key in cxda's own format is still unknown", () => {
    const raw = { id: "a", schema: { input: inputSchema, output: outputSchema }, integrationId: "x" };
    expect(failure(() => normaliseDefinition(raw)).message).toContain(
      'unknown key "integrationId" at the top level of a definition of the schema.input/output shape',
    );
  });

  it("accepts x- vendor annotations in schemas without a finding", () => {
    const raw = { id: "a", outputSchema: { type: "object", "x-genesys-display": "Contact", properties: { a: { type: "string", "x-order": 1 } } } };
    expect(normaliseDefinition(raw).meta.warnings).toBeUndefined();
  });

  it("says how many more there are, and how to let a platform's own names through", () => {
    const raw = { id: "a", outputSchema: { type: "object", displayName: "Contact", minLenght: 1 } };
    const error = failure(() => normaliseDefinition(raw));
    expect(error.message).toContain('outputSchema/displayName: unknown keyword "displayName"');
    expect(error.message).toContain("(and 1 more: `cxda check` lists them all)");
    expect(error.message).toContain('set strict: "warn" in the config');
  });
});

describe('strict: "warn"', () => {
  it("loads the definition and keeps every finding in meta.warnings as a warning", () => {
    const raw = {
      id: "a",
      inputShema: {},
      outputSchema: { type: "object", properties: { at: { type: "string", format: "datetime", minLenght: 2 } } },
    };
    const definition = normaliseDefinition(raw, { file: "d.json", strict: "warn" });
    expect(definition.meta.warnings).toEqual([
      expect.objectContaining({ severity: "warning", code: "unknown-key", file: "d.json", path: "inputShema", hint: 'did you mean "inputSchema"?' }),
      expect.objectContaining({
        severity: "warning",
        code: "unknown-format",
        path: "outputSchema/properties/at/format",
        hint: 'did you mean "date-time"?',
      }),
      expect.objectContaining({ severity: "warning", code: "unknown-keyword", path: "outputSchema/properties/at/minLenght" }),
    ]);
  });

  it("leaves an unknown format unchecked, and every other keyword working, everywhere the schema is compiled later", () => {
    const raw = { id: "a", outputSchema: { type: "object", properties: { at: { type: "string", format: "datetime", maxLength: 3 } } } };
    const definition = normaliseDefinition(raw, { strict: "warn" });
    const validator = createValidator(definition.outputSchema, { side: "output", draft: definition.meta.outputDraft });
    expect(validator.validate({ at: "abc" })).toEqual([]);
    expect(validator.validate({ at: "abcd" }).map((issue) => issue.keyword)).toEqual(["maxLength"]);
    // The caller's object is not changed.
    expect(raw.outputSchema.properties.at.format).toBe("datetime");
  });

  it("is passed on by loadDefinition", async () => {
    const definition = await loadDefinition({ id: "a", outputSchema: { type: "object", requird: [] } }, { strict: "warn" });
    expect(definition.meta.warnings?.map((w) => w.path)).toEqual(["outputSchema/requird"]);
  });
});

describe("loadDefinition", () => {
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(path.join(tmpdir(), "cxda-load-"));
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it("reads <dir>/definition.json when given a directory", async () => {
    const actionDir = path.join(dir, "billing-callback");
    await mkdir(actionDir);
    await writeFile(path.join(actionDir, "definition.json"), JSON.stringify({ name: "Billing", schema: { output: outputSchema } }));
    const definition = await loadDefinition(actionDir, { fallbackId: "billing-callback" });
    expect(definition.id).toBe("billing-callback");
    expect(definition.meta.file).toBe(path.join(actionDir, "definition.json"));
  });

  it("normalises an object directly", async () => {
    const definition = await loadDefinition({ schema: { output: outputSchema } }, { fallbackId: "inline" });
    expect(definition).toMatchObject({ id: "inline", meta: { shape: "schema.input/output" } });
    expect(definition.meta).not.toHaveProperty("file");
  });

  it("reports malformed JSON as file:line:column", async () => {
    const file = path.join(dir, "broken.json");
    await writeFile(file, '{\n  "id": "a",\n  "schema": { "output": { "type": "object", } }\n}\n');
    const error = await rejection(loadDefinition(file));
    expect(error.code).toBe("E_DEFINITION");
    expect(error.message.startsWith(`${file}:3:45: malformed JSON`)).toBe(true);
    expect(error.context).toMatchObject({ file, line: 3, column: 45 });
  });

  it("reports a missing file as E_DEFINITION naming it", async () => {
    const error = await rejection(loadDefinition(path.join(dir, "nowhere")));
    expect(error.code).toBe("E_DEFINITION");
    expect(error.message).toBe(`${path.join(dir, "nowhere")}: file not found`);
  });

  it("reads CRLF files", async () => {
    const file = path.join(dir, "crlf.json");
    await writeFile(file, JSON.stringify({ id: "crlf", schema: outputSchema }, null, 2).replace(/\n/g, "\r\n"));
    expect((await loadDefinition(file)).id).toBe("crlf");
  });
});

const repoRoot = REPO_ROOT;
const corpusDir = GENESYS_CORPUS;
const corpusFiles = genesysCorpusFiles;
const haveCorpus = corpusFiles.length > 0;

/** The smallest instance of a schema's declared type, to show a validator runs on it. */
function trivialInstance(schema: JsonSchema): unknown {
  if (typeof schema === "boolean") return null;
  return schema["type"] === "array" ? [] : schema["type"] === "object" || schema["properties"] !== undefined ? {} : null;
}

describe.skipIf(!haveCorpus)(haveCorpus ? `the Genesys corpus in ${corpusDir}` : `the Genesys corpus (skipped: ${corpusDir} not found)`, () => {
  it("has files to check", () => {
    expect(corpusFiles.length).toBeGreaterThan(0);
  });

  it.each(corpusFiles)("loads %s as a Genesys contract whose schemas validate", async (name) => {
    const definition = await loadDefinition(path.join(corpusDir, name));
    expect(definition.meta.shape).toBe("genesys-contract");
    // Strict by default, and nothing found: every key and keyword of a real export is known.
    expect(definition.meta.warnings).toBeUndefined();
    expect((await loadDefinition(path.join(corpusDir, name), { strict: "warn" })).meta.warnings).toBeUndefined();
    expect(definition.id).toMatch(/^[a-z0-9]+(-[a-z0-9]+)*$/);
    for (const side of ["input", "output"] as const) {
      const schema = side === "input" ? definition.inputSchema : definition.outputSchema;
      const draft = side === "input" ? definition.meta.inputDraft : definition.meta.outputDraft;
      const issues = createValidator(schema, { side, draft }).validate(trivialInstance(schema));
      expect(Array.isArray(issues)).toBe(true);
      for (const issue of issues) expect(issue.side).toBe(side);
    }
  });

  it("gives every corpus action a distinct id derived from its name", async () => {
    const ids = await Promise.all(corpusFiles.map(async (name) => (await loadDefinition(path.join(corpusDir, name))).id));
    expect(new Set(ids).size).toBe(ids.length);
  });

  it("reads the draft-04 schemas as draft-04", async () => {
    const definition = await loadDefinition(path.join(corpusDir, "process-automation-trigger-with-salesforce__create-case.json"));
    expect(definition.meta).toMatchObject({ inputDraft: "draft-04", outputDraft: "draft-04" });
    const issues = createValidator(definition.outputSchema, { side: "output", draft: "draft-04" }).validate({ errors: [], id: 5, success: true });
    expect(issues.map((i) => `${i.path} ${i.keyword}`)).toEqual(["/id type"]);
  });

  it("loads the array-typed successSchema with a stray empty properties", async () => {
    const definition = await loadDefinition(path.join(corpusDir, "process-automation-trigger-with-salesforce__get-contact-by-phone-number.json"));
    const validator = createValidator(definition.outputSchema, { side: "output", draft: definition.meta.outputDraft });
    expect(validator.validate([])).toEqual([]);
    expect(validator.validate([{}]).map((i) => `${i.path} ${i.keyword}`)).toContain("/0/Id required");
  });

  it("loads the CRLF exports", async () => {
    const crlf = corpusFiles.filter((f) => f.startsWith("design-architect-flow-data-actions-for-resiliency__"));
    expect(crlf.length).toBeGreaterThan(0);
    for (const name of crlf) expect((await loadDefinition(path.join(corpusDir, name))).meta.shape).toBe("genesys-contract");
  });
});

/** The definitions cxda ships or tests with: the example, the init template, the test fixtures and the shared fixtures. */
function ownDefinitionFiles(): string[] {
  const found: string[] = [];
  const walk = (dir: string): void => {
    if (!existsSync(dir)) return;
    for (const entry of readdirSync(dir, { withFileTypes: true })) {
      if (entry.name === "node_modules") continue;
      const full = path.join(dir, entry.name);
      if (entry.isDirectory()) walk(full);
      else if (entry.name === "definition.json") found.push(full);
    }
  };
  for (const dir of ["examples", "templates", "test/fixtures", "../shared/fixtures"]) walk(path.resolve(repoRoot, dir));
  return found.sort();
}

describe("cxda's own definitions", () => {
  const files = ownDefinitionFiles();

  it("finds the example and the init template among them", () => {
    expect(files.map((file) => path.relative(repoRoot, file))).toEqual(
      expect.arrayContaining([
        path.join("examples", "billing-callback", "definition.json"),
        path.join("templates", "init", "actions", "__action__", "definition.json"),
      ]),
    );
  });

  it.each(files.map((file) => [path.relative(repoRoot, file), file]))("%s loads strictly with no finding", async (_shown, file) => {
    const text = (await import("node:fs/promises")).readFile(file, "utf8");
    // The init template names its action with a placeholder that init fills in.
    const raw: unknown = JSON.parse((await text).replace(/\{\{action\}\}/g, "an-action"));
    const definition = normaliseDefinition(raw, { file, strict: "warn" });
    expect(definition.meta.warnings).toBeUndefined();
    expect(() => normaliseDefinition(raw, { file })).not.toThrow();
  });
});

describe("a key written twice in a definition file", () => {
  const text = '{\n  "id": "d",\n  "schema": { "input": true, "output": { "type": "object", "required": ["a"], "required": [] } }\n}\n';

  it("is an error at its second place: JSON kept only the last, so the first rule was lost without a word (regression)", async () => {
    const file = path.join(await mkdtemp(path.join(tmpdir(), "cxda-dup-")), "definition.json");
    await writeFile(file, text);
    const error = await loadDefinition(file).catch((caught: unknown) => caught as Error);
    expect(error).toMatchObject({ code: "E_DEFINITION" });
    expect((error as Error).message).toContain('schema/output/required: the key "required" appears twice in one object');
    expect((error as Error).message).not.toContain("strict");
  });

  it('is a warning with strict: "warn", with its line and column', async () => {
    const file = path.join(await mkdtemp(path.join(tmpdir(), "cxda-dup-")), "definition.json");
    await writeFile(file, text);
    const definition = await loadDefinition(file, { strict: "warn" });
    expect(definition.meta.warnings).toEqual([
      expect.objectContaining({ code: "duplicate-key", path: "schema/output/required", line: 3, column: 79 }),
    ]);
  });
});
