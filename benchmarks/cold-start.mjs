// Cold start: wall time of `cxda test examples/billing-callback` from a fresh process, against the same cases run by
// `vitest run` with the cxda/vitest helper (benchmarks/vitest-example). Medians of several runs, run alternately so
// both see the same machine. Runs the built package: `npm run build` first. Usage: node benchmarks/cold-start.mjs [runs]
import { spawnSync } from "node:child_process";
import { fileURLToPath } from "node:url";
import { join } from "node:path";

const root = fileURLToPath(new URL("..", import.meta.url));
const runs = Number(process.argv[2] ?? 10);

const commands = {
  "cxda test": [process.execPath, [join(root, "dist", "cli", "main.js"), "test", "examples/billing-callback"]],
  "vitest run + cxda/vitest": [
    process.execPath,
    [join(root, "node_modules", "vitest", "vitest.mjs"), "run", "--root", join(root, "benchmarks", "vitest-example")],
  ],
};

/** Wall milliseconds of one run; a failing run stops the benchmark (a fast failure is not a result). */
function timed(label, [command, args]) {
  const started = performance.now();
  const run = spawnSync(command, args, { cwd: root, encoding: "utf8", env: { ...process.env, NO_COLOR: "1" } });
  const ms = performance.now() - started;
  if (run.status !== 0) throw new Error(`${label} exited ${run.status}:\n${run.stdout}\n${run.stderr}`);
  return ms;
}

const samples = Object.fromEntries(Object.keys(commands).map((label) => [label, []]));
for (const [label, command] of Object.entries(commands)) timed(label, command); // warm the disk cache and bundles
for (let i = 0; i < runs; i++) for (const [label, command] of Object.entries(commands)) samples[label].push(timed(label, command));
const median = (values) => [...values].sort((a, b) => a - b)[values.length >> 1];
for (const [label, values] of Object.entries(samples))
  console.log(
    `${label.padEnd(26)} median ${Math.round(median(values))} ms (min ${Math.round(Math.min(...values))}, max ${Math.round(Math.max(...values))}) over ${runs} runs`,
  );
const [cxda, vitest] = Object.values(samples).map(median);
console.log(`vitest / cxda: ${(vitest / cxda).toFixed(2)}x`);
