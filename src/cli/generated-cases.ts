// --generate: schema-driven triggers added to every action's cases, named so a failure can be replayed exactly.
import { mkdir, rename, writeFile } from "node:fs/promises";
import { join } from "node:path";
import type { ActionDefinition, CaseDefinition, CaseResult } from "../core/types.js";
import { generatePayloads } from "../payloads/generate-payloads.js";

/** What `--generate`, `--seed` and `--invalid` asked for. */
export interface GenerateRequest {
  count: number;
  seed: string;
  invalid: boolean;
}

/** Builds the extra cases of one action, and remembers their payloads when failures are to be saved. */
export function generatedCases(request: GenerateRequest, keepPayloads?: Map<string, unknown>) {
  return (definition: ActionDefinition): CaseDefinition[] => {
    const options = { seed: request.seed, draft: definition.meta.inputDraft, dataActionId: definition.id };
    const replay = `--generate ${request.count} --seed ${request.seed}${request.invalid ? " --invalid" : ""}`;
    const valid = request.count > 0 ? generatePayloads(definition.inputSchema, { ...options, count: request.count }) : [];
    const cases: CaseDefinition[] = valid.map((generated, index) => ({
      name: `generated #${index + 1} (seed ${request.seed})`,
      payload: generated.payload as Record<string, unknown>,
      expect: {},
      source: `${replay}, case #${index + 1}`,
    }));
    if (request.invalid) {
      const mutations = generatePayloads(definition.inputSchema, { ...options, mode: "invalid" });
      mutations.forEach((mutation, index) =>
        cases.push({
          name: `generated invalid #${index + 1}: ${mutation.label} (seed ${request.seed})`,
          payload: mutation.payload as Record<string, unknown>,
          expect: { errors: [{ side: "input", path: mutation.path, keyword: mutation.rule }] },
          source: `${replay}, invalid #${index + 1}`,
        }),
      );
    }
    if (keepPayloads) for (const each of cases) keepPayloads.set(`${definition.id}\u0000${each.name}`, each.payload);
    return cases;
  };
}

/**
 * Writes a failing generated case as a case file `<dir>/<action>/cases/<slug>.json`, so it can be kept as a
 * regression case; returns the file written.
 */
export async function saveGeneratedFailure(dir: string, result: CaseResult, payload: unknown): Promise<string> {
  const slug = result.case.replace(/[^\w.-]+/g, "-").replace(/^-+|-+$/g, "").slice(0, 80);
  const folder = join(dir, result.action.replace(/[^\w.-]+/g, "_"), "cases");
  await mkdir(folder, { recursive: true });
  const file = join(folder, `${slug}.json`);
  const temp = `${file}.${process.pid}.tmp`;
  await writeFile(temp, `${JSON.stringify({ name: result.case, payload, expect: {} }, null, 2)}\n`);
  await rename(temp, file);
  return file;
}
