// Runs the built CLI as a user would: real processes, real files, exit codes and output checked.
import { writeFile } from "node:fs/promises";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { cxda } from "../helpers/run-cli.js";
import { createTempProject, EXAMPLE_DIR, exampleDefinition, type TempProject } from "../helpers/temp-project.js";

describe("cxda test", () => {
  it("runs the example: one line per case, a summary line, exit 0", async () => {
    const run = await cxda(["test", "examples/billing-callback"]);
    expect(run.stderr).toBe("");
    expect(run.code).toBe(0);
    const caseLines = run.stdout.split("\n").filter((line) => line.startsWith("✓ ") || line.startsWith("✗ ") || line.startsWith("! "));
    expect(caseLines).toHaveLength(14);
    expect(run.stdout).toMatch(/^14 passed, 0 failed$/m);
  });

  it("prints one JSON object with a summary and every result", async () => {
    const run = await cxda(["test", "examples/billing-callback", "--json"]);
    expect(run.code).toBe(0);
    const report = JSON.parse(run.stdout) as {
      summary: { total: number; passed: number; failed: number };
      results: Array<{ action: string; case: string; status: string; trace: { steps: Array<{ step: string }> } }>;
    };
    expect(report.summary).toMatchObject({ total: 14, passed: 14, failed: 0 });
    expect(report.results[0]).toMatchObject({ action: "da-test-12345", status: "pass" });
    expect(report.results[0]?.trace.steps.map((s) => s.step)).toEqual(["load-definition", "validate-input", "execute", "validate-output", "compare"]);
  });

  describe("with a project that has problems", () => {
    let project: TempProject;
    beforeAll(async () => {
      project = await createTempProject();
      const transform = await import("node:fs/promises").then((fs) => fs.readFile(join(EXAMPLE_DIR, "transform.ts"), "utf8"));
      await project.addAction("billing", {
        definition: await exampleDefinition(),
        transform,
        trigger: JSON.parse(await import("node:fs/promises").then((fs) => fs.readFile(join(EXAMPLE_DIR, "trigger.json"), "utf8"))) as Record<
          string,
          unknown
        >,
        cases: {
          "a.json": [
            { name: "score as a string", set: { "data.customFields.resolutionScore": "87" } },
            { name: "fine" },
            { name: "typo", expect: { mtach: {} } },
          ],
        },
      });
      await project.addAction("broken-definition", {
        definition: '{\n  "id": "x",\n  "schema": {,\n}',
        transform: "export default () => ({})",
        cases: { "a.json": { name: "anything" } },
      });
    });
    afterAll(async () => {
      await project.remove();
    });

    it("reports the wrong type with path, keyword and actual value, runs the rest, and exits 1", async () => {
      const run = await cxda(["test", project.root]);
      expect(run.code).toBe(1);
      expect(run.stdout).toContain('output /resolutionScore: must be integer, got string "87"');
      expect(run.stdout).toMatch(/✓ da-test-12345 › fine/);
      expect(run.stdout).toMatch(/unknown key "mtach" \(did you mean "match"\?\)/);
      expect(run.stdout).toMatch(/definition\.json:3:14: malformed JSON/);
      expect(run.stdout).toMatch(/^1 passed, 3 failed$/m);
    });

    it("gives the issue as data in --json", async () => {
      const run = await cxda(["test", join(project.root, "billing"), "--json"]);
      const report = JSON.parse(run.stdout) as { results: Array<{ case: string; issues: unknown[]; error?: { code: string } }> };
      const wrong = report.results.find((r) => r.case === "score as a string");
      expect(wrong?.issues).toEqual([
        { side: "output", path: "/resolutionScore", keyword: "type", expected: "integer", actual: "87", message: 'must be integer, got string "87"' },
      ]);
      expect(report.results.find((r) => r.case === "typo")?.error?.code).toBe("E_CASE");
    });
  });

  it("exits 2 with a clear message for a missing folder", async () => {
    const run = await cxda(["test", "no/such/folder"]);
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(/cxda: E_USAGE no\/such\/folder: no such folder/);
    expect(run.stderr).not.toMatch(/\n\s+at /);
  });

  it("exits 2 for an unknown option", async () => {
    const run = await cxda(["test", "--frobnicate"]);
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(/unknown option '--frobnicate'/);
  });

  it.each([
    [["--timeout", "600001"], "--timeout must be a whole number from 1 to 600000"],
    [["--memory", "1000000"], "--memory must be a whole number from 16 to 32768"],
    [["--generate", "100001"], "--generate must be a whole number from 0 to 100000"],
  ])("exits 2 for %j, saying the range, before running anything", async (args, message) => {
    const run = await cxda(["test", EXAMPLE_DIR, ...args]);
    expect(run.code).toBe(2);
    expect(run.stderr).toContain(`cxda: E_USAGE ${message}`);
    expect(run.stdout).toBe("");
  });
});

