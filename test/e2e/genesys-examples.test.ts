// Runs the built CLI over examples/genesys (real Genesys Cloud data actions from public blueprints, with cases and
// upstream fixtures) as a user would: every case passes, and `cxda run` shows each declarative step of each action.
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { GENESYS_CORPUS, genesysCorpusFiles } from "../helpers/corpus.js";
import { cxda } from "../helpers/run-cli.js";
import { DECLARATIVE_TRACE } from "../helpers/declarative.js";
import { REPO_ROOT } from "../helpers/temp-project.js";

const EXAMPLES = join(REPO_ROOT, "examples", "genesys");

/** Each example action and the corpus export its definition.json was copied from, byte for byte. */
const COPIED_FROM: Record<string, string> = {
  "check-conversation-for-pstn-leg": "ani-blacklist__Check-Conversation-For-PSTN-Leg.custom.json",
  "create-callback": "automatic-offer-callback-for-disconnected-call__Create-Callback.json",
  "get-contact-by-phone-number": "process-automation-trigger-with-salesforce__get-contact-by-phone-number.json",
  "get-on-queue-agent-counts": "design-architect-flow-data-actions-for-resiliency__Get-On-Queue-Agent-Counts.json",
};

interface ExampleCase {
  name: string;
  payload?: Record<string, unknown>;
  upstream?: string | Record<string, unknown>;
  expect?: { output?: unknown; throws?: string };
}

interface TraceStep {
  step: string;
  ok: boolean | null;
  detail?: { error?: string };
}

interface CliResult {
  action: string;
  case: string;
  status: string;
  output?: unknown;
  trace: { steps: TraceStep[] };
}

const ACTIONS = readdirSync(EXAMPLES, { withFileTypes: true })
  .filter((entry) => entry.isDirectory() && existsSync(join(EXAMPLES, entry.name, "definition.json")))
  .map((entry) => entry.name)
  .sort();

function casesOf(action: string, file: string): ExampleCase[] {
  const parsed = JSON.parse(readFileSync(join(EXAMPLES, action, "cases", file), "utf8")) as ExampleCase | ExampleCase[];
  return Array.isArray(parsed) ? parsed : [parsed];
}

function allCasesOf(action: string): ExampleCase[] {
  const files = readdirSync(join(EXAMPLES, action, "cases")).filter((name) => name.endsWith(".json"));
  return files.flatMap((file) => casesOf(action, file));
}

/** The upstream a case names, as the text `--upstream` takes: a fixture file's path, or the inline answer as JSON. */
function upstreamArgument(action: string, upstream: ExampleCase["upstream"]): string {
  if (upstream === undefined) throw new Error(`${action}: the first case of cases/upstream-answers.json gives no upstream`);
  return typeof upstream === "string" ? join(EXAMPLES, action, upstream) : JSON.stringify(upstream);
}

describe("examples/genesys", () => {
  it("holds the four actions, each with 3 to 6 cases, and no transform (they run declaratively)", () => {
    expect(ACTIONS).toEqual(Object.keys(COPIED_FROM).sort());
    for (const action of ACTIONS) {
      expect(allCasesOf(action).length, action).toBeGreaterThanOrEqual(3);
      expect(allCasesOf(action).length, action).toBeLessThanOrEqual(6);
      expect(
        readdirSync(join(EXAMPLES, action)).filter((name) => name.startsWith("transform.")),
        action,
      ).toEqual([]);
    }
  });

  it.skipIf(genesysCorpusFiles.length === 0)("keeps each definition.json byte for byte as the corpus export it came from", () => {
    for (const [action, source] of Object.entries(COPIED_FROM)) {
      expect(readFileSync(join(EXAMPLES, action, "definition.json")).equals(readFileSync(join(GENESYS_CORPUS, source))), action).toBe(true);
    }
  });

  it("passes every case of every action under `cxda test --json`, and exits 0", async () => {
    const run = await cxda(["test", "examples/genesys", "--json"]);
    expect(run.stderr).toBe("");
    expect(run.code).toBe(0);
    const report = JSON.parse(run.stdout) as { summary: { total: number; passed: number; failed: number; errors: number }; results: CliResult[] };
    const expected = ACTIONS.reduce((sum, action) => sum + allCasesOf(action).length, 0);
    expect(report.summary).toMatchObject({ total: expected, passed: expected, failed: 0, errors: 0 });
    expect(report.results.filter((result) => result.status !== "pass").map((result) => `${result.action} › ${result.case}`)).toEqual([]);
    expect([...new Set(report.results.map((result) => result.action))].sort()).toEqual(ACTIONS);

    // A blueprint's hand-written JSON body broken by an input: the request is refused where it is built, before any call.
    const brokenBodies = report.results.filter((result) => result.case.includes("breaks the hand-written JSON body"));
    expect(brokenBodies.map((result) => result.action).sort()).toEqual(["create-callback", "get-on-queue-agent-counts"]);
    for (const result of brokenBodies) {
      const resolve = result.trace.steps.find((step) => step.step === "resolve-request");
      expect(resolve, result.case).toMatchObject({ ok: false, detail: { error: "E_REQUEST" } });
      expect(result.trace.steps.find((step) => step.step === "upstream")?.ok, result.case).toBeNull();
    }
  });

  it.each(ACTIONS)("%s: `cxda run --json` on its first case's input and upstream shows every declarative step, each ok", async (action) => {
    const [first] = casesOf(action, "upstream-answers.json");
    expect(first?.payload, `${action}: the first case of cases/upstream-answers.json has a payload`).toBeDefined();
    const args = ["run", `examples/genesys/${action}`, "--payload", "-", "--upstream", upstreamArgument(action, first?.upstream), "--json"];
    const run = await cxda(args, { input: JSON.stringify(first?.payload) });
    expect(run.code, run.stderr).toBe(0);
    const result = JSON.parse(run.stdout) as CliResult;
    expect(result.status).toBe("pass");
    const steps = result.trace.steps.filter((step) => step.step !== "load-definition");
    expect(steps.map((step) => step.step)).toEqual(DECLARATIVE_TRACE.slice(1));
    expect(steps.filter((step) => step.ok !== true).map((step) => step.step)).toEqual([]);
    expect(result.output).toEqual(first?.expect?.output);
  });
});
