// `cxda demo` writes traces, coverage (html and lcov), a profile and the HTML report for the example, and says where.
import { readdir, stat } from "node:fs/promises";
import { join, relative } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { runDemoCommand } from "../../../src/cli/commands/demo.js";
import type { Terminal } from "../../../src/cli/terminal.js";
import { createTempProject, type TempProject } from "../../helpers/temp-project.js";

describe("cxda demo's reports", () => {
  let project: TempProject;
  let reports: string;
  let lines: string[];
  let code: number;

  beforeAll(async () => {
    project = await createTempProject();
    reports = join(project.root, "reports");
    lines = [];
    const terminal: Terminal = { color: false, out: (line = "") => void lines.push(line), err: (line = "") => void lines.push(line) };
    code = await runDemoCommand(terminal, { cacheDir: join(project.root, "cache"), reportsDir: reports });
  }, 60_000);
  afterAll(async () => {
    await project.remove();
  });

  it("passes and writes every report", async () => {
    expect(code).toBe(0);
    for (const file of [
      "report.html",
      "coverage/index.html",
      "coverage/lcov.info",
      "coverage/coverage-summary.json",
      "profiles/da-test-12345.cpuprofile",
      "traces.otlp.json",
    ]) {
      expect((await stat(join(reports, file))).size, file).toBeGreaterThan(0);
    }
    expect(await readdir(join(reports, "traces", "da-test-12345"))).toHaveLength(14);
  });

  it("ends by saying where the report and each artefact are", () => {
    const at = (...parts: string[]) => relative(process.cwd(), join(reports, ...parts));
    const text = lines.join("\n");
    expect(text).toContain(`Open ${at("report.html")} in a browser`);
    expect(text).toContain(`coverage  ${at("coverage", "index.html")} (lcov: ${at("coverage", "lcov.info")})`);
    expect(text).toContain(`profile   ${at("profiles", "da-test-12345.cpuprofile")}`);
    expect(text).toContain(`traces    ${at("traces", "da-test-12345")}/`);
    expect(text).toMatch(/^14 passed, 0 failed$/m);
  });
});
