// Parity and offline runs against the real emulator: local and platform outputs compared case by case.
import { readFile } from "node:fs/promises";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { createApiClient } from "../../../src/client/api-client.js";
import type { CaseResult } from "../../../src/core/types.js";
import { createDefinitionsCache } from "../../../src/definitions/definitions-cache.js";
import { pullDefinition } from "../../../src/definitions/resolve-definition.js";
import { startEmulator, type Emulator } from "../../../src/emulator/emulator.js";
import { runCases } from "../../../src/runner/run-cases.js";
import { createTempProject, EXAMPLE_DIR, type TempProject } from "../../helpers/temp-project.js";

const EXAMPLES = join(EXAMPLE_DIR, "..");

async function collect(options: Parameters<typeof runCases>[0]): Promise<CaseResult[]> {
  const results: CaseResult[] = [];
  for await (const result of runCases(options)) results.push(result);
  return results;
}

describe("--parity against the emulator", () => {
  let emulator: Emulator | undefined;
  afterEach(async () => {
    await emulator?.close();
    emulator = undefined;
  });

  it("passes every example case when the platform runs the same transform", async () => {
    emulator = await startEmulator({ definitions: EXAMPLES });
    const client = createApiClient({ env: emulator.env, envFile: false });
    const results = await collect({ actions: [EXAMPLE_DIR], parity: { client } });
    expect(results.map((r) => r.status)).toEqual(Array(14).fill("pass"));
    const executeCalls = emulator.requests.filter((r) => r.route === "execute-data-action");
    // Every case whose transform ran locally was executed remotely too (the one with no interaction did not run).
    expect(executeCalls).toHaveLength(13);
    const compare = results[0]?.trace.steps.find((s) => s.step === "compare");
    expect(compare?.detail).toMatchObject({ parity: "same" });
  });

  it("fails a case whose platform output differs, with a readable diff", async () => {
    const definition = JSON.parse(await readFile(join(EXAMPLE_DIR, "definition.json"), "utf8")) as Record<string, unknown>;
    const drifted =
      "export default (t) => ({ recordId: 'rec-' + t.interaction.id, customerId: 'UNKNOWN', issueCategory: 'general', priority: 'standard', resolutionScore: 0, processedAt: t.timestamp });";
    emulator = await startEmulator({ definitions: { "da-test-12345": { ...definition, transform: { language: "javascript", source: drifted } } } });
    const client = createApiClient({ env: emulator.env, envFile: false });
    const results = await collect({ actions: [EXAMPLE_DIR], parity: { client }, select: (_a, name) => name.startsWith("a premium") });
    expect(results).toHaveLength(1);
    expect(results[0]?.status).toBe("fail");
    expect(results[0]?.failures.map((f) => f.message)).toEqual([
      'parity: output /customerId: local "CUST-4412", platform "UNKNOWN"',
      'parity: output /issueCategory: local "billing", platform "general"',
      'parity: output /priority: local "high", platform "standard"',
      "parity: output /resolutionScore: local 87, platform 0",
    ]);
  });

  it("turns an unreachable platform into a per-case error, not a crash", async () => {
    emulator = await startEmulator({ definitions: EXAMPLES });
    const client = createApiClient({ env: emulator.env, envFile: false, retry: { maxAttempts: 1 } });
    await emulator.close();
    emulator = undefined;
    const results = await collect({ actions: [EXAMPLE_DIR], parity: { client }, select: (_a, name) => name.startsWith("a premium") });
    expect(results[0]?.status).toBe("error");
    expect(results[0]?.error?.message).toMatch(/^parity: could not run the case on the platform/);
  });
});

describe("an action folder without definition.json", () => {
  let project: TempProject | undefined;
  afterEach(async () => {
    await project?.remove();
  });

  it("runs offline from the cache after a pull, with the emulator stopped", async () => {
    project = await createTempProject();
    const transform = await readFile(join(EXAMPLE_DIR, "transform.ts"), "utf8");
    const trigger = JSON.parse(await readFile(join(EXAMPLE_DIR, "trigger.json"), "utf8")) as Record<string, unknown>;
    const dir = await project.addAction("da-test-12345", {
      transform,
      trigger,
      cases: { "a.json": { name: "maps", expect: { match: { priority: "high" } } } },
    });
    const cacheDir = join(project.root, ".cxda", "cache");

    const before = await collect({ actions: [dir], definitions: { cacheDir, offline: true } });
    expect(before[0]?.error?.code).toBe("E_DEFINITION");
    expect(before[0]?.error?.message).toMatch(/run `cxda pull da-test-12345`/);

    const emulator = await startEmulator({ definitions: EXAMPLES });
    await pullDefinition("da-test-12345", {
      client: createApiClient({ env: emulator.env, envFile: false }),
      cache: createDefinitionsCache({ dir: cacheDir }),
    });
    await emulator.close();

    const after = await collect({ actions: [dir], definitions: { cacheDir, offline: true } });
    expect(after[0]?.status).toBe("pass");
    expect(after[0]?.trace.steps[0]).toMatchObject({ step: "load-definition", detail: { source: "cache", version: 3 } });
  });

  it("pulls when the cache is empty and credentials are configured", async () => {
    project = await createTempProject();
    const transform = await readFile(join(EXAMPLE_DIR, "transform.ts"), "utf8");
    const dir = await project.addAction("da-test-12345", { transform, cases: { "a.json": { name: "generated trigger" } } });
    const emulator = await startEmulator({ definitions: EXAMPLES });
    try {
      const results = await collect({
        actions: [dir],
        definitions: { cacheDir: join(project.root, "cache"), platform: { env: emulator.env, envFile: false } },
      });
      expect(results[0]?.trace.steps[0]?.detail).toMatchObject({ source: "pull" });
      expect(results[0]?.status).toBe("pass");
    } finally {
      await emulator.close();
    }
  });
});
