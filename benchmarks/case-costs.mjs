// What one case costs, stage by stage, on the example action and the same triggers `cxda bench` uses: the stages of
// the bare-loop limit, and those the harness adds to cross a thread (serialise on the main thread, parse and freeze
// in the worker). Single thread, medians of several rounds, microseconds per case. Runs the built package:
// `npm run build` first. Usage: node benchmarks/case-costs.mjs [cases]
import { fileURLToPath, pathToFileURL } from "node:url";
import { join } from "node:path";
import { bundleTransform, createValidator, loadAction } from "../dist/index.js";
import { buildTriggers } from "../dist/bench/run-bench.js";
import { toJsonOutput } from "../dist/executor/json-output.js";
import { deepFreeze } from "../dist/internal/deep-freeze.js";

const root = fileURLToPath(new URL("..", import.meta.url));
const count = Number(process.argv[2] ?? 20000);
const ROUNDS = 7;
const BATCH = 256;

const action = await loadAction(join(root, "examples", "billing-callback"));
const definition = action.definition;
const triggers = buildTriggers(count, "bench", definition.id);
const bundle = await bundleTransform(action.transform, { buildDir: join(root, ".cxda", "build"), allow: { network: false, fsWrite: false } });
const transform = (await import(pathToFileURL(bundle.file).href)).default;
const input = createValidator(definition.inputSchema, { side: "input", draft: definition.meta.inputDraft });
const output = createValidator(definition.outputSchema, { side: "output", draft: definition.meta.outputDraft });
const ctx = Object.freeze({ actionId: definition.id, env: "sandbox", vars: Object.freeze({}), now: () => new Date(0), log: () => undefined });
const outputs = triggers.map((trigger) => transform(trigger, ctx));
const batches = [];
for (let i = 0; i < count; i += BATCH) batches.push(JSON.stringify(triggers.slice(i, i + BATCH)));

/** Median microseconds per case of `round`, which handles every case once. */
function perCase(round) {
  round();
  const samples = [];
  for (let r = 0; r < ROUNDS; r++) {
    const started = performance.now();
    round();
    samples.push(((performance.now() - started) * 1000) / count);
  }
  return samples.sort((a, b) => a - b)[ROUNDS >> 1];
}

const rows = [
  ["limit: validate input", () => triggers.forEach((t) => input.validate(t))],
  ["limit: transform", () => triggers.forEach((t) => transform(t, ctx))],
  ["limit: check the output is JSON", () => outputs.forEach((o) => toJsonOutput(o, 32768))],
  ["limit: validate output", () => outputs.forEach((o) => output.validate(o))],
  ["harness, main: JSON.stringify trigger", () => triggers.forEach((t) => JSON.stringify(t))],
  ["harness, worker: JSON.parse batch", () => batches.forEach((b) => JSON.parse(b))],
  ["harness, worker: JSON.parse batch + deepFreeze", () => batches.forEach((b) => JSON.parse(b).forEach(deepFreeze))],
  ["harness, worker: parse + freeze + limit's stages", () => {
    for (const text of batches) {
      for (const trigger of JSON.parse(text)) {
        if (input.validate(trigger).length > 0) continue;
        output.validate(toJsonOutput(transform(deepFreeze(trigger), ctx), 32768));
      }
    }
  }],
];
console.log(`cases ${count}, trigger ${JSON.stringify(triggers[0]).length} bytes of JSON, median of ${ROUNDS} rounds`);
for (const [label, round] of rows) console.log(`${label.padEnd(50)} ${perCase(round).toFixed(2).padStart(6)} µs/case`);
