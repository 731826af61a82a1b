// cxda test and cxda run read cxda.config.*: its settings apply, and flags on the command line win over them.
import { readFile, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { caseTitles, cxda } from "../helpers/run-cli.js";
import { createTempProject, type TempProject } from "../helpers/temp-project.js";

describe("a project with cxda.config.json", () => {
  let project: TempProject;
  beforeAll(async () => {
    project = await createTempProject();
    await project.addAction("greeter", {
      definition: { id: "greeter", schema: { input: { type: "object" }, output: { type: "object", required: ["greeting"] } } },
      transform: "export default (trigger, ctx) => ({ greeting: `hello from ${ctx.vars.region} in ${ctx.env}` });",
      cases: { "a.json": { name: "greets", payload: {}, expect: { output: { greeting: "hello from eu in production" } } } },
    });
    await writeFile(
      join(project.root, "cxda.config.json"),
      JSON.stringify({
        actions: ["greeter"],
        vars: { region: "eu" },
        env: "production",
        reporters: ["default", { name: "junit", outputFile: "out/junit.xml" }],
      }),
    );
  });
  afterAll(async () => {
    await project.remove();
  });

  it("runs the configured actions with the configured vars, env and reporters", async () => {
    const run = await cxda(["test"], { cwd: project.root });
    expect(run.stdout).toMatch(/^1 passed, 0 failed$/m);
    expect(caseTitles(run.stdout)).toEqual(["greeter › greets"]);
    expect(await readFile(join(project.root, "out", "junit.xml"), "utf8")).toContain('<testcase name="greets" classname="greeter"');
  });

  it("lets a flag win over the config", async () => {
    const run = await cxda(["test", "--var", "region=us", "--json"], { cwd: project.root });
    expect(run.code).toBe(1);
    const report = JSON.parse(run.stdout) as { results: Array<{ output: { greeting: string } }> };
    expect(report.results[0]?.output.greeting).toBe("hello from us in production");
  });

  it("rejects an unknown config key with its path and a suggestion, exit 2", async () => {
    const other = await createTempProject();
    try {
      await writeFile(join(other.root, "cxda.config.json"), JSON.stringify({ sandbox: { netwrok: true } }));
      const run = await cxda(["test"], { cwd: other.root });
      expect(run.code).toBe(2);
      expect(run.stderr).toMatch(/sandbox\.netwrok/);
      expect(run.stderr).toMatch(/did you mean "network"\?|did you mean "sandbox\.network"\?/);
    } finally {
      await other.remove();
    }
  });

  it("writes an html reporter's report where its outputFile says, and --html-file where the flag says", async () => {
    const other = await createTempProject();
    try {
      await other.addAction("greeter", {
        definition: { id: "greeter", schema: { input: { type: "object" }, output: { type: "object" } } },
        transform: "export default () => ({ ok: true });",
        cases: { "a.json": { name: "ok", payload: {}, expect: {} } },
      });
      await writeFile(
        join(other.root, "cxda.config.json"),
        JSON.stringify({ actions: ["greeter"], reporters: ["default", { name: "html", outputFile: "out/run.html" }] }),
      );
      const configured = await cxda(["test"], { cwd: other.root });
      expect(configured.code).toBe(0);
      expect(await readFile(join(other.root, "out", "run.html"), "utf8")).toMatch(/^<!doctype html>/i);
      // --html before the action folder still takes it as a folder, not as the report's file.
      const flagged = await cxda(["test", "--html", "greeter", "--html-file", "elsewhere/report.html"], { cwd: other.root });
      expect(flagged.code).toBe(0);
      expect(await readFile(join(other.root, "elsewhere", "report.html"), "utf8")).toMatch(/^<!doctype html>/i);
      expect(flagged.stdout).toContain("elsewhere/report.html");
    } finally {
      await other.remove();
    }
  });

  it("applies the config to cxda run too", async () => {
    const run = await cxda(["run", "greeter", "--json"], { cwd: project.root });
    expect((JSON.parse(run.stdout) as { output: { greeting: string } }).output.greeting).toBe("hello from eu in production");
  });
});
