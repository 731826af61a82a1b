// cxda check, as a user runs it: the built CLI on temp projects, clean and with typos, in text and --json, and its exit codes.
import { writeFile } from "node:fs/promises";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { cxda } from "../helpers/run-cli.js";
import { createTempProject, type TempProject } from "../helpers/temp-project.js";

const transform = "export default (trigger) => ({ priority: String(trigger.level ?? 'standard') });";

/** A definition whose output schema has `priority` with the given keywords. */
function definition(priority: Record<string, unknown>): Record<string, unknown> {
  return {
    id: "prio",
    inputSchema: { type: "object" },
    outputSchema: { type: "object", required: ["priority"], properties: { priority: { type: "string", ...priority } } },
  };
}

/** `line:column` of the first `needle` in the JSON text temp projects write (`JSON.stringify(value, null, 2)`). */
function placeOf(value: unknown, needle: string): string {
  const lines = JSON.stringify(value, null, 2).split("\n");
  const line = lines.findIndex((text) => text.includes(needle));
  return `${line + 1}:${(lines[line]?.indexOf(needle) ?? 0) + 1}`;
}

const passing = { name: "standard", payload: {}, expect: { output: { priority: "standard" } } };

interface JsonReport {
  findings: Array<Record<string, unknown>>;
  summary: { actions: number; errors: number; warnings: number };
}

