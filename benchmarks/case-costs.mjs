// What one case costs, stage by stage, on the example action and the same cases `cxda bench` uses: the stages of
// the bare-loop limit, those the harness adds to cross a thread with whole triggers (serialise on the main thread,
// parse and freeze in the worker), and what the worker does to build a trigger itself: from a case file's `set` on
// the frozen base trigger (`--source cases`), or drawn from the input schema (`--source generated`). Single thread,
// medians of several rounds, microseconds per case. Runs the built package: `npm run build` first.
// Usage: node benchmarks/case-costs.mjs [cases]
import { fileURLToPath, pathToFileURL } from "node:url";
import { join } from "node:path";
import { bundleTransform, createValidator, loadAction } from "../dist/index.js";
import { buildTriggers } from "../dist/bench/run-bench.js";
import { buildSetCases } from "../dist/bench/set-cases.js";
import { applyCaseChanges } from "../dist/cases/case-trigger.js";
import { referenceCase } from "../dist/cases/prepare-case.js";
import { BatchEncoder, decodeBatch } from "../dist/executor/wire.js";
import { createTriggerSource } from "../dist/payloads/generated-trigger.js";
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
// `--source cases`: the base trigger as the worker receives it and holds it (parsed, frozen once), and each case's `set`.
const frozenBase = deepFreeze(JSON.parse(JSON.stringify(action.defaultTrigger)));
const setCases = buildSetCases(definition, action.defaultTrigger, count, "bench").cases;
const buildCase = ({ name, set }) => applyCaseChanges(frozenBase, { set }, name);
// How those cases cross: encoded on the main thread as the pool does, in batches of 1024, decoded in the worker.
const references = setCases.map((c) => referenceCase(c, { actionId: definition.id, vars: {}, defaultTrigger: action.defaultTrigger }));
const encoder = new BatchEncoder();
const encoded = [];
for (let i = 0; i < count; i += 1024) encoded.push(encoder.encode(references.slice(i, i + 1024)).text);
// `--source generated`: each worker draws its triggers from the input schema.
const triggerOf = createTriggerSource(definition.inputSchema, { draft: definition.meta.inputDraft, dataActionId: definition.id });

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
  [
    "harness, worker: parse + freeze + limit's stages",
    () => {
      for (const text of batches) {
        for (const trigger of JSON.parse(text)) {
          if (input.validate(trigger).length > 0) continue;
          output.validate(toJsonOutput(transform(deepFreeze(trigger), ctx), 32768));
        }
      }
    },
  ],
  [
    "cases, main: referenceCase",
    () => setCases.forEach((c) => referenceCase(c, { actionId: definition.id, vars: {}, defaultTrigger: action.defaultTrigger })),
  ],
  [
    "cases, main: encode the batch (BatchEncoder)",
    () => {
      for (let i = 0; i < count; i += 1024) encoder.encode(references.slice(i, i + 1024));
    },
  ],
  ["cases, worker: decode the batch (decodeBatch)", () => encoded.forEach((text) => decodeBatch(text))],
  ["cases, worker: applyCaseChanges on the frozen base", () => setCases.forEach(buildCase)],
  ["cases, worker: build + freeze", () => setCases.forEach((c) => deepFreeze(buildCase(c)))],
  [
    "cases, worker: build + freeze + limit's stages",
    () => {
      for (const c of setCases) {
        const trigger = deepFreeze(buildCase(c));
        if (input.validate(trigger).length > 0) continue;
        output.validate(toJsonOutput(transform(trigger, ctx), 32768));
      }
    },
  ],
  [
    "generated, worker: draw + freeze",
    () => {
      for (let index = 0; index < count; index++) deepFreeze(triggerOf({ seed: "bench", index }));
    },
  ],
];
console.log(`cases ${count}, trigger ${JSON.stringify(triggers[0]).length} bytes of JSON, median of ${ROUNDS} rounds`);
for (const [label, round] of rows) console.log(`${label.padEnd(50)} ${perCase(round).toFixed(2).padStart(6)} µs/case`);
