// The worker thread `cxda lint` renders templates in, one action at a time, so that a template that hangs can be stopped.
import { parentPort } from "node:worker_threads";
import { isCxdaError } from "../core/errors.js";
import { lintAction } from "./lint-action.js";
import type { LintJob, LintWorkerMessage } from "./lint-protocol.js";

const port = parentPort;
if (port === null) throw new Error("src/lint/lint-worker.ts runs as a worker thread of cxda lint, not on its own");

const send = (message: LintWorkerMessage): void => port.postMessage(message);

port.on("message", (job: LintJob) => {
  try {
    // Each render is announced first: if one never ends, the thread that stops this one knows which.
    const result = lintAction(job.target, { seed: job.seed, skip: job.skip, onProgress: (step) => send({ type: "progress", id: job.id, ...step }) });
    send({ type: "result", id: job.id, ...result });
  } catch (error) {
    send({
      type: "failed",
      id: job.id,
      code: isCxdaError(error) ? error.code : "E_LINT",
      message: error instanceof Error ? error.message : String(error),
    });
  }
});

send({ type: "ready", environment: Object.keys(process.env).length });
