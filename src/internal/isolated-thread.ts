// A worker thread with no environment at all, for code that runs what a definition's templates say (cxda lint, the
// emulator's tests): started when first needed, stopped when a job runs too long, started afresh for the next.
import { Worker } from "node:worker_threads";

/**
 * One such thread. Its module must post `{ type: "ready", environment: Object.keys(process.env).length }` first: a
 * thread that sees any variable is refused (whatever a template does, it must not reach a credential).
 */
export class IsolatedThread {
  private worker: Worker | undefined;
  private ready: Promise<Worker> | undefined;

  /**
   * @param entry the thread's module (see internal/worker-module.ts)
   * @param memoryMb its heap limit
   * @param label what it is, for errors ("the lint worker")
   */
  constructor(
    private readonly entry: () => Promise<string>,
    private readonly memoryMb: number,
    private readonly label: string,
  ) {}

  /** The thread, started (and found ready) when it was not running. */
  start(): Promise<Worker> {
    this.ready ??= this.entry().then(
      (file) =>
        new Promise<Worker>((resolve, reject) => {
          const worker = new Worker(file, {
            env: {},
            execArgv: [],
            stdout: true,
            stderr: true,
            resourceLimits: { maxOldGenerationSizeMb: this.memoryMb },
          });
          // What a template prints is not cxda's output.
          worker.stdout.resume();
          worker.stderr.resume();
          worker.once("message", (message: { type?: unknown; environment?: unknown }) => {
            if (message.type === "ready" && message.environment === 0) resolve(worker);
            else {
              void worker.terminate();
              reject(new Error(`${this.label} started with environment variables; it must have none, so that no template can reach a credential`));
            }
          });
          worker.once("error", (error) => reject(new Error(`${this.label} did not start: ${error.message}`, { cause: error })));
          worker.once("exit", () => reject(new Error(`${this.label} ended before it was ready`)));
          this.worker = worker;
        }),
    );
    return this.ready;
  }

  /** Ends the thread (a job that never ends cannot be interrupted otherwise); the next `start` makes a new one. */
  async stop(): Promise<void> {
    const worker = this.worker;
    this.worker = undefined;
    this.ready = undefined;
    await worker?.terminate();
  }
}
