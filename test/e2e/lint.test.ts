// cxda lint, as a user runs it: the built CLI over Genesys exports written by hand, one of each kind of defect, and a clean one.
import { mkdir, mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { cxda } from "../helpers/run-cli.js";

function genesysExport(
  integrationType: string,
  config: { request: Record<string, unknown>; response?: Record<string, unknown> },
  output: unknown = { type: "object" },
) {
  return {
    name: "hand-written",
    integrationType,
    actionType: "custom",
    config: {
      request: { requestType: "POST", headers: {}, ...config.request },
      response: { translationMap: {}, translationMapDefaults: {}, successTemplate: "${rawResult}", ...config.response },
    },
    contract: {
      input: { inputSchema: { type: "object", required: ["id"], properties: { id: { type: "string" }, note: { type: "string" } } } },
      output: { successSchema: output },
    },
    secure: false,
  };
}

/** A web services action with every defect lint knows that a URL can show next to the others. */
const BAD_WEB = genesysExport(
  "custom-rest-actions",
  {
    request: {
      requestUrlTemplate: 'https://api.example.com/things/${input.id}?q=$esc.url("FIND {$salesforce.escReserved($input.id))}")',
      headers: { "Content-Type": "application/json", "X-Note": "#if($input.note)$input.note" },
      requestTemplate: '{\n  "id": "${input.id}",\n  "note": "${input.note}"\n}',
    },
    response: {
      translationMap: { counts: "$.items[*].count", size: "$.items.length()", spare: "$.spare" },
      translationMapDefaults: { counts: "none" },
      successTemplate: '{"count": ${counts}, "total": ${totl}}',
    },
  },
  { type: "object", properties: { count: { type: "integer" }, total: { type: "integer" } } },
);

/** A Lambda action (its URL an ARN) whose body template runs a regular expression that backtracks without end. */
const BAD_LAMBDA = genesysExport("aws-lambda-data-actions", {
  request: {
    requestUrlTemplate: "arn:aws:lambda:us-east-1:123456789012:function:slots",
    requestTemplate: '{"long": #if($input.id.matches("([a-j]+[a-j]+)+!"))true#{else}false#end}',
  },
});

const CLEAN = genesysExport("custom-rest-actions", {
  request: {
    requestUrlTemplate: "https://api.example.com/things/$esc.url($input.id)",
    headers: { "Content-Type": "application/json" },
    requestTemplate: '{"id": "$esc.jsonString($input.id)", "note": "$!esc.jsonString($input.note)"}',
  },
});

const KINDS = [
  "unresolved-reference",
  "body-not-json",
  "url-invalid",
  "url-not-http",
  "template-error",
  "stray-parenthesis",
  "translation-undefined",
  "translation-unused",
  "translation-path-invalid",
  "translation-default-invalid",
  "translation-shape",
  "timeout",
];

interface JsonReport {
  actions: Array<{ label: string; renders: number; findings: Array<Record<string, unknown>> }>;
  findings: Array<{ severity: string; code: string; file: string; path?: string; line?: number; column?: number; count: number; example?: unknown }>;
  summary: { actions: number; linted: number; renders: number; errors: number; warnings: number };
}

describe("cxda lint", () => {
  let root: string;
  let bad: string;
  let clean: string;
  beforeAll(async () => {
    root = await mkdtemp(join(tmpdir(), "cxda-lint-"));
    bad = join(root, "bad");
    clean = join(root, "clean");
    await mkdir(bad);
    await mkdir(clean);
    await writeFile(join(bad, "web.json"), JSON.stringify(BAD_WEB, null, 2));
    await writeFile(join(bad, "lambda.json"), JSON.stringify(BAD_LAMBDA, null, 2));
    await writeFile(join(clean, "clean.json"), JSON.stringify(CLEAN, null, 2));
  });
  afterAll(async () => {
    await rm(root, { recursive: true, force: true });
  });

  it("exits 1 over the bad exports, with every kind of finding, placed at file:line:column and template path", async () => {
    const run = await cxda(["lint", bad, "--timeout", "1500"], { cwd: root });
    expect(run.code).toBe(1);
    for (const kind of KINDS) expect(run.stdout).toContain(` ${kind}: `);
    // An unresolved reference: the file's line:column, the template's JSON path and its own line:column.
    expect(run.stdout).toMatch(
      /✗ error unresolved-reference: bad\/web\.json:\d+:\d+ config\.request\.requestTemplate \(template 3:12\): \$\{input\.note\} does not resolve/,
    );
    expect(run.stdout).toMatch(/e\.g\. input\.id holds a quote: \{"id":"say\\"hi\\"",/);
    expect(run.stdout).toContain("! warning url-not-http: bad/lambda.json");
    expect(run.stdout).toMatch(/linting took longer than 1500 ms and was stopped while rendering config\.request\.requestTemplate/);
    expect(run.stdout).toMatch(/^\d+ errors, \d+ warnings in 2 actions \(\d+ renders\)$/m);
  });

  it("gives the same findings as JSON with --json", async () => {
    const run = await cxda(["lint", bad, "--json", "--timeout", "1500"], { cwd: root });
    expect(run.code).toBe(1);
    const report = JSON.parse(run.stdout) as JsonReport;
    expect(new Set(report.findings.map((finding) => finding.code))).toEqual(new Set(KINDS));
    expect(report.summary).toMatchObject({ actions: 2, linted: 2 });
    expect(report.summary.errors).toBe(report.findings.filter((finding) => finding.severity === "error").length);
    const body = report.findings.find((finding) => finding.code === "body-not-json");
    expect(body).toMatchObject({ file: join("bad", "web.json"), path: "config.request.requestTemplate", line: expect.any(Number), count: 4 });
  });

  it("exits 0 over a clean export, saying so", async () => {
    const run = await cxda(["lint", join("clean", "clean.json")], { cwd: root });
    expect(run.stderr).toBe("");
    expect(run.stdout.trim()).toMatch(/^0 errors, 0 warnings in 1 action \(\d+ renders\)$/);
    expect(run.code).toBe(0);
  });

  it("exits 2 for a path that does not exist or a bad --timeout", async () => {
    const missing = await cxda(["lint", "nope"], { cwd: root });
    expect(missing.code).toBe(2);
    expect(missing.stderr).toContain("E_USAGE nope: no such file or folder");
    const timeout = await cxda(["lint", clean, "--timeout", "0"], { cwd: root });
    expect(timeout.code).toBe(2);
    expect(timeout.stderr).toContain("--timeout must be a whole number from 1 to 600000");
  });
});
