// Generation throughput: valid payloads per second for the example's input schema and the richest Genesys corpus
// schema, and the share that validate (must be 100%). Runs the built package: `npm run build` first.
// Usage: node benchmarks/generation.mjs [count]
import { readdir } from "node:fs/promises";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { createValidator, generatePayloads, loadDefinition } from "../dist/index.js";

const root = fileURLToPath(new URL("..", import.meta.url));
const count = Number(process.argv[2] ?? 20000);
const corpus = join(root, "..", "shared", "corpus", "genesys");

/** The corpus definition whose input schema has the most properties, counted at every depth. */
async function richestCorpusSchema() {
  let files;
  try {
    files = (await readdir(corpus)).filter((f) => f.endsWith(".json"));
  } catch {
    return undefined;
  }
  const size = (schema) => JSON.stringify(schema).match(/"type"/g)?.length ?? 0;
  let best;
  for (const file of files) {
    const definition = await loadDefinition(join(corpus, file));
    if (!best || size(definition.inputSchema) > size(best.definition.inputSchema)) best = { file, definition };
  }
  return best;
}

async function measure(label, definition) {
  const options = { draft: definition.meta.inputDraft, dataActionId: definition.id };
  generatePayloads(definition.inputSchema, { ...options, count: 200, seed: "warm-up" });
  const rounds = [];
  let payloads = [];
  for (let round = 0; round < 3; round++) {
    const started = performance.now();
    payloads = generatePayloads(definition.inputSchema, { ...options, count, seed: `bench-${round}` });
    rounds.push(count / ((performance.now() - started) / 1000));
  }
  const validator = createValidator(definition.inputSchema, { side: "input", draft: definition.meta.inputDraft });
  const valid = payloads.filter((p) => validator.validate(p.payload).length === 0).length;
  rounds.sort((a, b) => a - b);
  console.log(
    `${label.padEnd(60)} ${Math.round(rounds[1]).toLocaleString("en-US").padStart(9)} payloads/s (median of 3 × ${count})   valid ${((valid / payloads.length) * 100).toFixed(1)}%`,
  );
}

await measure("examples/billing-callback (input schema)", await loadDefinition(join(root, "examples", "billing-callback")));
const richest = await richestCorpusSchema();
if (richest) await measure(`corpus: ${richest.file}`, richest.definition);
else console.log(`corpus not found at ${corpus}: skipped`);
