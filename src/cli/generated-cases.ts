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

/** Payloads generated per call: generation runs in slices, so a long run never holds every trigger at once. */
const GENERATION_SLICE = 10_000;

/**
 * Builds the extra cases of one action, lazily: valid triggers in slices of 10,000 (the first slice uses the seed
 * itself, slice k the seed `seed#k`), then the invalid mutations. Remembers payloads when failures are to be saved.
 */
export function generatedCases(request: GenerateRequest, keepPayloads?: Map<string, unknown>) {
  return function* (definition: ActionDefinition): Generator<CaseDefinition> {
    const options = { draft: definition.meta.inputDraft, dataActionId: definition.id };
    const replay = `--generate ${request.count} --seed ${request.seed}${request.invalid ? " --invalid" : ""}`;
    const remember = (each: CaseDefinition): CaseDefinition => {
      keepPayloads?.set(`${definition.id}\u0000${each.name}`, each.payload);
      return each;
    };
    for (let from = 0, slice = 0; from < request.count; from += GENERATION_SLICE, slice++) {
      const count = Math.min(GENERATION_SLICE, request.count - from);
      const seed = slice === 0 ? request.seed : `${request.seed}#${slice}`;
      const valid = generatePayloads(definition.inputSchema, { ...options, seed, count });
      for (const [offset, generated] of valid.entries()) {
        const index = from + offset + 1;
        yield remember({
          name: `generated #${index} (seed ${request.seed})`,
          payload: generated.payload as Record<string, unknown>,
          expect: {},
          source: `${replay}, case #${index}`,
        });
      }
    }
    if (request.invalid) {
      const mutations = generatePayloads(definition.inputSchema, { ...options, seed: request.seed, mode: "invalid" });
      for (const [offset, mutation] of mutations.entries()) {
        yield remember({
          name: `generated invalid #${offset + 1}: ${mutation.label} (seed ${request.seed})`,
          // A mutation at the root may not be an object at all; the runner passes it through as it is.
          payload: mutation.payload as Record<string, unknown>,
          expect: { errors: [{ side: "input", path: mutation.path, keyword: mutation.rule }] },
          source: `${replay}, invalid #${offset + 1}`,
        });
      }
    }
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
