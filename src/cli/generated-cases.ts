// --generate: schema-driven triggers added to every action's cases, named so a failure can be replayed exactly.
import { mkdir, rename, writeFile } from "node:fs/promises";
import { join } from "node:path";
import type { ActionDefinition, CaseDefinition, CaseResult } from "../core/types.js";
import { generatePayloads } from "../payloads/generate-payloads.js";
import { createTriggerSource } from "../payloads/generated-trigger.js";
import { synthesiseUpstream } from "../platforms/genesys/declarative/synthesise-upstream.js";

/** What `--generate`, `--seed` and `--invalid` asked for. */
export interface GenerateRequest {
  count: number;
  seed: string;
  invalid: boolean;
}

/**
 * Valid triggers per seed: case i uses seed `seed#k` for slice k = ⌊i / 10,000⌋. (Generation once ran a slice per call;
 * the numbering stays so that a seed names the same triggers as before.)
 */
const GENERATION_SLICE = 10_000;

/**
 * Builds the extra cases of one action, lazily: valid triggers as references the workers turn into triggers (index i
 * of the run is payload i mod 10,000 of seed `seed` for the first 10,000, `seed#k` for slice k after), then the
 * invalid mutations, built here. Remembers the mutations' payloads when failures are to be saved (a failing generated
 * valid case brings its trigger back in its result).
 */
export function generatedCases(request: GenerateRequest, keepPayloads?: Map<string, unknown>) {
  return function* (definition: ActionDefinition): Generator<CaseDefinition> {
    const options = { draft: definition.meta.inputDraft, dataActionId: definition.id };
    const replay = `--generate ${request.count} --seed ${request.seed}${request.invalid ? " --invalid" : ""}`;
    const remember = (each: CaseDefinition): CaseDefinition => {
      keepPayloads?.set(`${definition.id}\u0000${each.name}`, each.payload);
      return each;
    };
    // The workers build the triggers; the first is built here too, so that a schema no trigger can be generated for
    // is one clear error before the run, not the same error on every case.
    if (request.count > 0) createTriggerSource(definition.inputSchema, options)({ seed: request.seed, index: 0 });
    for (let i = 0; i < request.count; i++) {
      const slice = Math.floor(i / GENERATION_SLICE);
      const generated: CaseDefinition = {
        name: `generated #${i + 1} (seed ${request.seed})`,
        generate: { seed: slice === 0 ? request.seed : `${request.seed}#${slice}`, index: i % GENERATION_SLICE },
        expect: {},
        source: `${replay}, case #${i + 1}`,
      };
      // A declarative action's upstream answers too: a response its translation map finds values in.
      if (definition.config !== undefined) generated.upstream = synthesiseUpstream(definition, `${request.seed} upstream #${i + 1}`);
      yield generated;
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
  const slug = result.case
    .replace(/[^\w.-]+/g, "-")
    .replace(/^-+|-+$/g, "")
    .slice(0, 80);
  const folder = join(dir, result.action.replace(/[^\w.-]+/g, "_"), "cases");
  await mkdir(folder, { recursive: true });
  const file = join(folder, `${slug}.json`);
  const temp = `${file}.${process.pid}.tmp`;
  await writeFile(temp, `${JSON.stringify({ name: result.case, payload, expect: {} }, null, 2)}\n`);
  await rename(temp, file);
  return file;
}
