// `cxda bench [action-dir]`: cases per second of the bare loop and of the harness, and their ratio.
import { availableParallelism } from "node:os";
import { Option, type Command } from "commander";
import { BENCH_SOURCES, runBench, type BenchReport, type BenchSource } from "../../bench/run-bench.js";
import { CxdaError } from "../../core/errors.js";
import { EXIT } from "../exit-codes.js";
import { integerFlag } from "../shared-options.js";
import { paint, processTerminal, type Terminal } from "../terminal.js";
import { EXAMPLE_DIR } from "./demo.js";

interface BenchFlags {
  source: BenchSource;
  cases: number;
  seed: string;
  workers: number;
  rounds: number;
  json?: boolean;
}

/** What each source's cases are, for the header line. */
const SOURCE_LABELS: Record<BenchSource, string> = {
  triggers: "whole triggers built on the main thread",
  cases: "case-file cases setting paths of the base trigger, built in the worker",
  generated: "generated cases, each trigger drawn in the worker",
};

/** Parses `--source`, or throws E_USAGE naming the sources it takes. */
function sourceFlag(value: string): BenchSource {
  const source = BENCH_SOURCES.find((known) => known === value);
  if (source === undefined)
    throw new CxdaError("E_USAGE", `--source must be one of ${BENCH_SOURCES.join(", ")}, got "${value}"`, { context: { flag: "--source" } });
  return source;
}

/** The crossing line: the steps that move a case to a worker and make its trigger there. */
function crossingLine(report: BenchReport): string {
  const { serialise, parse, build, freeze } = report.crossingMicrosPerCase;
  const steps = [`serialise ${serialise} µs`, `parse ${parse} µs`, ...(build === undefined ? [] : [`build ${build} µs`]), `freeze ${freeze} µs`];
  return `  crossing to a worker, per case: ${steps.join(" + ")} (on one thread)`;
}

/** Runs the benchmark and prints it; returns the exit code. */
export async function runBenchCommand(dir: string | undefined, flags: BenchFlags, terminal: Terminal): Promise<number> {
  const report = await runBench({
    action: dir ?? EXAMPLE_DIR,
    source: flags.source,
    cases: flags.cases,
    seed: flags.seed,
    workers: flags.workers,
    rounds: flags.rounds,
  });
  if (flags.json) {
    terminal.out(JSON.stringify({ ...report, cores: availableParallelism() }, null, 2));
    return EXIT.ok;
  }
  const rate = (n: number): string => `${n.toLocaleString("en-US")} cases/s`;
  const header = `cxda bench --source ${report.source}: ${report.action}, ${report.cases.toLocaleString("en-US")} cases, median of ${report.rounds} rounds`;
  terminal.out(paint(terminal, "bold", header));
  terminal.out(paint(terminal, "dim", `  (${SOURCE_LABELS[report.source]})`));
  const built = report.source === "triggers" ? "" : ", trigger built and frozen as the worker does";
  terminal.out(`  limit    ${rate(report.limitCasesPerSec).padStart(18)}   transform called directly, validators precompiled, main thread${built}`);
  terminal.out(
    `  harness  ${rate(report.harnessCasesPerSec).padStart(18)}   the cxda test pipeline on ${report.workers} worker${report.workers === 1 ? "" : "s"}`,
  );
  terminal.out(
    `  full     ${rate(report.harnessFullCasesPerSec).padStart(18)}   the same, bringing back every output and log (--reporter json, --html)`,
  );
  terminal.out(`  ratio    ${report.ratio.toFixed(3).padStart(18)}   harness / limit`);
  const cpu = report.cpuMicrosPerCase;
  terminal.out(`  CPU per case (all threads): limit ${cpu.limit} µs, harness ${cpu.harness} µs, full ${cpu.harnessFull} µs`);
  terminal.out(crossingLine(report));
  terminal.out(
    paint(terminal, "dim", `  pool start ${report.poolStartMs} ms (once per run), peak RSS ${report.peakRssMb} MB, ${availableParallelism()} cores`),
  );
  return EXIT.ok;
}

/** Registers `cxda bench`. */
export function registerBenchCommand(program: Command, setExit: (code: number) => void): void {
  program
    .command("bench")
    .description("measure the harness against the bare-loop limit on the same cases")
    .argument("[action-dir]", "the action folder (default: the bundled example)")
    .addOption(
      new Option("--source <source>", `where the cases come from: ${BENCH_SOURCES.join(", ")} (whole triggers, case files that set paths, generated)`)
        .default("triggers")
        .argParser(sourceFlag),
    )
    .addOption(new Option("--cases <n>", "cases per round").default(10_000).argParser(integerFlag("--cases")))
    .option("--seed <seed>", "seed of the cases", "bench")
    .addOption(new Option("--workers <n>", "worker threads for the harness").default(1).argParser(integerFlag("--workers")))
    .addOption(new Option("--rounds <n>", "measured rounds; the median is reported").default(5).argParser(integerFlag("--rounds")))
    .option("--json", "print one JSON object")
    .addHelpText(
      "after",
      "\nExamples:\n  cxda bench\n  cxda bench examples/billing-callback --cases 50000 --workers 2 --json\n  cxda bench examples/billing-callback --source cases\n  cxda bench examples/billing-callback --source generated --cases 20000",
    )
    .action(async (dir: string | undefined, flags: BenchFlags) => setExit(await runBenchCommand(dir, flags, processTerminal())));
}
