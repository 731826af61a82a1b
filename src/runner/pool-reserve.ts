// A sandbox pool started ahead of the next run (watch mode's reruns): the run takes it booted, and a fresh one follows.
import { createWorkerPool, resolveWorkerPoolOptions, type WorkerPool, type WorkerPoolOptions } from "../executor/worker-pool.js";

/**
 * Keeps one spare worker pool booting for the next run, so that a rerun does not wait for a sandbox process to start
 * (about 300 ms of the example's 400). Each run still gets a pool no earlier run has used: a transform's module state,
 * a changed built-in or a worker that died while idle cannot carry over, and the results stay those of a cold
 * `cxda test`. A run hands its pool back through {@link PoolReserve.release}, which stops it and starts the next spare
 * with as many workers as the run ended with. A spare is used only by a run asking for the same pool options (timeouts,
 * limits, readable folders in any order, inspector); another run gets a new pool, and the spare is stopped.
 * @example
 * const reserve = new PoolReserve();
 * for await (const result of runCases({ actions: [dir], reserve })) …; // the next run starts on a booted sandbox
 * await reserve.close();
 */
export class PoolReserve {
  private spare: { key: string; pool: Promise<WorkerPool> } | undefined;
  private closed = false;

  /** A pool for a run: the spare when it was started with these options, else a new one. */
  take(options: WorkerPoolOptions): Promise<WorkerPool> {
    const key = poolKey(options);
    const spare = this.spare;
    this.spare = undefined;
    if (spare !== undefined && spare.key === key && !this.closed)
      // A spare that could not start is not the run's problem yet: the run tries a pool of its own, as it would have.
      return spare.pool.catch(() => createWorkerPool(options));
    if (spare !== undefined) void stop(spare.pool);
    return createWorkerPool(options);
  }

  /** Stops the pool a run used and starts the next spare like it (not after {@link close}). */
  async release(pool: WorkerPool, options: WorkerPoolOptions): Promise<void> {
    const workers = Math.max(1, pool.size);
    await pool.close();
    if (this.closed) return;
    if (this.spare !== undefined) void stop(this.spare.pool);
    const next = createWorkerPool({ ...options, workers });
    // A spare that cannot start fails the run that takes it, where the error is reported; not here, unhandled.
    next.catch(() => undefined);
    this.spare = { key: poolKey(options), pool: next };
  }

  /** Stops the spare; later releases start none. */
  async close(): Promise<void> {
    this.closed = true;
    const spare = this.spare;
    this.spare = undefined;
    if (spare !== undefined) await stop(spare.pool);
  }
}

/** What makes two pools interchangeable: every resolved option but the number of workers (a run grows its pool). */
function poolKey(options: WorkerPoolOptions): string {
  const { workers: _workers, readPaths, ...rest } = resolveWorkerPoolOptions(options);
  return JSON.stringify({ ...rest, readPaths: [...new Set(readPaths)].sort() });
}

async function stop(pool: Promise<WorkerPool>): Promise<void> {
  await pool.then(
    (started) => started.close(),
    () => undefined,
  );
}
