// Runs vitest in a child process on a temp project whose cases fail: vitest draws its own diff from the error's expected
// and actual, and points at the case in its JSON file (file:line:column), not at cxda's source.
import { writeFile } from "node:fs/promises";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { TempProject } from "../../helpers/temp-project.js";
import { createVitestProject, CXDA_VITEST, runVitest } from "../../helpers/vitest-project.js";

/** The case file, written by hand so the test knows where each case starts. */
const CASES = `[
  {
    "name": "the summary is expected word for word",
    "expect": { "output": { "summary": "The customer called about billing and was helped", "priority": "high", "apiKey": "k-test-1" } }
  },
    {
      "name": "the priority is expected high",
      "set": { "tier": "standard" },
      "expect": { "match": { "priority": "high" } }
    }
]
`;

const TRANSFORM = `export default function transform(trigger) {
  return { summary: "The customer called about shipping and was helped", priority: trigger.tier === "standard" ? "low" : "high", apiKey: "k-live-SECRET", extra: 1 };
}
`;

describe("a failing describeAction case under vitest", () => {
  let project: TempProject;
  let run: { code: number; output: string };
  /** vitest's printout of one test's failure, from its FAIL header to the next one. */
  const failureOf = (title: string): string => {
    const start = run.output.indexOf(`> ${title}`);
    const next = run.output.indexOf(" FAIL ", start + 1);
    return start < 0 ? "" : run.output.slice(start, next < 0 ? undefined : next);
  };

  beforeAll(async () => {
    project = await createVitestProject();
    const root = project.root;
    await project.addAction("actions/calls", {
      definition: { id: "da-calls", schema: { input: true, output: { type: "object" } } },
      transform: TRANSFORM,
      trigger: { tier: "premium" },
      cases: { "wrong.json": CASES },
    });
    await writeFile(join(root, "tests", "calls.test.ts"), `import { describeAction } from ${CXDA_VITEST};\ndescribeAction("actions/calls");\n`);
    run = await runVitest(root, [], { CI: "1" });
  }, 180_000);

  afterAll(async () => {
    await project?.remove();
  });

  it("fails both cases", () => {
    expect(run.code).toBe(1);
    expect(run.output).toMatch(/Tests\s+2 failed \(2\)/);
  });

  it("draws vitest's diff of the whole expected output against the output, secrets redacted", () => {
    const failure = failureOf("the summary is expected word for word");
    expect(failure).toContain("- Expected");
    expect(failure).toContain("+ Received");
    expect(failure).toContain('-   "summary": "The customer called about billing and was helped",');
    expect(failure).toContain('+   "summary": "The customer called about shipping and was helped",');
    expect(failure).toContain('+   "extra": 1,');
    expect(failure).not.toContain("k-live-SECRET");
    expect(failure).not.toContain("k-test-1");
  });

  it("for a partial match, diffs only the keys the case names", () => {
    const failure = failureOf("the priority is expected high");
    expect(failure).toContain('-   "priority": "high",');
    expect(failure).toContain('+   "priority": "low",');
    expect(failure).not.toContain("summary");
  });

  it("points the stack at each case's object in its JSON file, not at cxda's source", () => {
    const first = failureOf("the summary is expected word for word");
    expect(first).toMatch(/❯ the summary is expected word for word actions\/calls\/cases\/wrong\.json:2:3/);
    expect(failureOf("the priority is expected high")).toMatch(/❯ the priority is expected high actions\/calls\/cases\/wrong\.json:6:5/);
    expect(first).not.toMatch(/src\/vitest\/describe-action\.ts/);
    expect(first).toContain("at actions/calls/cases/wrong.json:2:3");
  });
});
