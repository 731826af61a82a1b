// cxda lint over the 20 real Genesys exports: the defects known in the public blueprints are among what it reports.
import { basename } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { GENESYS_CORPUS, genesysCorpusFiles } from "../../test/helpers/corpus.js";
import { CORPUS_BODIES_BROKEN_BY_QUOTES } from "../../test/helpers/declarative.js";
import { lintProject } from "./lint-project.js";
import type { LintReport } from "./lint-types.js";

describe.skipIf(genesysCorpusFiles.length === 0)("cxda lint over the Genesys corpus", () => {
  let report: LintReport;
  const findingsOf = (file: string) => report.actions.find((action) => basename(action.label) === file)?.findings ?? [];
  beforeAll(async () => {
    report = await lintProject({ paths: [GENESYS_CORPUS] });
  });

  it("lints all 20 exports, none stopped by its time limit", () => {
    expect(report.summary).toMatchObject({ actions: 20, linted: 20 });
    expect(report.findings.filter((finding) => finding.code === "timeout")).toEqual([]);
  });

  it("finds the 7 hand-written JSON bodies that a quote and a newline in an input break, and no other", () => {
    const broken = report.actions
      .filter((action) => action.findings.some((finding) => finding.code === "body-not-json" && finding.message.includes("a quote and a newline")))
      .map((action) => basename(action.label));
    expect(broken).toEqual(CORPUS_BODIES_BROKEN_BY_QUOTES);
  });

  it("finds ${INPUT.ConversationID}, in the wrong case, in Update-External-Tag's URL", () => {
    expect(findingsOf("negative-sentiment-callback__Update-External-Tag.custom.json")).toContainEqual(
      expect.objectContaining({
        severity: "error",
        code: "unresolved-reference",
        path: "config.request.requestUrlTemplate",
        templateLine: 1,
        templateColumn: 23,
        message: expect.stringContaining("${INPUT.ConversationID} does not resolve even when every input is given"),
        hint: expect.stringContaining("${input.ConversationID}"),
      }),
    );
  });

  it("finds the stray ) after $salesforce.escReserved in the Salesforce search URL", () => {
    expect(findingsOf("process-automation-trigger-with-salesforce__get-contact-by-phone-number.json")).toContainEqual(
      expect.objectContaining({
        code: "stray-parenthesis",
        path: "config.request.requestUrlTemplate",
        message: expect.stringContaining("right after $salesforce.escReserved(${input.PHONE_NUMBER})"),
      }),
    );
  });

  it("says the Lambda action's URL is a placeholder, not an HTTP URL", () => {
    expect(findingsOf("scheduling-bot-blueprint__GetBookableSlotsDataAction.json")).toContainEqual(
      expect.objectContaining({ severity: "warning", code: "url-not-http", message: expect.stringContaining('"your-lambda-function-arn"') }),
    );
  });
});
