// The worker thread the emulator tests Genesys declarative actions in (POST …/test): one test at a time, so that a
// template that never ends (a Java regular expression backtracking) is stopped by ending the thread, not the emulator.
import { parentPort } from "node:worker_threads";
import type { DeclarativeTestJob, DeclarativeTestMessage } from "./declarative-test-protocol.js";
import { testDeclarativeAction } from "./declarative-test-run.js";

const port = parentPort;
if (port === null) throw new Error("src/emulator/declarative-test-worker.ts runs as a worker thread of the emulator, not on its own");

const send = (message: DeclarativeTestMessage): void => port.postMessage(message);

port.on("message", (job: DeclarativeTestJob) => {
  void testDeclarativeAction(job, {
    upstream: (request) => send({ type: "progress", id: job.id, phase: "upstream", request }),
    answered: (reply) => send({ type: "progress", id: job.id, phase: "answered", reply }),
  }).then(
    (test) => send({ type: "result", id: job.id, test }),
    // testDeclarativeAction does not reject; should it ever, the test still gets an answer.
    (error: unknown) =>
      send({
        type: "result",
        id: job.id,
        test: { ok: false, steps: [], error: { code: "E_INTERNAL", message: error instanceof Error ? error.message : String(error) } },
      }),
  );
});

// Zero: the thread was started with an empty environment, so no template can read a credential from it.
send({ type: "ready", environment: Object.keys(process.env).length });
