// `cxda bench [action-dir]`: cases per second of the bare loop and of the harness, and their ratio.
import { availableParallelism } from "node:os";
import { Option, type Command } from "commander";
import { runBench } from "../../bench/run-bench.js";
import { EXIT } from "../exit-codes.js";
import { integerFlag } from "../shared-options.js";
import { paint, processTerminal, type Terminal } from "../terminal.js";
import { EXAMPLE_DIR } from "./demo.js";

interface BenchFlags {
  cases: number;
  seed: string;
  workers: number;
  rounds: number;
  json?: boolean;
}

/** Runs the benchmark and prints it; returns the exit code. */
export async function runBenchCommand(dir: string | undefined, flags: BenchFlags, terminal: Terminal): Promise<number> {
  const report = await runBench({ action: dir ?? EXAMPLE_DIR, cases: flags.cases, seed: flags.seed, workers: flags.workers, rounds: flags.rounds });
  if (flags.json) {
    terminal.out(JSON.stringify({ ...report, cores: availableParallelism() }, null, 2));
    return EXIT.ok;
  }
  const rate = (n: number): string => `${n.toLocaleString("en-US")} cases/s`;
  terminal.out(paint(terminal, "bold", `cxda bench: ${report.action}, ${report.cases.toLocaleString("en-US")} triggers, median of ${report.rounds} rounds`));
  terminal.out(`  limit    ${rate(report.limitCasesPerSec).padStart(18)}   transform called directly, validators precompiled, main thread`);
  terminal.out(`  harness  ${rate(report.harnessCasesPerSec).padStart(18)}   the cxda test pipeline on ${report.workers} worker${report.workers === 1 ? "" : "s"}`);
  terminal.out(`  full     ${rate(report.harnessFullCasesPerSec).padStart(18)}   the same, bringing back every output and log (--reporter json, --html)`);
  terminal.out(`  ratio    ${report.ratio.toFixed(3).padStart(18)}   harness / limit`);
  const cpu = report.cpuMicrosPerCase;
  terminal.out(`  CPU per case (all threads): limit ${cpu.limit} µs, harness ${cpu.harness} µs, full ${cpu.harnessFull} µs`);
  const crossing = report.crossingMicrosPerCase;
  terminal.out(`  crossing to a worker, per case: serialise ${crossing.serialise} µs + parse ${crossing.parse} µs + freeze ${crossing.freeze} µs (on one thread)`);
  terminal.out(paint(terminal, "dim", `  pool start ${report.poolStartMs} ms (once per run), peak RSS ${report.peakRssMb} MB, ${availableParallelism()} cores`));
  return EXIT.ok;
}

/** Registers `cxda bench`. */
export function registerBenchCommand(program: Command, setExit: (code: number) => void): void {
  program
    .command("bench")
    .description("measure the harness against the bare-loop limit on the same triggers")
    .argument("[action-dir]", "the action folder (default: the bundled example)")
    .addOption(new Option("--cases <n>", "triggers per round").default(10_000).argParser(integerFlag("--cases")))
    .option("--seed <seed>", "seed of the triggers", "bench")
    .addOption(new Option("--workers <n>", "worker threads for the harness").default(1).argParser(integerFlag("--workers")))
    .addOption(new Option("--rounds <n>", "measured rounds; the median is reported").default(5).argParser(integerFlag("--rounds")))
    .option("--json", "print one JSON object")
    .addHelpText("after", "\nExamples:\n  cxda bench\n  cxda bench examples/billing-callback --cases 50000 --workers 2 --json")
    .action(async (dir: string | undefined, flags: BenchFlags) => setExit(await runBenchCommand(dir, flags, processTerminal())));
}
