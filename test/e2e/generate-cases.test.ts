// cxda test --generate / --invalid as a user runs it: generated cases run, failures name their replay, and can be saved.
import { copyFile, readdir } from "node:fs/promises";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { caseTitles, cxda } from "../helpers/run-cli.js";
import { createTempProject, EXAMPLE_DIR, exampleDefinition, type TempProject } from "../helpers/temp-project.js";

describe("cxda test --generate", () => {
  let project: TempProject;
  let flaky: string;
  beforeAll(async () => {
    project = await createTempProject();
    flaky = await project.addAction("flaky", {
      definition: await exampleDefinition(),
      // Fails for about half of the generated triggers: those whose triggerId ends in an even digit.
      transform:
        "export default function t(trigger) { if (/[02468]$/.test(trigger.triggerId)) throw new Error('even trigger ' + trigger.triggerId); return { recordId: 'rec-' + trigger.interaction.id, customerId: 'C', issueCategory: 'general', priority: 'standard', resolutionScore: 0, processedAt: trigger.timestamp }; }",
    });
  });
  afterAll(async () => {
    await project.remove();
  });

  it("adds valid generated triggers and single-rule mutations to the example, and they all pass", async () => {
    const run = await cxda(["test", EXAMPLE_DIR, "--generate", "50", "--seed", "7", "--invalid"]);
    expect(run.code).toBe(0);
    const titles = caseTitles(run.stdout);
    expect(titles.filter((t) => /› generated #\d+ \(seed 7\)$/.test(t))).toHaveLength(50);
    expect(titles.filter((t) => t.includes("generated invalid #")).length).toBeGreaterThan(5);
  });

  it("gives the same cases for the same seed, and others for another seed", async () => {
    const [a, b, c] = await Promise.all([
      cxda(["test", flaky, "--generate", "20", "--seed", "3", "--json"]),
      cxda(["test", flaky, "--generate", "20", "--seed", "3", "--json"]),
      cxda(["test", flaky, "--generate", "20", "--seed", "4", "--json"]),
    ]);
    const statuses = (run: { stdout: string }) =>
      (JSON.parse(run.stdout) as { results: Array<{ case: string; status: string; error?: { message: string } }> }).results.map(
        (r) => `${r.case} ${r.status} ${r.error?.message ?? ""}`,
      );
    expect(statuses(a)).toEqual(statuses(b));
    expect(statuses(a)).not.toEqual(statuses(c));
  });

  it("gives identical results with 1 and with 2 workers, and a failing case carries the trigger its worker generated", async () => {
    const [one, two] = await Promise.all([
      cxda(["test", flaky, "--generate", "40", "--seed", "5", "--json", "--workers", "1"]),
      cxda(["test", flaky, "--generate", "40", "--seed", "5", "--json", "--workers", "2"]),
    ]);
    type Run = { results: Array<{ case: string; status: string; output?: unknown; trigger?: { triggerId: string }; error?: { message: string } }> };
    const results = (run: { stdout: string }) => (JSON.parse(run.stdout) as Run).results;
    const comparable = (run: { stdout: string }) =>
      results(run).map(({ case: name, status, output, trigger, error }) => ({ name, status, output, trigger, error: error?.message }));
    expect(comparable(one)).toEqual(comparable(two));
    const failed = results(one).filter((r) => r.status !== "pass");
    expect(failed.length).toBeGreaterThan(0);
    for (const result of failed) expect(result.error?.message).toContain(`even trigger ${result.trigger?.triggerId}`);
    // Passing cases come without a trigger: it was never sent back.
    expect(
      results(one)
        .filter((r) => r.status === "pass")
        .every((r) => r.trigger === undefined),
    ).toBe(true);
  });

  it("names the seed and index of a failing generated case and saves it as a case file that fails the same way", async () => {
    const saveDir = join(project.root, "saved");
    const run = await cxda(["test", flaky, "--generate", "20", "--seed", "3", "--save-failures", saveDir]);
    expect(run.code).toBe(1);
    expect(run.stdout).toMatch(/! da-test-12345 › generated #\d+ \(seed 3\)/);
    expect(run.stdout).toMatch(/at --generate 20 --seed 3, case #\d+/);
    const files = await readdir(join(saveDir, "da-test-12345", "cases"));
    const failures = caseTitles(run.stdout).filter((t) => run.stdout.includes(`! ${t}`));
    expect(files).toHaveLength(failures.length);
    expect(run.stdout).toContain("saved failing generated case:");

    // The saved cases replay on their own, against the same action.
    const replayDir = join(saveDir, "da-test-12345");
    await copyFile(join(flaky, "definition.json"), join(replayDir, "definition.json"));
    await copyFile(join(flaky, "transform.ts"), join(replayDir, "transform.ts"));
    const replay = await cxda(["test", replayDir]);
    expect(replay.stdout).toMatch(new RegExp(`^0 passed, ${files.length} failed$`, "m"));
    expect(replay.stdout).toMatch(/the transform threw Error: even trigger/);
  });

  it("saves failing generated cases also when a report makes the main thread build the triggers", async () => {
    // --html turns on the event bus, which needs each trigger on the main thread: those are built there, not in the workers.
    const saveDir = join(project.root, "saved-html");
    const run = await cxda([
      "test",
      flaky,
      "--generate",
      "12",
      "--seed",
      "3",
      "--save-failures",
      saveDir,
      "--html",
      "--reports-dir",
      join(project.root, "reports-html"),
    ]);
    expect(run.code).toBe(1);
    const failures = caseTitles(run.stdout).filter((t) => run.stdout.includes(`! ${t}`));
    expect(failures.length).toBeGreaterThan(0);
    expect(await readdir(join(saveDir, "da-test-12345", "cases"))).toHaveLength(failures.length);
  });
});
