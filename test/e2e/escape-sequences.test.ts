// Escape sequences in case names, logs, errors, validation messages and paths reach the terminal as text, never as
// commands; JSON output and report files keep them exactly (issue 12, item 4).
import { existsSync } from "node:fs";
import { readFile } from "node:fs/promises";
import { execFile } from "node:child_process";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { CLI, cxda, type CliRun } from "../helpers/run-cli.js";
import { createTempProject, type TempProject } from "../helpers/temp-project.js";

/** A raw control character a terminal would act on: anything below space but tab and newline, DEL, and C1. */
// eslint-disable-next-line no-control-regex -- looking for control characters is the point
const RAW_CONTROL = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f]/;

const CLEAR = "\u001b[2J";
const TITLE = "\u001b]0;pwned\u0007";
const LINK = "\u001b]8;;https://evil.test\u0007click\u001b]8;;\u0007";
const NAMES = {
  throws: `throws ${CLEAR}${LINK}`,
  overwrites: `passes\rFAILED ${TITLE}`,
  invalid: `bad output \u009b31m\b\b`,
};

function expectNoRawControl(run: CliRun): void {
  expect(run.stdout).not.toMatch(RAW_CONTROL);
  expect(run.stderr).not.toMatch(RAW_CONTROL);
}

describe("escape sequences from a hostile action", () => {
  let project: TempProject;
  let dir: string;
  beforeAll(async () => {
    project = await createTempProject();
    dir = await project.addAction("hostile", {
      definition: {
        id: `hostile${TITLE}`,
        schema: { input: { type: "object" }, output: { type: "object", properties: { n: { type: "integer" } } } },
      },
      transform: [
        "export default function t(trigger) {",
        "  console.log('\\u001b]0;pwned\\u0007 logged');",
        "  if (trigger.mode === 'throw') throw new Error('boom \\u001b[2J\\u009b2J');",
        "  if (trigger.mode === 'invalid') return { n: 'not \\u009b31m a number' };",
        "  return { n: 1 };",
        "}",
      ].join("\n"),
      trigger: { mode: "pass" },
      cases: {
        [`a${CLEAR}.json`]: [
          { name: NAMES.throws, payload: { mode: "throw" } },
          { name: NAMES.overwrites, payload: { mode: "pass" } },
          { name: NAMES.invalid, payload: { mode: "invalid" } },
        ],
      },
    });
  });
  afterAll(async () => {
    await project.remove();
  });

  it("cxda test prints names, errors, validation messages and paths as visible escapes", async () => {
    const run = await cxda(["test", dir]);
    expect(run.code).toBe(1);
    expectNoRawControl(run);
    expect(run.stdout).toContain("throws \\u001b[2J\\u001b]8;;https://evil.test\\u0007click");
    expect(run.stdout).toContain("passes\\u000dFAILED \\u001b]0;pwned\\u0007");
    expect(run.stdout).toContain("boom \\u001b[2J\\u009b2J");
    expect(run.stdout).toContain("\\u009b31m");
    expect(run.stdout).toContain("a\\u001b[2J.json");
    expect(run.stdout).toContain("1 passed, 2 failed");
  });

  it("cxda test --reporter default,junit,json prints the same as text and keeps the data exact in the files", async () => {
    const json = join(project.root, "out", "run.json");
    const junit = join(project.root, "out", "junit.xml");
    const run = await cxda(["test", dir, "--reporter", "default,junit,json", "--output-file", `json=${json}`, "--output-file", `junit=${junit}`]);
    expect(run.code).toBe(1);
    expectNoRawControl(run);
    expect(run.stdout).toContain("throws \\u001b[2J");
    const report = JSON.parse(await readFile(json, "utf8")) as { results: Array<{ case: string; action: string; error?: { message: string } }> };
    expect(report.results.map((r) => r.case)).toEqual([NAMES.throws, NAMES.overwrites, NAMES.invalid]);
    expect(report.results[0]?.action).toBe(`hostile${TITLE}`);
    expect(report.results[0]?.error?.message).toContain("boom \u001b[2J\u009b2J");
    expect(existsSync(junit)).toBe(true);
  });

  it("cxda test --json prints JSON that parses to the exact names, messages and logs", async () => {
    const run = await cxda(["test", dir, "--json", "--reporter", "json", "--output-file", join(project.root, "full.json")]);
    expect(run.code).toBe(1);
    expectNoRawControl(run);
    const parsed = JSON.parse(run.stdout) as { results: Array<{ case: string; error?: { message: string }; logs: Array<{ message: string }> }> };
    expect(parsed.results.map((r) => r.case)).toEqual([NAMES.throws, NAMES.overwrites, NAMES.invalid]);
    expect(parsed.results[0]?.error?.message).toContain("boom \u001b[2J\u009b2J");
  });

  it("cxda run prints the transform's log line, error and output as visible escapes, and --json keeps them", async () => {
    const shown = await cxda(["run", dir, "--set", "mode=throw"]);
    expect(shown.code).toBe(1);
    expectNoRawControl(shown);
    expect(shown.stdout).toContain("\\u001b]0;pwned\\u0007 logged");
    expect(shown.stdout).toContain("boom \\u001b[2J\\u009b2J");
    const invalid = await cxda(["run", dir, "--set", "mode=invalid"]);
    expectNoRawControl(invalid);
    expect(invalid.stdout).toContain("not \\u009b31m a number");
    const json = await cxda(["run", dir, "--set", "mode=throw", "--json"]);
    expectNoRawControl(json);
    const result = JSON.parse(json.stdout) as { error: { message: string }; logs: Array<{ message: string }> };
    expect(result.logs.map((l) => l.message)).toEqual([`${TITLE} logged`]);
    expect(result.error.message).toContain("boom \u001b[2J\u009b2J");
  });

  it("the final error printer and commander's usage errors show escapes in paths and arguments", async () => {
    const missing = await cxda(["test", join(project.root, `missing${TITLE}`)]);
    expect(missing.code).toBe(2);
    expectNoRawControl(missing);
    expect(missing.stderr).toContain("missing\\u001b]0;pwned\\u0007");
    const unknown = await cxda(["test", `--x${CLEAR}`]);
    expect(unknown.code).toBe(2);
    expectNoRawControl(unknown);
    expect(unknown.stderr).toContain("--x\\u001b[2J");
  });

  // `script` gives the CLI a pseudo-terminal, so colour is on: cxda's own colours are there, nothing else is.
  it.skipIf(!existsSync("/usr/bin/script"))("on a colour terminal keeps cxda's colours and shows every other escape", async () => {
    const run = await new Promise<string>((resolve) => {
      const env: NodeJS.ProcessEnv = { ...process.env, TERM: "xterm-256color" };
      delete env.NO_COLOR;
      execFile(
        "/usr/bin/script",
        ["-q", "-e", "-c", `${JSON.stringify(process.execPath)} ${JSON.stringify(CLI)} test ${JSON.stringify(dir)}`, "/dev/null"],
        { env, timeout: 60_000 },
        (_error, stdout) => resolve(stdout),
      );
    });
    expect(run).toContain("\u001b[31m✗\u001b[39m");
    expect(run).toContain("throws \\u001b[2J");
    // eslint-disable-next-line no-control-regex -- cxda's own colours, and the CR the terminal puts before each LF
    const own = /\u001b\[(?:1|2|22|31|32|33|36|39)m|\r(?=\n)/g;
    expect(run.replace(own, "")).not.toMatch(RAW_CONTROL);
  });
});
