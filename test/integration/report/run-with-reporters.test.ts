// runWithReporters on the example with the measuring reporters: the profile's default interval, coverage beside it,
// and the caller's own onInstrumentation kept beside the reporters'.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { join } from "node:path";
import type { ActionInstrumentation } from "../../../src/runner/run-cases.js";
import { runWithReporters } from "../../../src/report/report-session.js";
import { coverageReporter } from "../../../src/report/reporters/coverage-reporter.js";
import { profileReporter } from "../../../src/report/reporters/profile-reporter.js";
import type { RunFindings } from "../../../src/report/reporter.js";
import { createTempProject, EXAMPLE_DIR, type TempProject } from "../../helpers/temp-project.js";

describe("runWithReporters with the coverage and profile reporters", () => {
  let project: TempProject;
  beforeAll(async () => {
    project = await createTempProject();
  });
  afterAll(async () => {
    await project?.remove();
  });

  it("profiles at the default interval, measures coverage in the same run, and still calls the caller's onInstrumentation", async () => {
    const reportsDir = join(project.root, "reports");
    const theirs: ActionInstrumentation[] = [];
    let findings: RunFindings = {};
    const outcome = await runWithReporters({ actions: [EXAMPLE_DIR], onInstrumentation: (data) => void theirs.push(data) }, [
      coverageReporter({ reportsDir }),
      profileReporter({ reportsDir }),
      { name: "findings", onRunEnd: (_summary, context) => void (findings = context.findings) },
    ]);
    expect(outcome).toMatchObject({ ok: true, summary: { total: 14, passed: 14 } });
    expect(theirs.length).toBeGreaterThan(0);
    expect(theirs.filter((data) => data.problem !== undefined)).toEqual([]);
    expect(findings.coverage?.files.length).toBeGreaterThan(0);
    expect(findings.profiles?.map((profile) => profile.action)).toEqual(["da-test-12345"]);
  }, 120_000);
});
