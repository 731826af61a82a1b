// The sandbox process: a child of cxda with an empty environment and Node's permission model, holding one worker thread.
//
// The pool (executor/worker-pool.ts) starts one such process per worker. It relays batches to its worker thread and
// results back, and watches the thread: a case past its time, a module that never loads, a heap overflow, memory
// outside the heap (the process's resident size) over the limit, or an unexpected exit. On any of these it tells the
// pool what the thread was doing (from the memory they share) and the pool ends the whole process with SIGKILL, which
// also ends a thread stuck in a native call. The process reads only the paths the pool allowed, and cannot write
// files, start processes or load native code: Node refuses those, whatever module the transform reaches them through.
import { Worker } from "node:worker_threads";
import type { HostFault, HostMessage, HostStart, WorkerMessage, WorkerStartData } from "./protocol.js";
import { WORKER_PHASE, createWorkerState, readWorkerState } from "./wire.js";

const MB = 1024 * 1024;

/** How often the watchdog looks; also bounds how far memory can overshoot the limit before it is noticed. */
const WATCH_INTERVAL_MS = 5;

function send(message: HostMessage): void {
  process.send?.(message);
}

function begin(start: HostStart): void {
  const state = createWorkerState();
  const workerData: WorkerStartData = {
    state: state.buffer as SharedArrayBuffer,
    epoch: start.epoch,
    maxOutputBytes: start.maxOutputBytes,
    maxLogBytes: start.maxLogBytes,
    memoryMb: start.memoryMb,
    allowNetwork: start.allowNetwork,
  };
  const worker = new Worker(start.entry, {
    workerData,
    resourceLimits: { maxOldGenerationSizeMb: start.memoryMb, maxYoungGenerationSizeMb: 16, stackSizeMb: 4 },
    env: {},
    // The worker's own stdout and stderr come here, not to cxda's: the worker captures what a transform writes into
    // its case's logs, and anything that slips past that is dropped rather than mixed into cxda's output.
    stdout: true,
    stderr: true,
  });
  worker.stdout.resume();
  worker.stderr.resume();

  let faulted = false;
  const fault = (code: string, message: string, extra: Partial<HostFault> = {}): void => {
    if (faulted) return;
    faulted = true;
    clearInterval(watchdog);
    const snapshot = readWorkerState(state);
    // The pool kills this process when it reads the fault.
    send({ type: "fault", fault: { code, message }, state: snapshot, at: Date.now() - start.epoch, ...extra });
  };

  /** The resident size once the worker has loaded: the limit is counted from here. */
  let baseline = 0;
  const limitBytes = start.memoryMb * MB;

  const watch = (): void => {
    const { phase, since } = readWorkerState(state);
    const elapsed = Date.now() - start.epoch - since;
    if (phase === WORKER_PHASE.running && elapsed > start.timeoutMs) {
      fault(
        "E_TIMEOUT",
        `the transform did not finish within ${start.timeoutMs} ms (an endless loop, or a promise that never settles?); raise the limit with --timeout if it is just slow`,
        { timed: true },
      );
      return;
    }
    if (phase === WORKER_PHASE.loading && elapsed > start.loadTimeoutMs) {
      fault("E_TIMEOUT", `the transform module did not finish loading within ${start.loadTimeoutMs} ms (top-level code that never ends?)`, {
        loading: true,
      });
      return;
    }
    if (baseline > 0 && phase !== WORKER_PHASE.idle) {
      // The heap has its own limit (resourceLimits); this catches what lives outside it: ArrayBuffers, Buffers,
      // WebAssembly memory, native allocations. Both count against the same --memory.
      const grown = process.memoryUsage.rss() - baseline;
      if (grown > limitBytes) {
        fault(
          "E_MEMORY",
          `the transform ran out of memory: its worker grew by ${Math.round(grown / MB)} MB, over the ${start.memoryMb} MB limit (heap and buffers together); look for unbounded growth, or raise the limit (--memory)`,
        );
      }
    }
  };
  const watchdog = setInterval(watch, WATCH_INTERVAL_MS);

  worker.on("message", (message: WorkerMessage) => {
    // Only the harness's kinds of message pass; the pool checks their contents against the batch it sent.
    const kind = typeof message === "object" && message !== null ? (message as { type?: unknown }).type : undefined;
    if (kind !== "ready" && kind !== "results" && kind !== "recycle" && kind !== "upstream") {
      fault("E_SANDBOX", "the worker sent a message the harness never sends; it was stopped");
      return;
    }
    if (kind === "ready") baseline = process.memoryUsage.rss();
    send(message);
  });
  worker.on("error", (error: Error & { code?: string }) => {
    if (error.code === "ERR_WORKER_OUT_OF_MEMORY") {
      fault(
        "E_MEMORY",
        `the transform ran out of memory (heap limit ${start.memoryMb} MB); look for unbounded growth, or raise the limit (--memory)`,
      );
    } else {
      fault("E_SANDBOX", `the worker running the transform failed: ${error.message}`);
    }
  });
  worker.on("exit", (exitCode) => fault("E_SANDBOX", `the worker running the transform exited unexpectedly (code ${exitCode})`));
  process.on("message", (message: Parameters<Worker["postMessage"]>[0]) => {
    if (!faulted) worker.postMessage(message);
  });
}

// Started with an IPC channel by the pool; the first message says how to start the worker.
if (process.send !== undefined) {
  process.once("message", (message: HostStart) => begin(message));
  // cxda went away without closing the pool: nothing here is worth finishing.
  process.once("disconnect", () => process.kill(process.pid, "SIGKILL"));
}
