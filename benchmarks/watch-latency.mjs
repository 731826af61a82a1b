// Watch latency: from saving the example's transform to the rerun's first case line, under `cxda test --watch`, beside
// the wall time of a cold `cxda test` of the same folder. Saves alternate between an atomic rename (a temp file moved
// over the transform, as vim, JetBrains and `sed -i` save) and an in-place write. Runs the built package: `npm run
// build` first. Usage: node benchmarks/watch-latency.mjs [--saves 20] [--pause 500]
import { spawn, spawnSync } from "node:child_process";
import { cpSync, mkdtempSync, readFileSync, renameSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";
import { clearTimeout, setTimeout } from "node:timers";

const root = fileURLToPath(new URL("..", import.meta.url));
const cli = join(root, "dist", "cli", "main.js");
const { values } = parseArgs({ options: { saves: { type: "string", default: "20" }, pause: { type: "string", default: "500" } } });
const saves = Number(values.saves);
// Time between one rerun's end and the next save: a person does not save twice within half a second, and the spare
// sandbox the watch starts after each run boots meanwhile.
const pauseMs = Number(values.pause);

const project = mkdtempSync(join(tmpdir(), "cxda-watch-latency-"));
const env = { ...process.env, NO_COLOR: "1" };
try {
  cpSync(join(root, "examples", "billing-callback"), join(project, "billing-callback"), { recursive: true });
  const transform = join(project, "billing-callback", "transform.ts");
  const original = readFileSync(transform, "utf8");

  // Cold: a fresh `cxda test` of the same folder, first run thrown away (it builds the bundle).
  const cold = [];
  for (let i = 0; i <= 5; i++) {
    const started = performance.now();
    const run = spawnSync(process.execPath, [cli, "test", "billing-callback"], { cwd: project, env, encoding: "utf8" });
    if (run.status !== 0) throw new Error(`cxda test exited ${run.status}:\n${run.stdout}\n${run.stderr}`);
    if (i > 0) cold.push(performance.now() - started);
  }

  const child = spawn(process.execPath, [cli, "test", "billing-callback", "--watch"], { cwd: project, env });
  let output = "";
  let waiting;
  const check = () => waiting?.();
  child.stdout.on("data", (chunk) => ((output += chunk), check()));
  child.stderr.on("data", (chunk) => ((output += chunk), check()));
  /** Resolves with the time `pattern` first matches output printed after `from` (an offset into the output). */
  const seen = (pattern, from) =>
    new Promise((resolve, reject) => {
      const guard = setTimeout(() => reject(new Error(`not seen within 20 s: ${pattern}\n${output.slice(from)}`)), 20_000);
      waiting = () => {
        if (!pattern.test(output.slice(from))) return;
        clearTimeout(guard);
        waiting = undefined;
        resolve(performance.now());
      };
      check();
    });

  await seen(/^watching 1 action/m, 0);
  const latencies = [];
  for (let i = 0; i < saves; i++) {
    await new Promise((resolve) => setTimeout(resolve, pauseMs));
    const text = `${original}\n// save ${i}\n`;
    const from = output.length;
    const saved = performance.now();
    if (i % 2 === 0) {
      writeFileSync(`${transform}.tmp`, text);
      renameSync(`${transform}.tmp`, transform);
    } else writeFileSync(transform, text);
    const firstLine = await seen(/^[✓✗!] /m, from);
    latencies.push(firstLine - saved);
    await seen(/^watching 1 action/m, from);
  }
  child.kill("SIGINT");

  const sorted = (list) => [...list].sort((a, b) => a - b);
  const at = (list, q) => sorted(list)[Math.min(list.length - 1, Math.floor(q * list.length))];
  const median = at(latencies, 0.5);
  const coldMedian = at(cold, 0.5);
  console.log(`save → first result under --watch: median ${Math.round(median)} ms, p90 ${Math.round(at(latencies, 0.9))} ms over ${saves} saves`);
  console.log(`cold cxda test (wall time, fresh process): median ${Math.round(coldMedian)} ms over ${cold.length} runs`);
  console.log(`rerun / cold: ${(median / coldMedian).toFixed(2)}`);
} finally {
  rmSync(project, { recursive: true, force: true });
}
