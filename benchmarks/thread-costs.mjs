// Where a case's CPU time goes, thread by thread: cxda's main thread and its helper threads (V8's garbage collector,
// libuv), and in each sandbox process its own thread (the relay and watchdog), its worker thread (the case) and their
// helpers. Runs case-file-shaped cases (the shape of `cxda bench --source cases`) through runCases, reading each
// thread's CPU time from /proc (Linux only). Runs the built package: `npm run build` first.
// Usage: node benchmarks/thread-costs.mjs [cases] [workers]
import { execFileSync } from "node:child_process";
import { readFileSync, readdirSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { join } from "node:path";
import { createWorkerPool, loadAction, runCases } from "../dist/index.js";
import { buildSetCases } from "../dist/bench/set-cases.js";

const root = fileURLToPath(new URL("..", import.meta.url));
const count = Number(process.argv[2] ?? 20000);
const workers = Number(process.argv[3] ?? 1);
const ROUNDS = 5;
const dir = join(root, "examples", "billing-callback");
const action = await loadAction(dir);
const { cases } = buildSetCases(action.definition, action.defaultTrigger, count, "bench");
const pool = await createWorkerPool({ workers, readPaths: [dir, join(root, ".cxda", "build")] });
const run = async () => {
  for await (const result of runCases({ actions: [dir], cases, pool, passDetail: "summary", buildDir: join(root, ".cxda", "build") })) {
    if (result.status === "error") throw new Error(`${result.case}: ${result.error?.message}`);
  }
};
await run(); // warm up, and start every worker

/** CPU time of every thread of a process, in µs, by a label: the thread's name and its place. */
function threads(pid, label) {
  const times = new Map();
  for (const tid of readdirSync(`/proc/${pid}/task`)) {
    const stat = readFileSync(`/proc/${pid}/task/${tid}/stat`, "utf8");
    const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
    const name = stat.slice(stat.indexOf("(") + 1, stat.lastIndexOf(")"));
    const role = String(tid) === String(pid) ? "main thread" : name === "node" ? "worker thread or helper" : name;
    times.set(`${label} ${tid} (${role})`, ((Number(fields[11]) + Number(fields[12])) / 100) * 1e6);
  }
  return times;
}
const sandboxes = execFileSync("pgrep", ["-P", String(process.pid)], { encoding: "utf8" })
  .trim()
  .split("\n")
  .filter((pid) => {
    try {
      return readFileSync(`/proc/${pid}/cmdline`, "utf8").includes("sandbox-process");
    } catch {
      return false;
    }
  });
const snapshot = () => new Map([...threads(process.pid, "cxda"), ...sandboxes.flatMap((pid, i) => [...threads(pid, `sandbox ${i + 1}`)])]);

const before = snapshot();
const started = performance.now();
for (let round = 0; round < ROUNDS; round++) await run();
const seconds = (performance.now() - started) / 1000;
const after = snapshot();
await pool.close();

const total = ROUNDS * count;
console.log(`${total} cases, ${workers} worker(s): ${Math.round(total / seconds)} cases/s; CPU µs per case by thread (threads under 0.05 left out):`);
let sum = 0;
for (const [label, micros] of after) {
  const perCase = (micros - (before.get(label) ?? 0)) / total;
  sum += perCase;
  if (perCase >= 0.05) console.log(`  ${label.padEnd(52)} ${perCase.toFixed(2).padStart(6)}`);
}
console.log(`  ${"every thread".padEnd(52)} ${sum.toFixed(2).padStart(6)}`);
