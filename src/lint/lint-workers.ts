// Runs `lintAction` in worker threads, each action under a time limit: a template whose regular expression backtracks
// forever is stopped (the thread is terminated) and reported, and the next action gets a fresh thread.
import { createHash } from "node:crypto";
import { existsSync } from "node:fs";
import { mkdir, readFile, rename, writeFile } from "node:fs/promises";
import { availableParallelism } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { Worker } from "node:worker_threads";
import { CxdaError } from "../core/errors.js";
import type { ActionLint } from "./lint-action.js";
import type { LintJob, LintWorkerMessage } from "./lint-protocol.js";
import type { LintTarget, RenderStep } from "./lint-types.js";

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

let entry: Promise<string> | undefined;

/**
 * The worker's module: `lint-worker.js` beside this file once built; from the TypeScript sources (cxda's own tests),
 * bundled once with esbuild into node_modules/.cache/cxda, where packages still resolve.
 */
function workerEntry(): Promise<string> {
  entry ??= (async () => {
    const here = dirname(fileURLToPath(import.meta.url));
    const compiled = join(here, "lint-worker.js");
    if (existsSync(compiled)) return compiled;
    const { build } = await import("esbuild");
    const result = await build({
      entryPoints: [join(here, "lint-worker.ts")],
      bundle: true,
      write: false,
      format: "esm",
      platform: "node",
      target: "node20",
      packages: "external",
      logLevel: "silent",
    });
    const code = result.outputFiles[0]?.text ?? "";
    const cacheDir = join(here, "..", "..", "node_modules", ".cache", "cxda");
    const file = join(cacheDir, `lint-worker-${createHash("sha256").update(code).digest("hex").slice(0, 16)}.mjs`);
    if ((await readFile(file, "utf8").catch(() => "")) !== code) {
      await mkdir(cacheDir, { recursive: true });
      await writeFile(`${file}.${process.pid}.tmp`, code);
      await rename(`${file}.${process.pid}.tmp`, file);
    }
    return file;
  })();
  return entry;
}

/** A finding that stands for the whole action: it could not be linted to the end. */
function stopped(code: string, message: string, hint: string, step?: RenderStep): ActionLint {
  return {
    findings: [{ severity: "error", code, ...(step === undefined ? {} : { path: step.path }), message, hint, count: 1 }],
    renders: 0,
    refused: 0,
  };
}

/** One worker thread, started when first needed and again after it was stopped. */
class LintThread {
  private worker: Worker | undefined;
  private ready: Promise<Worker> | undefined;

  constructor(private readonly options: LintWorkerOptions) {}

  private start(): Promise<Worker> {
    this.ready ??= workerEntry().then(
      (file) =>
        new Promise<Worker>((resolve, reject) => {
          // No environment at all: whatever a template does, it cannot read a credential from process.env.
          const worker = new Worker(file, {
            env: {},
            execArgv: [],
            stdout: true,
            stderr: true,
            resourceLimits: { maxOldGenerationSizeMb: this.options.memoryMb },
          });
          worker.once("message", (message: LintWorkerMessage) => {
            if (message.type === "ready" && message.environment === 0) resolve(worker);
            else {
              void worker.terminate();
              reject(
                new CxdaError(
                  "E_SANDBOX",
                  "the lint worker started with environment variables; it must have none, so that no template can reach a credential",
                ),
              );
            }
          });
          worker.once("error", (error) => reject(new CxdaError("E_SANDBOX", `the lint worker did not start: ${error.message}`, { cause: error })));
          this.worker = worker;
        }),
    );
    return this.ready;
  }

  /** Stops the thread (a hung render cannot be interrupted otherwise); the next job starts a new one. */
  async stop(): Promise<void> {
    const worker = this.worker;
    this.worker = undefined;
    this.ready = undefined;
    await worker?.terminate();
  }

  async run(job: LintJob): Promise<ActionLint> {
    const worker = await this.start();
    const { timeoutMs } = this.options;
    return new Promise<ActionLint>((resolve) => {
      let last: RenderStep | undefined;
      const finish = (result: ActionLint, stop = false): void => {
        clearTimeout(timer);
        worker.off("message", onMessage);
        worker.off("error", onError);
        worker.off("exit", onExit);
        if (stop) void this.stop();
        resolve(result);
      };
      const timer = setTimeout(() => {
        const where = last === undefined ? "before its first render" : `while rendering ${last.path} with the input "${last.input}"`;
        finish(
          stopped(
            "timeout",
            `linting took longer than ${timeoutMs} ms and was stopped ${where}`,
            "a regular expression in the template (.matches, .replaceAll, .split) may backtrack without end on that input; simplify it, or give lint more time with --timeout",
            last,
          ),
          true,
        );
      }, timeoutMs);
      const onMessage = (message: LintWorkerMessage): void => {
        if (message.type === "progress" && message.id === job.id) last = { path: message.path, input: message.input };
        else if (message.type === "result" && message.id === job.id)
          finish({ findings: message.findings, renders: message.renders, refused: message.refused });
        else if (message.type === "failed" && message.id === job.id)
          finish(
            stopped(message.code, `linting failed: ${message.message}`, "this is a fault in cxda lint; please report it with the definition", last),
          );
      };
      const onError = (error: Error & { code?: string }): void => {
        const memory = error.code === "ERR_WORKER_OUT_OF_MEMORY";
        const message = memory
          ? `linting ran out of memory (more than ${this.options.memoryMb} MB)${last === undefined ? "" : ` while rendering ${last.path} with the input "${last.input}"`}`
          : `the lint worker stopped: ${error.message}`;
        finish(
          stopped(
            memory ? "out-of-memory" : "E_LINT",
            message,
            "a template that builds huge text (a #foreach over a large range) is the usual cause",
            last,
          ),
          true,
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

/** The number of worker threads for `count` actions: at most the cores, at most 4 (each render is short). */
export function lintWorkerCount(count: number): number {
  return Math.max(1, Math.min(count, availableParallelism(), 4));
}

/**
 * Lints each target in a worker thread, `options.workers` at a time, each under `options.timeoutMs`; results in the
 * order of `targets`. A target that times out, runs out of memory or crashes its thread gets one error finding
 * (`timeout`, `out-of-memory`) instead of its findings, and its thread is replaced.
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
          results[index] = await thread.run({ type: "lint", id: index, target: targets[index]!, seed: options.seed });
          onDone?.(index);
        }
      }),
    );
  } finally {
    await Promise.all(threads.map((thread) => thread.stop()));
  }
  return results;
}
