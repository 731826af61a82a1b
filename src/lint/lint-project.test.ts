import { mkdir, readFile, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTempProject, type TempProject } from "../../test/helpers/temp-project.js";
import { lintProject, resolveLintOptions } from "./lint-project.js";

/** A Genesys export as the platform writes one: a contract and a declarative config. */
function genesysExport(name: string, request: Record<string, unknown>, response: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    name,
    integrationType: "purecloud-data-actions",
    actionType: "custom",
    config: {
      request: { requestUrlTemplate: "/api/v2/things", requestType: "POST", headers: {}, ...request },
      response: { translationMap: {}, translationMapDefaults: {}, successTemplate: "${rawResult}", ...response },
    },
    contract: {
      input: { inputSchema: { type: "object", required: ["id"], properties: { id: { type: "string" }, note: { type: "string" } } } },
      output: { successSchema: { type: "object" } },
    },
    secure: false,
  };
}

const BAD_BODY = '{\n  "id": "${input.id}",\n  "note": "$!esc.jsonString($input.note)"\n}';
const CLEAN_BODY = '{"id": "$esc.jsonString($input.id)"}';

describe("lintProject", () => {
  let project: TempProject;
  let exports: string;
  let badText: string;
  beforeAll(async () => {
    project = await createTempProject();
    exports = join(project.root, "exports");
    await mkdir(exports);
    badText = JSON.stringify(genesysExport("Bad", { requestTemplate: BAD_BODY }), null, 2);
    await writeFile(join(exports, "bad.json"), badText);
    await writeFile(join(exports, "clean.json"), JSON.stringify(genesysExport("Clean", { requestTemplate: CLEAN_BODY })));
    await writeFile(join(exports, "README.md"), "not a definition");
    await project.addAction("actions/genesys", { definition: genesysExport("In a folder", { requestUrlTemplate: "/api/v2/things/${input.idd}" }) });
    await project.addAction("actions/transform", {
      definition: { id: "plain", inputSchema: { type: "object" }, outputSchema: { type: "object" } },
      transform: "export default () => ({});",
    });
    await project.addAction("actions/broken", { definition: "{ not json" });
  });
  afterAll(async () => {
    await project.remove();
  });

  it("lints a folder of export files, each as an action, placing findings at the reference in the file", async () => {
    const report = await lintProject({ paths: [exports], cwd: project.root });
    expect(report.actions.map((action) => [action.label.endsWith("bad.json"), action.name])).toEqual([
      [true, "Bad"],
      [false, "Clean"],
    ]);
    expect(report.actions[1]?.findings).toEqual([]);
    const body = report.findings.find((finding) => finding.code === "body-not-json");
    expect(body).toMatchObject({
      severity: "error",
      path: "config.request.requestTemplate",
      count: 4,
      example: { variant: "input.id holds a quote" },
    });
    expect(body?.file).toMatch(/bad\.json$/);
    // The finding's line:column is where the template's key is, and an unresolved reference's is the reference itself.
    const lines = badText.split("\n");
    expect(lines[(body?.line ?? 0) - 1]?.slice((body?.column ?? 0) - 1)).toMatch(/^"requestTemplate"/);
    expect(report.summary).toMatchObject({ actions: 2, linted: 2, errors: 1, warnings: 0 });
    expect(report.summary.renders).toBeGreaterThan(20);
  });

  it("lints one export file given alone", async () => {
    const report = await lintProject({ paths: [join(exports, "clean.json")], cwd: project.root });
    expect(report.summary).toMatchObject({ actions: 1, linted: 1, errors: 0, warnings: 0 });
  });

  it("finds action folders as cxda check does: the config's actions by default, skipping those without templates", async () => {
    const report = await lintProject({ cwd: project.root });
    expect(report.actions.map((action) => action.label.split(/[\\/]/).at(-1))).toEqual(["broken", "genesys", "transform"]);
    const [broken, genesys, transform] = report.actions;
    expect(broken?.findings).toEqual([expect.objectContaining({ severity: "error", code: "E_DEFINITION", line: 1, column: 3 })]);
    expect(genesys?.findings).toEqual([
      expect.objectContaining({
        code: "unresolved-reference",
        templateLine: 1,
        templateColumn: 16,
        hint: "did you mean input.id?",
        file: expect.stringMatching(/definition\.json$/),
      }),
    ]);
    const text = await readFile(join(project.root, "actions", "genesys", "definition.json"), "utf8");
    const { line = 0, column = 0 } = genesys?.findings[0] ?? {};
    expect(text.split("\n")[line - 1]?.slice(column - 1)).toMatch(/^\$\{input\.idd\}/);
    expect(transform).toMatchObject({ renders: 0, findings: [], skipped: expect.stringContaining("no declarative config") });
    expect(report.summary).toMatchObject({ actions: 3, linted: 1 });
  });

  it("refuses a path that does not exist, a file that is not a definition, and a folder with nothing to lint", async () => {
    await expect(lintProject({ paths: [join(project.root, "nope")] })).rejects.toMatchObject({
      code: "E_USAGE",
      message: expect.stringContaining("no such file or folder"),
    });
    await expect(lintProject({ paths: [join(exports, "README.md")] })).rejects.toMatchObject({
      code: "E_USAGE",
      message: expect.stringContaining("not a definition"),
    });
    await mkdir(join(project.root, "empty"));
    await expect(lintProject({ paths: [join(project.root, "empty")] })).rejects.toMatchObject({
      code: "E_USAGE",
      message: expect.stringContaining("no action folders and no definition files"),
    });
  });
});

describe("resolveLintOptions", () => {
  it("applies the defaults and refuses values out of range", () => {
    expect(resolveLintOptions({})).toMatchObject({ timeoutMs: 5000, seed: "cxda", memoryMb: 256, workers: undefined });
    expect(() => resolveLintOptions({ timeoutMs: 0 })).toThrow(/timeout must be a whole number from 1 to 600000/);
    expect(() => resolveLintOptions({ seed: "" })).toThrow(/seed must be a non-empty string/);
  });
});
