// Every real Genesys export in the corpus, as an action folder, through the built CLI: check, run and
// `test --generate 20`. Skips, saying so, when the corpus (../shared) is absent.
import { copyFile, mkdir } from "node:fs/promises";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { GENESYS_CORPUS, genesysCorpusFiles } from "../helpers/corpus.js";
import { cxda } from "../helpers/run-cli.js";
import { DECLARATIVE_TRACE } from "../helpers/declarative.js";
import { createTempProject, type TempProject } from "../helpers/temp-project.js";
describe.skipIf(genesysCorpusFiles.length === 0)("the Genesys corpus through the CLI", () => {
  let project: TempProject;
  const names = genesysCorpusFiles.map((file) => file.replace(/(\.custom)?\.json$/, ""));
  beforeAll(async () => {
    project = await createTempProject();
    for (const [i, file] of genesysCorpusFiles.entries()) {
      await mkdir(join(project.root, "actions", names[i]!), { recursive: true });
      await copyFile(join(GENESYS_CORPUS, file), join(project.root, "actions", names[i]!, "definition.json"));
    }
  });
  afterAll(() => project.remove());

  it("checks clean: a declarative action needs no transform file", async () => {
    const run = await cxda(["check", "actions"], { cwd: project.root });
    expect(run.stdout).toMatch(new RegExp(`^0 errors, 0 warnings in ${names.length} actions$`, "m"));
    expect(run.code).toBe(0);
  });

  it("runs 20 generated cases of every export to a pass or a failure with a reason, each through every step", async () => {
    const run = await cxda(["test", "actions", "--generate", "20", "--json"], { cwd: project.root });
    const report = JSON.parse(run.stdout) as {
      summary: { total: number };
      results: Array<{ action: string; status: string; error?: { code: string }; failures: unknown[]; trace: { steps: Array<{ step: string }> } }>;
    };
    expect(report.summary.total).toBe(names.length * 20);
    expect(new Set(report.results.map((r) => r.action)).size).toBe(names.length);
    for (const result of report.results) {
      expect(result.trace.steps.map((s) => s.step)).toEqual(DECLARATIVE_TRACE);
      // A crash of the harness, a missing transform or a sandbox fault would be cxda's failure, not the action's.
      expect(["E_TRANSFORM", "E_SANDBOX", "E_INTERNAL", "E_TIMEOUT"]).not.toContain(result.error?.code);
      if (result.status !== "pass") expect(result.error !== undefined || result.failures.length > 0).toBe(true);
    }
  });

  it("shows each step of one run in the terminal", async () => {
    const action = names.find((name) => name.includes("Get-On-Queue-Agent-Counts")) ?? names[0]!;
    const run = await cxda(["run", join("actions", action)], { cwd: project.root });
    expect(run.stderr).toMatch(/^upstream: a 200 answer made from the translation map/m);
    for (const step of ["resolve-request", "upstream", "translation-map", "success-template"]) expect(run.stdout).toMatch(new RegExp(`✓ ${step}`));
    expect(run.stdout).toMatch(/← \$/);
  });
});
