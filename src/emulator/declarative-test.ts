// The emulator's tests of Genesys declarative actions (POST …/test), each in a worker thread under a time limit: a
// template whose regular expression backtracks for ever ends its thread, and the test answers with a failed step.
import { dirname } from "node:path";
import { fileURLToPath } from "node:url";
import type { Worker } from "node:worker_threads";
import { IsolatedThread } from "../internal/isolated-thread.js";
import { workerModule } from "../internal/worker-module.js";
import type { EmulatedTest, EmulatedTestStep } from "../platforms/platform.js";
import type { ResolvedRequest } from "../platforms/genesys/declarative/resolve-request.js";
import type { DeclarativeTestJob, DeclarativeTestMessage, TestReply } from "./declarative-test-protocol.js";

/** The worker's module: `declarative-test-worker.js` beside this file once built (see internal/worker-module.ts). */
function workerEntry(): Promise<string> {
  return workerModule(dirname(fileURLToPath(import.meta.url)), "declarative-test-worker");
}

/** Settings of {@link createDeclarativeTester}. */
export interface DeclarativeTesterOptions {
  /** Milliseconds one test may take, upstream call included. */
  timeoutMs: number;
  /** Worker threads at most; more tests wait for one. @default 4 */
  maxThreads?: number;
  /** Heap of one worker thread, in MB. @default 256 */
  memoryMb?: number;
}

/** What a test knew when it was stopped: the request it sent and the answer it got, if it got that far. */
interface Progress {
  request?: ResolvedRequest;
  reply?: TestReply;
}

/**
 * The answer for a test stopped from outside (time limit, memory, a thread that died): the steps it finished, then the
 * one it was in, failed with `code` and a message naming what to look at.
 */
export function stoppedTest(progress: Progress, code: string, why: string): EmulatedTest {
  const steps: EmulatedTestStep[] = [];
  const fail = (step: EmulatedTestStep["step"], message: string): EmulatedTest => {
    const error = { code, message };
    steps.push({ step, ok: false, error });
    return { ok: false, steps, error };
  };
  if (progress.request === undefined) {
    return fail(
      "resolve-request",
      `resolving the request ${why}: a regular expression in the URL, header or body template (.matches, .replaceAll, .split) may backtrack without end on this input`,
    );
  }
  steps.push({ step: "resolve-request", ok: true, result: progress.request });
  if (progress.reply === undefined)
    return fail("upstream", `the upstream (${progress.request.method} ${progress.request.url}) ${why} without answering`);
  const { reply } = progress;
  let body: unknown = reply.body;
  try {
    body = JSON.parse(reply.body) as unknown;
  } catch {
    // shown as text
  }
  steps.push({ step: "upstream", ok: true, result: { status: reply.status, headers: reply.headers, body } });
  return fail(
    "success-template",
    `the translation map and success template ${why}: a regular expression in the success template (.matches, .replaceAll, .split) may backtrack without end on this answer`,
  );
}

/** One worker thread, started when first needed; a thread that was stopped is not used again. */
class TestThread {
  private readonly thread: IsolatedThread;

  constructor(private readonly options: Required<DeclarativeTesterOptions>) {
    this.thread = new IsolatedThread(workerEntry, options.memoryMb, "the emulator's test worker");
  }

  private start(): Promise<Worker> {
    return this.thread.start();
  }

  /** Ends the thread (a template that never ends cannot be interrupted otherwise). */
  stop(): Promise<void> {
    return this.thread.stop();
  }

  /** Runs one test; `reusable` is false when the thread had to be stopped. */
  async run(job: DeclarativeTestJob): Promise<{ test: EmulatedTest; reusable: boolean }> {
    let worker: Worker;
    try {
      worker = await this.start();
    } catch (error) {
      await this.stop();
      const message = `the emulator could not start its test worker: ${error instanceof Error ? error.message : String(error)}`;
      return { test: { ok: false, steps: [], error: { code: "E_SANDBOX", message } }, reusable: false };
    }
    worker.ref();
    const { timeoutMs, memoryMb } = this.options;
    const progress: Progress = {};
    const outcome = await new Promise<{ test: EmulatedTest; reusable: boolean }>((resolve) => {
      const finish = (value: { test: EmulatedTest; reusable: boolean }): void => {
        clearTimeout(timer);
        worker.off("message", onMessage);
        worker.off("error", onError);
        worker.off("exit", onExit);
        resolve(value);
      };
      const onMessage = (message: DeclarativeTestMessage): void => {
        if (message.type === "ready" || message.id !== job.id) return;
        if (message.type === "result") finish({ test: message.test, reusable: true });
        else if (message.phase === "upstream") progress.request = message.request;
        else progress.reply = message.reply;
      };
      const onError = (error: Error): void => {
        const memory = (error as { code?: unknown }).code === "ERR_WORKER_OUT_OF_MEMORY";
        finish({
          test: memory
            ? stoppedTest(progress, "E_MEMORY", `needed more than ${memoryMb} MB`)
            : stoppedTest(progress, "E_SANDBOX", `ended the emulator's test thread (${error.message})`),
          reusable: false,
        });
      };
      const onExit = (code: number): void =>
        finish({ test: stoppedTest(progress, "E_SANDBOX", `ended the emulator's test thread (exit ${code})`), reusable: false });
      const timer = setTimeout(
        () => finish({ test: stoppedTest(progress, "E_TIMEOUT", `did not finish within ${timeoutMs} ms`), reusable: false }),
        timeoutMs,
      );
      worker.on("message", onMessage);
      worker.once("error", onError);
      worker.once("exit", onExit);
      worker.postMessage(job);
    });
    if (outcome.reusable) worker.unref();
    else await this.stop();
    return outcome;
  }
}

/** Tests declarative actions in worker threads; `close` ends every thread. */
export interface DeclarativeTester {
  test(job: Omit<DeclarativeTestJob, "id" | "upstreamTimeoutMs">): Promise<EmulatedTest>;
  close(): Promise<void>;
}

/**
 * A tester with at most `maxThreads` threads, kept between tests (idle ones do not keep the process alive).
 * @example
 * const tester = createDeclarativeTester({ timeoutMs: 10_000 });
 * const test = await tester.test({ definition, actionId: "custom_-_1", input: { id: "7" }, origin: emulator.url });
 * await tester.close();
 */
export function createDeclarativeTester(options: DeclarativeTesterOptions): DeclarativeTester {
  const resolved: Required<DeclarativeTesterOptions> = { maxThreads: 4, memoryMb: 256, ...options };
  const idle: TestThread[] = [];
  const all = new Set<TestThread>();
  const waiting: Array<() => void> = [];
  let running = 0;
  let nextId = 0;
  let closed = false;
  return {
    async test(job) {
      if (running >= resolved.maxThreads) await new Promise<void>((resolve) => waiting.push(resolve));
      running++;
      const thread = idle.pop() ?? new TestThread(resolved);
      all.add(thread);
      try {
        const { test, reusable } = await thread.run({ ...job, id: ++nextId, upstreamTimeoutMs: resolved.timeoutMs });
        if (reusable && !closed) idle.push(thread);
        else all.delete(thread);
        return test;
      } finally {
        running--;
        waiting.shift()?.();
      }
    },
    async close() {
      closed = true;
      idle.length = 0;
      await Promise.all([...all].map((thread) => thread.stop()));
      all.clear();
    },
  };
}
