// `cxda test` with the report flags, in-process: traces, OTLP, profiles, coverage, thresholds and the HTML report on disk.
import { readdir, readFile, stat } from "node:fs/promises";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { runTestCommand, type TestFlags } from "../../../src/cli/commands/test.js";
import type { Terminal } from "../../../src/cli/terminal.js";
import { CxdaError } from "../../../src/core/errors.js";
import type { TraceFile } from "../../../src/trace/trace-file.js";
import { OTLP_TRACES_SCHEMA, TRACE_FILE_SCHEMA } from "../../../src/trace/trace-schemas.js";
import { createValidator } from "../../../src/validation/create-validator.js";
import { createTempProject, EXAMPLE_DIR, REPO_ROOT, type TempProject } from "../../helpers/temp-project.js";

const FIXTURE = join(REPO_ROOT, "test", "fixtures", "coverage", "half-branches");

function captureTerminal(): Terminal & { lines: string[]; errors: string[] } {
  const lines: string[] = [];
  const errors: string[] = [];
  return { lines, errors, color: false, out: (line = "") => void lines.push(line), err: (line = "") => void errors.push(line) };
}

function flags(extra: Partial<TestFlags>): TestFlags {
  return { var: [], env: "sandbox", timeout: 5000, memory: 256, workers: 2, seed: "cxda", ...extra } as TestFlags;
}

describe("cxda test on the example with every report", () => {
  let project: TempProject;
  let reports: string;
  let terminal: ReturnType<typeof captureTerminal>;
  let exitCode: number;

  beforeAll(async () => {
    project = await createTempProject();
    reports = join(project.root, "out");
    terminal = captureTerminal();
    // Leaves out the one case that takes the `?? {}` of customFields, so coverage has an uncovered branch to report.
    const filter = "/^(?!.*without custom fields)/";
    exitCode = await runTestCommand(
      [EXAMPLE_DIR],
      flags({ trace: "payloads", otel: true, profile: true, coverage: true, html: true, reportsDir: reports, filter }),
      terminal,
    );
  });
  afterAll(async () => {
    await project.remove();
  });

  it("passes and writes the whole reports tree under --reports-dir", async () => {
    expect(exitCode).toBe(0);
    for (const file of [
      "report.html",
      "traces.otlp.json",
      "profiles/da-test-12345.cpuprofile",
      "coverage/index.html",
      "coverage/lcov.info",
      "coverage/coverage-summary.json",
    ]) {
      expect((await stat(join(reports, file))).isFile()).toBe(true);
    }
    expect(terminal.lines.at(-1)).toBe("13 passed, 0 failed");
  });

  it("writes one trace per case that satisfies the trace schema, with the trigger and output redacted", async () => {
    const dir = join(reports, "traces", "da-test-12345");
    const files = (await readdir(dir)).sort();
    expect(files).toHaveLength(13);
    expect(files).toContain("trap-a-score-sent-as-the-string-87-fails-the-integer-type.json");
    const validator = createValidator(TRACE_FILE_SCHEMA, { side: "output" });
    for (const file of files) {
      const trace = JSON.parse(await readFile(join(dir, file), "utf8")) as TraceFile;
      expect(validator.validate(trace), file).toEqual([]);
      expect(trace.input, file).toMatchObject({ dataActionId: "da-test-12345" });
      expect(
        trace.steps.map((s) => s.step),
        file,
      ).toEqual(["load-definition", "validate-input", "execute", "validate-output", "compare"]);
    }
  });

  it("writes OTLP/JSON that satisfies its schema, one trace per case", async () => {
    const otlp = JSON.parse(await readFile(join(reports, "traces.otlp.json"), "utf8")) as {
      resourceSpans: Array<{ scopeSpans: Array<{ spans: Array<{ traceId: string; parentSpanId?: string }> }> }>;
    };
    expect(createValidator(OTLP_TRACES_SCHEMA, { side: "output" }).validate(otlp)).toEqual([]);
    const spans = otlp.resourceSpans[0]!.scopeSpans[0]!.spans;
    expect(new Set(spans.map((s) => s.traceId)).size).toBe(13);
    expect(spans.filter((s) => s.parentSpanId === undefined)).toHaveLength(13);
    expect(spans).toHaveLength(13 * 6);
  });

  it("prints the coverage table with uncovered branches, the profile's top functions and where everything went", () => {
    const text = terminal.lines.join("\n");
    expect(text).toMatch(/Coverage of the transforms \(.*out\/coverage\/: index\.html, lcov\.info, coverage-summary\.json\)/);
    expect(text).toMatch(/transform\.ts\s*\|\s*100\s*\|\s*91\.66\s*\|/);
    expect(text).toContain("examples/billing-callback/transform.ts: 1 of 12 branches never ran");
    expect(text).toMatch(/line 16: operand 2 of a \?\?, \|\| or && chain was never evaluated/);
    expect(text).toMatch(/Profile of da-test-12345: [\d.]+ ms sampled in 1 batch \(.*out\/profiles\/da-test-12345\.cpuprofile\)/);
    expect(text).toMatch(/wrote 13 traces to .*out\/traces\//);
    expect(text).toMatch(/wrote .*out\/report\.html/);
  });
});

describe("coverage thresholds on the command line", () => {
  let project: TempProject;
  beforeAll(async () => {
    project = await createTempProject();
  });
  afterAll(async () => {
    await project.remove();
  });

  it("fails the run with exit 1 and names the file below the threshold, even when every case passes", async () => {
    const terminal = captureTerminal();
    const code = await runTestCommand([FIXTURE], flags({ "coverage.branches": 90, reportsDir: join(project.root, "r1") }), terminal);
    expect(code).toBe(1);
    const text = terminal.lines.join("\n");
    expect(text).toContain("4 passed, 0 failed");
    expect(text).toMatch(
      /✗ coverage threshold not met: test\/fixtures\/coverage\/half-branches\/transform\.ts: branches 50% is below the 90% threshold \(6 of 12 covered\)/,
    );
  });

  it("passes when the file meets the thresholds", async () => {
    const code = await runTestCommand(
      [FIXTURE],
      flags({ coverage: true, "coverage.branches": 50, "coverage.functions": 100, reportsDir: join(project.root, "r2") }),
      captureTerminal(),
    );
    expect(code).toBe(0);
  });

  it("keeps stdout pure JSON with --json, printing the reports on stderr", async () => {
    const terminal = captureTerminal();
    await runTestCommand([FIXTURE], flags({ json: true, coverage: true, reportsDir: join(project.root, "r3") }), terminal);
    expect(() => JSON.parse(terminal.lines.join("\n"))).not.toThrow();
    expect(terminal.errors.join("\n")).toContain("Coverage of the transforms");
  });

  it("does not measure coverage for a threshold of 0 alone (a config's default)", async () => {
    const terminal = captureTerminal();
    expect(await runTestCommand([FIXTURE], flags({ "coverage.branches": 0, reportsDir: join(project.root, "r4") }), terminal)).toBe(0);
    expect(terminal.lines.join("\n")).not.toContain("Coverage of the transforms");
  });

  it("rejects an unknown --trace detail", async () => {
    const error = await runTestCommand([FIXTURE], flags({ trace: "everything" }), captureTerminal()).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(CxdaError);
    expect((error as CxdaError).message).toBe("--trace everything: use --trace (steps only) or --trace payloads");
  });
});
