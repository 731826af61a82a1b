// generatePayloads on real definitions: the billing-callback example (realistic triggers its transform accepts) and the Genesys corpus.
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import type { ActionDefinition, CaseResult, TriggerPayload } from "../../../src/core/types.js";
import { loadDefinition } from "../../../src/definitions/load-definition.js";
import { generatePayloads } from "../../../src/payloads/generate-payloads.js";
import { runCases } from "../../../src/runner/run-cases.js";
import { createValidator } from "../../../src/validation/create-validator.js";
import { EXAMPLE_DIR } from "../../helpers/temp-project.js";
import { GENESYS_CORPUS, genesysCorpusFiles } from "../../helpers/corpus.js";

const CORPUS = GENESYS_CORPUS;
const corpusFiles = genesysCorpusFiles;

function validatorFor(definition: ActionDefinition) {
  return createValidator(definition.inputSchema, { side: "input", draft: definition.meta.inputDraft });
}

describe("generated triggers for the billing-callback example", () => {
  let definition: ActionDefinition;
  beforeAll(async () => {
    definition = await loadDefinition(EXAMPLE_DIR);
  });

  it("validate, 100 per seed for seeds 1 to 3, and are identical on a second run", () => {
    const validator = validatorFor(definition);
    for (const seed of [1, 2, 3]) {
      const options = { count: 100, seed, draft: definition.meta.inputDraft, dataActionId: definition.id };
      const payloads = generatePayloads(definition.inputSchema, options);
      for (const { payload } of payloads) expect(validator.validate(payload)).toEqual([]);
      expect(JSON.stringify(generatePayloads(definition.inputSchema, options))).toBe(JSON.stringify(payloads));
    }
  });

  it("look like real triggers: prefixed ids, a consistent channel, dates around the seed's day", () => {
    const triggers = generatePayloads(definition.inputSchema, { count: 40, seed: "realistic", dataActionId: definition.id }).map(
      (p) => p.payload as TriggerPayload,
    );
    const days = new Set<string>();
    for (const t of triggers) {
      expect(t.dataActionId).toBe("da-test-12345");
      expect(t.triggerId).toMatch(/^tr-\d{6}$/);
      expect(t.interaction.id).toMatch(/^i-\d{6}$/);
      expect(t.contact.id).toMatch(/^c-\d{6}$/);
      expect(t.data).toMatchObject({ agentId: expect.stringMatching(/^ag-\d{6}$/), wrapUpCode: expect.stringMatching(/^WU-\d{2}$/) });
      expect(["inbound", "outbound"]).toContain(t.interaction.direction);
      const channels: Record<string, string[]> = {
        voice: ["phone", "sip"],
        chat: ["web-chat", "mobile-chat"],
        email: ["email"],
        sms: ["sms"],
        social: ["facebook", "twitter", "whatsapp"],
      };
      expect(channels[t.interaction.type]).toContain(t.interaction.channel);
      expect(t.timestamp).toMatch(/^2026-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.000Z$/);
      if (t.interaction.startTime !== undefined) expect(Date.parse(t.interaction.startTime)).toBeLessThan(Date.parse(t.timestamp));
      if (t.contact.attributes !== undefined) expect(t.contact.attributes.customerId).toMatch(/^CUST-\d{4}$/);
      const score = t.data.customFields?.["resolutionScore"];
      if (score !== undefined) expect(Number.isInteger(score) && (score as number) >= 0 && (score as number) <= 100).toBe(true);
      days.add(t.timestamp.slice(0, 10));
    }
    // The clock comes from the seed, not from the wall clock: one day for the whole run.
    expect(days.size).toBe(1);
    expect(new Set(triggers.map((t) => t.interaction.type)).size).toBeGreaterThan(2);
    expect(new Set(triggers.map((t) => t.contact.id)).size).toBe(triggers.length);
  });

  it("are accepted by the example's transform, whose output then satisfies the output schema", async () => {
    const buildDir = await mkdtemp(join(tmpdir(), "cxda-generate-"));
    try {
      const cases = generatePayloads(definition.inputSchema, { count: 20, seed: "run", dataActionId: definition.id }).map(({ payload, label }) => ({
        name: label,
        payload: payload as Record<string, unknown>,
        expect: {},
      }));
      const results: CaseResult[] = [];
      for await (const result of runCases({ actions: [EXAMPLE_DIR], cases, buildDir, workers: 2 })) results.push(result);
      expect(results.map((r) => [r.case, r.status, r.issues])).toEqual(cases.map((c) => [c.name, "pass", []]));
    } finally {
      await rm(buildDir, { recursive: true, force: true });
    }
  });

  it("has boundary cases and single-rule mutations that the validator judges as labelled", () => {
    const validator = validatorFor(definition);
    const boundary = generatePayloads(definition.inputSchema, { mode: "boundary" });
    expect(boundary.map((b) => b.label)).toEqual(
      expect.arrayContaining([
        "/environment absent (optional)",
        "/contact/attributes absent (optional)",
        "/interaction/id empty string (no minLength)",
      ]),
    );
    for (const { payload } of boundary) expect(validator.validate(payload)).toEqual([]);
    const mutations = generatePayloads(definition.inputSchema, { mode: "invalid" });
    expect(mutations.map((m) => `${m.rule} ${m.path}`)).toEqual(
      expect.arrayContaining(["required /interaction", "enum /interaction/type", "format /timestamp", "type /contact/id"]),
    );
    for (const mutation of mutations) {
      expect(
        validator.validate(mutation.payload).map((i) => `${i.keyword} ${i.path}`),
        mutation.label,
      ).toEqual([`${mutation.rule} ${mutation.path}`]);
    }
  });
});

describe("generated payloads for the Genesys corpus", () => {
  if (corpusFiles.length === 0) it.skip(`no Genesys corpus at ${CORPUS}, so the corpus cases are skipped`, () => {});

  for (const file of corpusFiles) {
    it(`${file}: 100 valid payloads per seed 1..3, the same on a second run, and mutations rejected for their rule`, async () => {
      const definition = await loadDefinition(join(CORPUS, file));
      const validator = validatorFor(definition);
      for (const seed of [1, 2, 3]) {
        const options = { count: 100, seed, draft: definition.meta.inputDraft };
        const payloads = generatePayloads(definition.inputSchema, options);
        expect(payloads).toHaveLength(100);
        for (const { payload } of payloads) expect(validator.validate(payload)).toEqual([]);
        expect(JSON.stringify(generatePayloads(definition.inputSchema, options))).toBe(JSON.stringify(payloads));
      }
      for (const mutation of generatePayloads(definition.inputSchema, { mode: "invalid", draft: definition.meta.inputDraft })) {
        expect(
          validator.validate(mutation.payload).map((i) => `${i.keyword} ${i.path}`),
          mutation.label,
        ).toEqual([`${mutation.rule} ${mutation.path}`]);
      }
    });
  }
});
