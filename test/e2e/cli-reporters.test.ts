// The built CLI's CI features: JUnit and JSON files, shards, filter and bail.
import { readFile } from "node:fs/promises";
import { join } from "node:path";
import { XMLParser } from "fast-xml-parser";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { caseTitles, cxda } from "../helpers/run-cli.js";
import { createTempProject, EXAMPLE_DIR, type TempProject } from "../helpers/temp-project.js";

describe("cxda test in CI", () => {
  let project: TempProject;
  beforeAll(async () => {
    project = await createTempProject();
  });
  afterAll(async () => {
    await project.remove();
  });

  it("runs each case exactly once across --shard 1/3, 2/3 and 3/3", async () => {
    const all = caseTitles((await cxda(["test", EXAMPLE_DIR])).stdout);
    const shards = await Promise.all([1, 2, 3].map((i) => cxda(["test", EXAMPLE_DIR, "--shard", `${i}/3`])));
    const union = shards.flatMap((s) => caseTitles(s.stdout));
    expect(all).toHaveLength(14);
    expect([...union].sort()).toEqual([...all].sort());
    for (const shard of shards) expect(shard.code).toBe(0);
  });

  it("writes JUnit XML that names the failing and erroring cases", async () => {
    const dir = await project.addAction("mixed", {
      definition: { id: "mixed", schema: { input: { type: "object" }, output: { type: "object", properties: { score: { type: "integer" } } } } },
      transform: "export default function t(trigger) { if (trigger.hang) for (;;) {} return { score: trigger.score }; }",
      cases: {
        "a.json": [
          { name: "good", payload: { score: 1 } },
          { name: "string score", payload: { score: "87" } },
          { name: "hangs", payload: { hang: true } },
        ],
      },
    });
    const file = join(project.root, "out", "junit.xml");
    const run = await cxda(["test", dir, "--timeout", "300", "--reporter", "default", "--reporter", "junit", "--output-file", `junit=${file}`]);
    expect(run.code).toBe(1);
    expect(run.stdout).toContain(`wrote ${file}`);
    const doc = new XMLParser({ ignoreAttributes: false, attributeNamePrefix: "" }).parse(await readFile(file, "utf8")) as {
      testsuites: {
        tests: string;
        failures: string;
        errors: string;
        testsuite: { name: string; testcase: Array<{ name: string; failure?: { message: string }; error?: { type: string } }> };
      };
    };
    expect(doc.testsuites).toMatchObject({ tests: "3", failures: "1", errors: "1" });
    const cases = doc.testsuites.testsuite.testcase;
    expect(cases.find((c) => c.name === "string score")?.failure?.message).toBe('output /score: must be integer, got string "87"');
    expect(cases.find((c) => c.name === "hangs")?.error?.type).toBe("E_TIMEOUT");
    expect(cases.find((c) => c.name === "good")?.failure).toBeUndefined();
  });

  it("writes the JSON report to a file while the console keeps its lines", async () => {
    const file = join(project.root, "run.json");
    const run = await cxda(["test", EXAMPLE_DIR, "--reporter", "default,json", "--output-file", `json=${file}`]);
    expect(caseTitles(run.stdout)).toHaveLength(14);
    const report = JSON.parse(await readFile(file, "utf8")) as { summary: { total: number } };
    expect(report.summary.total).toBe(14);
  });

  it("prints one mark per case with --reporter dot, then the counts", async () => {
    const run = await cxda(["test", EXAMPLE_DIR, "--reporter", "dot"]);
    expect(run.code).toBe(0);
    expect(caseTitles(run.stdout)).toEqual([]);
    expect(run.stdout).toMatch(/^\.{14}\n\n14 cases in \d+ ms\n14 passed, 0 failed\n$/);
  });

  it("fails a run whose filter selects no case, showing the /regex/ form, unless --pass-with-no-cases", async () => {
    const none = await cxda(["test", EXAMPLE_DIR, "--filter", "a|b"]);
    expect(none.code).toBe(1);
    expect(none.stdout).toContain('--filter "a|b" matched no "action › case" title (it is plain text; a regular expression is written /a|b/)');
    expect(none.stdout).toContain("--pass-with-no-cases");
    const allowed = await cxda(["test", EXAMPLE_DIR, "--filter", "a|b", "--pass-with-no-cases"]);
    expect(allowed.code).toBe(0);
    const shard = await cxda(["test", EXAMPLE_DIR, "--filter", "a|b", "--shard", "1/2"]);
    expect(shard.code).toBe(1);
    expect(shard.stdout).toContain("/a|b/), or the shard 1/2 holds no case");
  });

  it("takes --outputFile as vitest spells it, and counts one case in the singular", async () => {
    const file = join(project.root, "one.xml");
    const run = await cxda(["test", EXAMPLE_DIR, "--filter", "premium billing", "--reporter", "junit", "--outputFile", file]);
    expect(run.code).toBe(0);
    expect(run.stdout).toMatch(/^1 case in \d+ ms$/m);
    expect(await readFile(file, "utf8")).toContain('tests="1"');
  });

  it("filters by title and stops at the first failure with --bail", async () => {
    const filtered = await cxda(["test", EXAMPLE_DIR, "--filter", "trap:"]);
    expect(caseTitles(filtered.stdout)).toHaveLength(5);
    const dir = await project.addAction("failing", {
      definition: { id: "failing", schema: { input: { type: "object" }, output: { type: "string" } } },
      transform: "export default () => 1",
      cases: { "a.json": [{ name: "one" }, { name: "two" }, { name: "three" }] },
    });
    const bailed = await cxda(["test", dir, "--bail"]);
    expect(bailed.code).toBe(1);
    expect(caseTitles(bailed.stdout)).toEqual(["failing › one"]);
    expect(bailed.stdout).toMatch(/stopped after 1 failed case \(--bail\)/);
  });

  it("keeps secret-looking values out of the JSON and JUnit files and --json", async () => {
    const dir = await project.addAction("leaky", {
      definition: { id: "leaky", schema: { input: { type: "object" }, output: { type: "object", properties: { apiToken: { type: "integer" } } } } },
      transform:
        "export default function t(trigger) { console.log('token is', trigger.apiToken); if (trigger.fail) throw new Error('bad token ' + trigger.apiToken); return { apiToken: trigger.apiToken }; }",
      cases: {
        "a.json": [
          { name: "leaks", payload: { apiToken: "s3cr3t-value-123" }, expect: { output: { apiToken: "other-s3cr3t" } } },
          { name: "throws", payload: { apiToken: "s3cr3t-value-123", fail: true } },
          { name: "throws otherwise", payload: { apiToken: "s3cr3t-value-123", fail: true }, expect: { throws: "timeout" } },
        ],
      },
    });
    const junit = join(project.root, "leaky-junit.xml");
    const json = join(project.root, "leaky.json");
    const run = await cxda(["test", dir, "--reporter", "default,json,junit", "--output-file", `junit=${junit}`, "--output-file", `json=${json}`]);
    const stdoutJson = await cxda(["test", dir, "--json"]);
    expect(run.code).toBe(1);
    for (const text of [run.stdout, run.stderr, await readFile(junit, "utf8"), await readFile(json, "utf8"), stdoutJson.stdout]) {
      expect(text).not.toContain("s3cr3t");
    }
  });

  it("rejects an unknown reporter and a bad shard with exit 2", async () => {
    expect((await cxda(["test", EXAMPLE_DIR, "--reporter", "tap"])).stderr).toMatch(/--reporter tap: unknown reporter/);
    const shard = await cxda(["test", EXAMPLE_DIR, "--shard", "4/3"]);
    expect(shard.code).toBe(2);
    expect(shard.stderr).toMatch(/--shard must be i\/n/);
  });
});