describe("cxda run", () => {
  it("prints output, issues and the trace for one trigger", async () => {
    const run = await cxda(["run", "examples/billing-callback", "--set", 'data.customFields.resolutionScore="87"']);
    expect(run.code).toBe(1);
    expect(run.stdout).toContain('"resolutionScore": "87"');
    expect(run.stdout).toContain('output /resolutionScore: must be integer, got string "87"');
    for (const step of ["load-definition", "validate-input", "execute", "validate-output", "compare"]) expect(run.stdout).toContain(step);
    expect(run.stdout).toMatch(/built record rec-i-774421 priority high/);
  });

  it("reads the payload from stdin and injects variables", async () => {
    const trigger = JSON.parse(await import("node:fs/promises").then((fs) => fs.readFile(join(EXAMPLE_DIR, "trigger.json"), "utf8"))) as Record<
      string,
      unknown
    >;
    const run = await cxda(["run", "examples/billing-callback", "--payload", "-", "--json", "--var", "region=eu"], {
      input: JSON.stringify(trigger),
    });
    expect(run.code).toBe(0);
    const result = JSON.parse(run.stdout) as { status: string; output: { recordId: string } };
    expect(result.status).toBe("pass");
    expect(result.output.recordId).toBe("rec-i-774421");
  });

  it("exits 2 on a malformed payload file, naming line and column", async () => {
    const project = await createTempProject();
    const file = join(project.root, "bad.json");
    await writeFile(file, '{\n  "a": tru\n}');
    const run = await cxda(["run", "examples/billing-callback", "--payload", file]);
    await project.remove();
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(/bad\.json:2:\d+: malformed JSON/);
  });

  it("runs an action whose input is not a CXone trigger, without trigger.json, on a trigger generated from its input schema, the same each time", async () => {
    const project = await createTempProject();
    try {
      const dir = await project.addAction("genesys-like", {
        definition: {
          id: "lookup-contact",
          schema: {
            input: {
              type: "object",
              required: ["email", "conversationId"],
              properties: { email: { type: "string", format: "email" }, conversationId: { type: "string" } },
            },
            output: { type: "object" },
          },
        },
        transform: "export default (t) => ({ echoed: t.email });",
      });
      const first = await cxda(["run", dir, "--json"]);
      const again = await cxda(["run", dir, "--json"]);
      const other = await cxda(["run", dir, "--json", "--seed", "another"]);
      expect(first.code).toBe(0);
      expect(first.stderr).toMatch(/trigger: generated from the input schema with seed "cxda run"/);
      const output = (run: { stdout: string }): { echoed: string } => (JSON.parse(run.stdout) as { output: { echoed: string } }).output;
      expect(output(first).echoed).toMatch(/@/);
      expect(output(again)).toEqual(output(first));
      expect(output(other)).not.toEqual(output(first));
    } finally {
      await project.remove();
    }
  });

  it("exits 2 on a payload file that holds a key twice, naming it and its place", async () => {
    const project = await createTempProject();
    const file = join(project.root, "twice.json");
    await writeFile(file, '{\n  "contact": {},\n  "contact": { "id": "c-1" }\n}');
    const run = await cxda(["run", "examples/billing-callback", "--payload", file]);
    await project.remove();
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(/twice\.json:3:3: contact: the key "contact" appears twice in one object/);
  });

  it("exits 2 on a --set without =", async () => {
    const run = await cxda(["run", "examples/billing-callback", "--set", "tier"]);
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(/--set/);
  });
});

describe("cxda demo", () => {
  it("pulls the example through OAuth from the emulator into the cache and runs its cases offline", async () => {
    const project = await createTempProject();
    try {
      const run = await cxda(["demo"], { cwd: project.root });
      expect(run.code).toBe(0);
      expect(run.stdout).toMatch(/started the platform emulator at http:\/\/127\.0\.0\.1:\d+/);
      expect(run.stdout).toMatch(/pulled da-test-12345 \(version 3, fetched\) through OAuth client credentials/);
      expect(run.stdout).toMatch(/^14 passed, 0 failed$/m);
      const cached = JSON.parse(
        await import("node:fs/promises").then((fs) => fs.readFile(join(project.root, ".cxda", "cache", "da-test-12345.json"), "utf8")),
      ) as { version: number };
      expect(cached.version).toBe(3);
      const again = await cxda(["demo"], { cwd: project.root });
      expect(again.stdout).toMatch(/\(version 3, not-modified\)/);
    } finally {
      await project.remove();
    }
  });
});

describe("cxda test --parity", () => {
  it("exits 3, a platform error, when the platform refuses the credentials", async () => {
    const { startEmulator } = await import("../../src/emulator/emulator.js");
    const emulator = await startEmulator({ definitions: join(EXAMPLE_DIR, "..") });
    try {
      const env = {
        CXONE_API_URL: emulator.env.CXONE_API_URL ?? "",
        CXONE_CLIENT_ID: emulator.env.CXONE_CLIENT_ID ?? "",
        CXONE_CLIENT_SECRET: "not-the-secret",
      };
      const run = await cxda(["test", EXAMPLE_DIR, "--parity", "--offline"], { env });
      expect(run.code).toBe(3);
      expect(run.stdout).toMatch(/E_AUTH parity: could not run the case on the platform/);
      expect(run.stdout + run.stderr).not.toContain("not-the-secret");
    } finally {
      await emulator.close();
    }
  });
});
