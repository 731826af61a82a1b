// createBus(): the event bus wired to the runner, so published triggers run through the same pipeline as cases.
import { join } from "node:path";
import type { CaseResult } from "../core/types.js";
import { createWorkerPool, type WorkerPool, type WorkerPoolOptions } from "../executor/worker-pool.js";
import { createEventBus, type EventBus } from "../bus/event-bus.js";
import { runCases } from "./run-cases.js";
import { ActionCache } from "./run-plan.js";

/** A bus that can publish; `close()` stops the workers it started. */
export interface RunnableBus extends EventBus {
  close(): Promise<void>;
}

/**
 * Creates the mock event bus with a worker pool (started on the first publish) behind `publish`.
 * @example
 * const bus = createBus();
 * bus.subscribe("da-test-12345", "examples/billing-callback");
 * const recording = bus.intercept();
 * const result = await bus.publish(createPayload());
 * await bus.close();
 */
export function createBus(options: WorkerPoolOptions & { vars?: Record<string, unknown>; env?: string } = {}): RunnableBus {
  let pool: Promise<WorkerPool> | undefined;
  // Each publish runs one trigger: the action it goes to is loaded once, and again only when its folder changes.
  const actionCache = new ActionCache();
  const bus = createEventBus(async (actionDir, single, self) => {
    // Transforms may read the first published action's folder unless `readPaths` says which folders to open.
    pool ??= createWorkerPool({ ...options, workers: options.workers ?? 1, readPaths: options.readPaths ?? [actionDir, join(".cxda", "build")] });
    let result: CaseResult | undefined;
    for await (const each of runCases({ ...options, actions: [actionDir], cases: [single], pool: await pool, bus: self, actionCache })) result = each;
    if (result === undefined) throw new Error(`${actionDir}: the published trigger produced no result`);
    return result;
  });
  return Object.assign(bus, {
    async close() {
      if (pool !== undefined) await (await pool).close();
      pool = undefined;
    },
  });
}