describe("cxda check", () => {
  let clean: TempProject;
  let typo: TempProject;
  beforeAll(async () => {
    clean = await createTempProject();
    await clean.addAction("actions/prio", { definition: definition({ minLength: 1 }), transform, cases: { "a.json": passing } });
    typo = await createTempProject();
    await typo.addAction("actions/prio", { definition: definition({ minLenght: 1 }), transform, cases: { "a.json": passing } });
  });
  afterAll(async () => {
    await clean.remove();
    await typo.remove();
  });

  it("exits 0 on a clean project, checking the config's actions folder by default", async () => {
    const run = await cxda(["check"], { cwd: clean.root });
    expect(run.code).toBe(0);
    expect(run.stdout.trim()).toBe("0 errors, 0 warnings in 1 action");
  });

  it("exits 1 on minLenght, naming file:line:column, the JSON path and minLength", async () => {
    const run = await cxda(["check"], { cwd: typo.root });
    expect(run.code).toBe(1);
    expect(run.stdout).toContain(
      `${join("actions", "prio", "definition.json")}:${placeOf(definition({ minLenght: 1 }), '"minLenght"')} outputSchema/properties/priority/minLenght: unknown keyword "minLenght"`,
    );
    expect(run.stdout).toContain('(did you mean "minLength"?)');
    expect(run.stdout).toMatch(/^1 error, 0 warnings in 1 action$/m);
  });

  it("makes cxda test fail on the same definition, naming the path and minLength (regression: the typo switched the check off)", async () => {
    const run = await cxda(["test"], { cwd: typo.root });
    expect(run.code).toBe(1);
    expect(`${run.stdout}${run.stderr}`).toContain('outputSchema/properties/priority/minLenght: unknown keyword "minLenght"');
    expect(`${run.stdout}${run.stderr}`).toContain('did you mean "minLength"?');
  });

  it('lowers definition findings to warnings with strict: "warn", exit 0, and cxda test runs', async () => {
    const project = await createTempProject();
    try {
      await project.addAction("actions/prio", { definition: definition({ minLenght: 1 }), transform, cases: { "a.json": passing } });
      await writeFile(join(project.root, "cxda.config.json"), JSON.stringify({ strict: "warn" }));
      const run = await cxda(["check"], { cwd: project.root });
      expect(run.code).toBe(0);
      expect(run.stdout).toContain(
        `! ${join("actions", "prio", "definition.json")}:${placeOf(definition({ minLenght: 1 }), '"minLenght"')} outputSchema/properties/priority/minLenght`,
      );
      expect(run.stdout).toMatch(/^0 errors, 1 warning in 1 action$/m);
      const test = await cxda(["test"], { cwd: project.root });
      expect(test.code).toBe(0);
      // The run says so too, once for the action, not once per case.
      expect(test.stdout).toContain("⚠ prio: 1 warning in its definition");
      expect(
        test.stdout.match(/outputSchema\/properties\/priority\/minLenght: unknown keyword "minLenght".*\(did you mean "minLength"\?\)/g),
      ).toHaveLength(1);
    } finally {
      await project.remove();
    }
  });

  it("prints { findings, summary } with --json", async () => {
    const run = await cxda(["check", "--json"], { cwd: typo.root });
    expect(run.code).toBe(1);
    const report = JSON.parse(run.stdout) as JsonReport;
    expect(report.summary).toEqual({ actions: 1, errors: 1, warnings: 0 });
    const [line, column] = placeOf(definition({ minLenght: 1 }), '"minLenght"')
      .split(":")
      .map(Number);
    expect(report.findings).toEqual([
      {
        severity: "error",
        code: "unknown-keyword",
        file: join("actions", "prio", "definition.json"),
        path: "outputSchema/properties/priority/minLenght",
        line,
        column,
        message: 'unknown keyword "minLenght": JSON Schema draft-07 does not define it, so it checks nothing',
        hint: 'did you mean "minLength"?',
      },
    ]);
  });

  it("checks case files, transforms and the config too, each at its place", async () => {
    const project = await createTempProject();
    const cases = [passing, { name: "typo", exepct: {} }];
    try {
      await project.addAction("actions/prio", {
        definition: definition({}),
        transform: "export default (trigger) => ({ priority: 'x' ;\n",
        cases: { "a.json": cases },
      });
      await writeFile(join(project.root, "cxda.config.json"), JSON.stringify({ timeout: 5 }));
      const run = await cxda(["check", "--json"], { cwd: project.root });
      expect(run.code).toBe(1);
      const report = JSON.parse(run.stdout) as JsonReport;
      expect(report.findings.map((f) => [f["code"], f["file"], f["line"], f["path"] ?? null, f["message"]])).toEqual([
        ["E_CONFIG", "cxda.config.json", undefined, "timeout", expect.stringContaining('unknown key "timeout" (did you mean "timeoutMs"?)')],
        // The case's object starts on the line before its name.
        [
          "E_CASE",
          join("actions", "prio", "cases", "a.json"),
          Number(placeOf(cases, '"typo"').split(":")[0]) - 1,
          null,
          expect.stringContaining('case "typo": unknown key "exepct" (did you mean "expect"?)'),
        ],
        ["E_COMPILE", join("actions", "prio", "transform.ts"), 1, null, expect.stringContaining("the transform does not compile")],
      ]);
    } finally {
      await project.remove();
    }
  });

  it("reports a definition and a case file saved as Latin-1 at the byte that is not UTF-8, instead of reading U+FFFD into an enum", async () => {
    const project = await createTempProject();
    try {
      await project.addAction("actions/prio", { definition: definition({}), transform, cases: { "a.json": passing } });
      const latin1 = (text: string): Buffer => Buffer.from(text, "latin1");
      await writeFile(
        join(project.root, "actions", "prio", "definition.json"),
        latin1(JSON.stringify(definition({ enum: ["standard", "prioritaire élevée"] }), null, 2)),
      );
      await writeFile(join(project.root, "actions", "prio", "cases", "b.json"), latin1('{\n  "name": "café",\n  "payload": {}\n}\n'));
      const run = await cxda(["check", "--json"], { cwd: project.root });
      expect(run.code).toBe(1);
      const report = JSON.parse(run.stdout) as JsonReport;
      const place = placeOf(definition({ enum: ["standard", "prioritaire élevée"] }), "é");
      expect(report.findings.map((f) => [f["code"], f["file"], `${String(f["line"])}:${String(f["column"])}`, f["message"]])).toEqual([
        ["E_DEFINITION", join("actions", "prio", "definition.json"), place, expect.stringMatching(/^not UTF-8: byte 0xE9 .*save it as UTF-8/)],
        ["E_CASE", join("actions", "prio", "cases", "b.json"), "2:15", expect.stringMatching(/^not UTF-8: byte 0xE9/)],
      ]);
      const test = await cxda(["test"], { cwd: project.root });
      expect(test.code).toBe(1);
      expect(`${test.stdout}${test.stderr}`).toContain("not UTF-8: byte 0xE9");
    } finally {
      await project.remove();
    }
  });

  it('names a problem inside a case as case "name", expect: … instead of (case "name").expect: …', async () => {
    const project = await createTempProject();
    const cases = [passing, { name: "valid typo", payload: {}, expect: { vaild: true } }];
    try {
      await project.addAction("actions/prio", { definition: definition({}), transform, cases: { "a.json": cases } });
      const run = await cxda(["check"], { cwd: project.root });
      expect(run.code).toBe(1);
      expect(run.stdout).toContain(': case "valid typo", expect: unknown key "vaild" (did you mean "valid"?)');
      expect(run.stdout).not.toContain("(case ");
    } finally {
      await project.remove();
    }
  });

  it("exits 2 for a path that does not exist, and for an unknown flag", async () => {
    const missing = await cxda(["check", "nowhere"], { cwd: clean.root });
    expect(missing.code).toBe(2);
    expect(missing.stderr).toContain("nowhere: no such folder");
    expect((await cxda(["check", "--strikt"], { cwd: clean.root })).code).toBe(2);
  });
});
