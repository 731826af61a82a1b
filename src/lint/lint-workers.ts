// Runs `lintAction` in worker threads, each action under a time limit: a template whose regular expression backtracks
// forever is stopped (the thread is terminated) and reported, and the next action gets a fresh thread.
import { availableParallelism } from "node:os";
import { dirname } from "node:path";
import { fileURLToPath } from "node:url";
import type { Worker } from "node:worker_threads";
import { CxdaError } from "../core/errors.js";
import { IsolatedThread } from "../internal/isolated-thread.js";
import { workerModule } from "../internal/worker-module.js";
import type { ActionLint } from "./lint-action.js";
import type { LintJob, LintWorkerMessage } from "./lint-protocol.js";
import type { LintTarget, RenderStep, TemplateFinding } from "./lint-types.js";

/** Options of {@link lintInWorkers}, resolved. */
export interface LintWorkerOptions {
  /** Milliseconds one action's renders may take. */
  timeoutMs: number;
  seed: string;
  /** Worker threads at most. */
  workers: number;
  /** Heap limit of each worker, in MB. */
  memoryMb: number;
}

/** The worker's module: `lint-worker.js` beside this file once built (see internal/worker-module.ts). */
function workerEntry(): Promise<string> {
  return workerModule(dirname(fileURLToPath(import.meta.url)), "lint-worker");
}

/** How one attempt at an action ended: its lint, or a render that had to be stopped (with the finding that says so). */
type Outcome = { kind: "done"; lint: ActionLint } | { kind: "stopped"; finding: TemplateFinding; step?: RenderStep; retry: boolean };

/** Renders left out of one action at most, each after it hung or ran out of memory, before lint gives up on the action. */
const MAX_SKIPPED = 2;

/** The keys of a template's JSON path: a header's name or a translation-map key may hold dots of its own. */
function pointerOf(path: string): string[] {
  const parts = path.split(".");
  return parts.length > 3 && ["headers", "translationMap", "translationMapDefaults"].includes(parts[2]!)
    ? [...parts.slice(0, 3), parts.slice(3).join(".")]
    : parts;
}

function stoppedFinding(code: string, message: string, hint: string, step?: RenderStep): TemplateFinding {
  return { severity: "error", code, ...(step === undefined ? {} : { path: step.path, pointer: pointerOf(step.path) }), message, hint, count: 1 };
}

/** One worker thread, started when first needed and again after it was stopped. */
class LintThread {
  private readonly thread: IsolatedThread;

  constructor(private readonly options: LintWorkerOptions) {
    this.thread = new IsolatedThread(workerEntry, options.memoryMb, "the lint worker");
  }

  private start(): Promise<Worker> {
    return this.thread.start().catch((error: Error) => {
      throw new CxdaError("E_SANDBOX", error.message, { cause: error });
    });
  }

  /** Stops the thread (a hung render cannot be interrupted otherwise); the next job starts a new one. */
  stop(): Promise<void> {
    return this.thread.stop();
  }

