// Peak memory of a long run: `cxda test --generate` over ten copies of the example (100,000 generated cases each, a
// million in all, by default), with cxda's process and its sandbox processes sampled together every 50 ms, so the
// figure is what the run held at once. Runs the built package: `npm run build` first.
// Usage: node benchmarks/peak-memory.mjs [--actions 10] [--generate 100000] [--workers 2]
import { spawn } from "node:child_process";
import { setInterval, clearInterval } from "node:timers";
import { cpSync, mkdtempSync, readFileSync, readdirSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";

const root = fileURLToPath(new URL("..", import.meta.url));
const { values } = parseArgs({
  options: { actions: { type: "string", default: "10" }, generate: { type: "string", default: "100000" }, workers: { type: "string", default: "2" } },
});
const actions = Number(values.actions);

// Copies of the example without its case files: every case is generated.
const project = mkdtempSync(join(tmpdir(), "cxda-memory-"));
for (let i = 0; i < actions; i++) {
  const dir = join(project, `billing-${String(i).padStart(2, "0")}`);
  for (const file of ["definition.json", "transform.ts", "trigger.json"]) cpSync(join(root, "examples", "billing-callback", file), join(dir, file));
}

/** Resident size of a process and all its descendants, in bytes, with each process's own size. */
function tree(pid) {
  let rss = 0;
  const sizes = [];
  const visit = (id) => {
    try {
      const status = readFileSync(`/proc/${id}/status`, "utf8");
      const size = Number(/^VmRSS:\s+(\d+)/m.exec(status)?.[1] ?? 0) * 1024;
      rss += size;
      sizes.push(size);
      for (const task of readdirSync(`/proc/${id}/task`)) {
        for (const child of readFileSync(`/proc/${id}/task/${task}/children`, "utf8").split(" ").filter(Boolean)) visit(Number(child));
      }
    } catch {
      // The process ended between two reads.
    }
  };
  visit(pid);
  return { rss, sizes };
}

const started = performance.now();
const child = spawn(
  process.execPath,
  [join(root, "dist", "cli", "main.js"), "test", project, "--generate", values.generate, "--workers", values.workers],
  { cwd: project, stdio: ["ignore", "pipe", "inherit"] },
);
let tail = "";
child.stdout.setEncoding("utf8").on("data", (text) => (tail = (tail + text).slice(-400)));
let peak = 0;
/** Each process's size when the total peaked: cxda's first, then its children. */
let atPeak = [];
const sampler = setInterval(() => {
  const now = tree(child.pid);
  if (now.rss > peak) {
    peak = now.rss;
    atPeak = now.sizes;
  }
}, 50);
const code = await new Promise((resolve) => child.on("exit", resolve));
clearInterval(sampler);
rmSync(project, { recursive: true, force: true });
const mb = (bytes) => Math.round(bytes / (1024 * 1024));
console.log(tail.trim().split("\n").slice(-2).join("\n"));
console.log(
  `exit ${code}, ${((performance.now() - started) / 1000).toFixed(1)} s, ${actions} actions × ${values.generate} generated cases, ${values.workers} workers`,
);
console.log(`peak resident size, every process together: ${mb(peak)} MB (cxda, then each child: ${atPeak.map(mb).join(" + ")} MB)`);
if (code !== 0) process.exitCode = 1;
