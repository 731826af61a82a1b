import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { GENESYS_CORPUS, genesysCorpusFiles } from "../../../../test/helpers/corpus.js";
import { compilePath } from "./json-path.js";
import { applyTranslationMap, translationValuesForTemplate } from "./translation-map.js";

interface Export {
  config: { response: { translationMap?: Record<string, string>; translationMapDefaults?: Record<string, string> } };
}

function load(file: string): Export {
  return JSON.parse(readFileSync(join(GENESYS_CORPUS, file), "utf8")) as Export;
}

/** Upstream responses written by hand from the APIs each action calls, for the exports that map anything. */
const responses: Record<string, { response: unknown; expected: Record<string, string> }> = {
  "ani-blacklist__Check-Conversation-For-PSTN-Leg.custom.json": {
    response: {
      participants: [
        { purpose: "customer", sessions: [{ direction: "inbound" }] },
        { purpose: "external", sessions: [{ direction: "inbound" }, { direction: "outbound" }] },
      ],
    },
    expected: { externalSegment: '["outbound"]' },
  },
  "design-architect-flow-data-actions-for-resiliency__Get-On-Queue-Agent-Counts.json": {
    response: {
      results: [
        {
          group: { queueId: "q" },
          data: [{ metrics: [{ metric: "oOnQueueUsers", qualifier: "IDLE", stats: { count: 3 } }] }],
        },
      ],
    },
    expected: { statuses: '["IDLE"]', counts: "[3]" },
  },
  "process-automation-trigger-with-salesforce__get-contact-by-phone-number.json": {
    response: { searchRecords: [{ Id: "003" }] },
    expected: { contact: '[{"Id":"003"}]' },
  },
  "switch-voice-to-web-messaging__Send-Agentless-Outbound-Message.custom.json": {
    response: { conversationId: "conv-1", id: "m-1" },
    expected: { conversationId: '"conv-1"' },
  },
};

describe.skipIf(genesysCorpusFiles.length === 0)("the Genesys corpus's translation maps", () => {
  it("has 20 exports", () => {
    expect(genesysCorpusFiles).toHaveLength(20);
  });

  it.each(genesysCorpusFiles)("%s: every path parses and is classified", (file) => {
    const { translationMap = {} } = load(file).config.response;
    for (const path of Object.values(translationMap)) {
      const compiled = compilePath(path);
      // Every path in the corpus uses `..` or a filter, or is a plain chain of names.
      expect(compiled.definite).toBe(!/\.\.|\[\?/.test(path));
    }
    if (Object.keys(translationMap).length > 0) expect(Object.keys(responses)).toContain(file);
  });

  it.each(Object.keys(responses))("%s: a hand-made response gives the JSON text the template expects", (file) => {
    const { translationMap = {}, translationMapDefaults } = load(file).config.response;
    const { response, expected } = responses[file] as (typeof responses)[string];
    const result = applyTranslationMap(response, translationMap, translationMapDefaults);
    expect(result.problems).toEqual([]);
    expect(translationValuesForTemplate(result)).toEqual(expected);
  });

  it("falls back to the exports' own defaults when the response lacks the mapped part", () => {
    const counts = load("design-architect-flow-data-actions-for-resiliency__Get-On-Queue-Agent-Counts.json").config.response;
    const result = applyTranslationMap({}, counts.translationMap ?? {}, counts.translationMapDefaults);
    expect(translationValuesForTemplate(result)).toEqual({ statuses: '["Error"]', counts: "[0]" });
    const message = load("switch-voice-to-web-messaging__Send-Agentless-Outbound-Message.custom.json").config.response;
    const empty = applyTranslationMap({}, message.translationMap ?? {}, message.translationMapDefaults);
    expect(translationValuesForTemplate(empty)).toEqual({ conversationId: '""' });
  });
});
