// Benchmark: wall time of `cxda test` on the bundled example with no flags, with --coverage and with --profile, as ratios.
//
// Run: npm run bench:instrumentation   (builds, bundles this file with esbuild, runs it with node)
// Options: --rounds N (default 15), --warmup N (default 2), --workers N (default: the CLI's default).
// It runs the compiled CLI (dist/cli/main.js) in child processes, interleaving the three variants round by round
// so that drift in the machine's load hits them alike, and reports medians. Nothing here is a pass/fail test.
import { spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { performance } from "node:perf_hooks";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";

/** The repository: the nearest folder above this script with cxda's package.json (the script may run from a build cache). */
function findRepo(from: string): string {
  for (let dir = from; ; dir = dirname(dir)) {
    try {
      if ((JSON.parse(readFileSync(join(dir, "package.json"), "utf8")) as { name?: string }).name === "cxda") return dir;
    } catch {
      // not here; keep climbing
    }
    if (dirname(dir) === dir) throw new Error(`no cxda package.json above ${from}`);
  }
}

const repo = findRepo(dirname(fileURLToPath(import.meta.url)));
const cli = join(repo, "dist", "cli", "main.js");
const example = join(repo, "examples", "billing-callback");

const { values } = parseArgs({
  options: {
    rounds: { type: "string", default: "15" },
    warmup: { type: "string", default: "2" },
    workers: { type: "string" },
    variant: { type: "string", multiple: true },
  },
});
const rounds = Number(values.rounds);
const warmup = Number(values.warmup);

interface Variant {
  name: string;
  flags: string[];
  wall: number[];
  /** The run as the CLI itself times it ("13 cases in 310 ms"): from the first case to the summary, without process start. */
  run: number[];
}

/** `--variant="--profile --profile.interval 500"` adds a variant (repeatable); plain, --coverage and --profile always run. */
const variants: Variant[] = [[], ["--coverage"], ["--profile"], ...(values.variant ?? []).map((v) => v.split(/\s+/).filter(Boolean))].map(
  (flags) => ({
    name: flags.length === 0 ? "plain" : flags.join(" "),
    flags,
    wall: [],
    run: [],
  }),
);

const reports = mkdtempSync(join(tmpdir(), "cxda-bench-"));

function once(variant: Variant): { wall: number; run: number } {
  const args = [cli, "test", example, "--reports-dir", reports, ...variant.flags, ...(values.workers ? ["--workers", values.workers] : [])];
  const started = performance.now();
  const child = spawnSync(process.execPath, args, { cwd: reports, encoding: "utf8", env: { ...process.env, NO_COLOR: "1" } });
  const wall = performance.now() - started;
  if (child.status !== 0) throw new Error(`${variant.name} exited ${child.status}:\n${child.stdout}\n${child.stderr}`);
  const timed = / cases in (\d+) ms/.exec(child.stdout);
  return { wall, run: timed ? Number(timed[1]) : Number.NaN };
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? sorted[middle]! : (sorted[middle - 1]! + sorted[middle]!) / 2;
}

try {
  for (let i = 0; i < warmup; i++) for (const variant of variants) once(variant);
  for (let i = 0; i < rounds; i++) {
    // Rotate the order each round so no variant always runs first after a pause.
    for (let k = 0; k < variants.length; k++) {
      const variant = variants[(i + k) % variants.length]!;
      const { wall, run } = once(variant);
      variant.wall.push(wall);
      variant.run.push(run);
    }
  }
  const base = variants[0]!;
  const baseWall = median(base.wall);
  const baseRun = median(base.run);
  console.log(`cxda test ${example} — ${rounds} rounds (after ${warmup} warm-up), medians, node ${process.version}`);
  const width = Math.max(...variants.map((v) => v.name.length));
  console.log(`${"variant".padEnd(width)}   wall ms   ratio    run ms   ratio`);
  for (const variant of variants) {
    const wall = median(variant.wall);
    const run = median(variant.run);
    console.log(
      `${variant.name.padEnd(width)} ${wall.toFixed(0).padStart(9)} ${(wall / baseWall).toFixed(2).padStart(6)}× ${run.toFixed(0).padStart(8)} ${(run / baseRun).toFixed(2).padStart(6)}×`,
    );
  }
  console.log(
    "wall: the whole process; run: what the CLI reports as '13 cases in N ms' (workers, cases and measuring, without process start and report writing)",
  );
  console.log("goal: --coverage ≤ 1.3×, --profile ≤ 1.2× the plain wall time");
} finally {
  rmSync(reports, { recursive: true, force: true });
}