  async run(job: LintJob): Promise<Outcome> {
    const worker = await this.start();
    const { timeoutMs, memoryMb } = this.options;
    return new Promise<Outcome>((resolve) => {
      let last: RenderStep | undefined;
      const during = (): string => (last === undefined ? "before its first render" : `while rendering ${last.path} with the input "${last.input}"`);
      const finish = (outcome: Outcome): void => {
        clearTimeout(timer);
        worker.off("message", onMessage);
        worker.off("error", onError);
        worker.off("exit", onExit);
        // A thread stopped in the middle of a render cannot be trusted again, nor interrupted otherwise.
        if (outcome.kind === "stopped") void this.stop();
        resolve(outcome);
      };
      const stoppedHere = (code: string, message: string, hint: string, retry: boolean): Outcome => ({
        kind: "stopped",
        finding: stoppedFinding(code, message, hint, last),
        ...(last === undefined ? {} : { step: last }),
        retry,
      });
      const timer = setTimeout(() => {
        const hint =
          "a regular expression in the template (.matches, .replaceAll, .split) may backtrack without end on that input; simplify it, or give lint more time with --timeout";
        finish(stoppedHere("timeout", `linting took longer than ${timeoutMs} ms and was stopped ${during()}`, hint, true));
      }, timeoutMs);
      const onMessage = (message: LintWorkerMessage): void => {
        if (message.type === "progress" && message.id === job.id) last = { path: message.path, input: message.input };
        else if (message.type === "result" && message.id === job.id)
          finish({ kind: "done", lint: { findings: message.findings, renders: message.renders } });
        else if (message.type === "failed" && message.id === job.id) {
          const hint = "this is a fault in cxda lint; please report it with the definition";
          finish(stoppedHere(message.code, `linting failed ${during()}: ${message.message}`, hint, false));
        }
      };
      const onError = (error: Error & { code?: string }): void => {
        const memory = error.code === "ERR_WORKER_OUT_OF_MEMORY";
        const hint = "a template that builds huge text (a #foreach over a large range) is the usual cause";
        finish(
          memory
            ? stoppedHere("out-of-memory", `linting ran out of memory (more than ${memoryMb} MB) ${during()}`, hint, true)
            : stoppedHere("E_LINT", `the lint worker stopped ${during()}: ${error.message}`, "this is a fault in cxda lint; please report it", false),
        );
      };
      const onExit = (): void => onError(new Error("it exited"));
      worker.on("message", onMessage);
      worker.once("error", onError);
      worker.once("exit", onExit);
      worker.postMessage(job satisfies LintJob);
    });
  }
}

/**
 * Lints one target; a render that hangs or runs out of memory is reported and left out, and the action linted again
 * without it (a fresh thread each time), up to {@link MAX_SKIPPED} renders, after which lint gives up on the action.
 */
async function lintOne(thread: LintThread, target: LintTarget, id: number, seed: string): Promise<ActionLint> {
  const skip: RenderStep[] = [];
  const stops: TemplateFinding[] = [];
  for (;;) {
    const outcome = await thread.run({ type: "lint", id, target, seed, skip: [...skip] });
    if (outcome.kind === "done") return { ...outcome.lint, findings: [...stops, ...outcome.lint.findings] };
    const { finding, step } = outcome;
    if (!outcome.retry || step === undefined || skip.length >= MAX_SKIPPED) {
      const more = outcome.retry ? `; lint gave up on this action after ${skip.length + 1} stopped renders` : "";
      return { findings: [...stops, { ...finding, message: `${finding.message}${more}` }], renders: 0 };
    }
    skip.push(step);
    stops.push({ ...finding, message: `${finding.message}; the action was linted again without this render` });
  }
}

/** The number of worker threads for `count` actions: at most the cores, at most 4 (each render is short). */
export function lintWorkerCount(count: number): number {
  return Math.max(1, Math.min(count, availableParallelism(), 4));
}

/**
 * Lints each target in a worker thread, `options.workers` at a time, each under `options.timeoutMs`; results in the
 * order of `targets`. A render that passes the time limit or the memory limit gets an error finding (`timeout`,
 * `out-of-memory`), its thread is replaced, and the action is linted again without that render (twice at most: a
 * third stop ends the action's lint). One action may so take up to three times `timeoutMs`.
 * @example
 * const [first] = await lintInWorkers([target], { timeoutMs: 5000, seed: "cxda", workers: 1, memoryMb: 256 });
 */
export async function lintInWorkers(
  targets: readonly LintTarget[],
  options: LintWorkerOptions,
  onDone?: (index: number) => void,
): Promise<ActionLint[]> {
  const results: ActionLint[] = new Array<ActionLint>(targets.length);
  const threads = Array.from({ length: Math.max(1, Math.min(options.workers, targets.length)) }, () => new LintThread(options));
  let next = 0;
  try {
    await Promise.all(
      threads.map(async (thread) => {
        for (let index = next++; index < targets.length; index = next++) {
          results[index] = await lintOne(thread, targets[index]!, index, options.seed);
          onDone?.(index);
        }
      }),
    );
  } finally {
    await Promise.all(threads.map((thread) => thread.stop()));
  }
  return results;
}
