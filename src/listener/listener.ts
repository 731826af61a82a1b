// The listener: a loopback HTTP endpoint that takes real inbound triggers (the execute contract) and runs them through local actions.
// Its rooms: options (listener-options.ts), the routes (listener-routes.ts, execute-route.ts), the actions it keeps
// loaded (served-action.ts), one trigger's run (run-trigger.ts), recordings (record-trigger.ts).
import type { IncomingMessage, ServerResponse } from "node:http";
import { performance } from "node:perf_hooks";
import { CxdaError, describeThrown } from "../core/errors.js";
import { createWorkerPool, type WorkerPool } from "../executor/worker-pool.js";
import { findActionDirs } from "../runner/find-action-dirs.js";
import { HttpServer } from "../server/http-server.js";
import { errorOf, errorReply, writeReply, type Reply } from "../server/reply.js";
import { ExecuteRoute } from "./execute-route.js";
import {
  resolveListenerOptions,
  type ListenerAction,
  type ListenerOptions,
  type ListenerRequest,
  type ResolvedListenerOptions,
} from "./listener-options.js";
import { ListenerRoutes } from "./listener-routes.js";
import { ServedAction } from "./served-action.js";

export { resolveListenerOptions } from "./listener-options.js";
export type { ListenerAction, ListenerOptions, ListenerRequest, ResolvedListenerOptions } from "./listener-options.js";

/** A running listener. */
export interface Listener {
  /** Origin, e.g. `http://127.0.0.1:40123`. */
  readonly url: string;
  readonly port: number;
  readonly host: string;
  readonly actions: readonly ListenerAction[];
  /** Stops taking requests, lets running ones finish, and stops the workers. */
  close(): Promise<void>;
}

/** Answers one request through the routes, and logs it. */
class RequestHandler {
  #sequence = 0;
  readonly #routes: ListenerRoutes;
  readonly #onRequest: ResolvedListenerOptions["onRequest"];

  constructor(routes: ListenerRoutes, onRequest: ResolvedListenerOptions["onRequest"]) {
    this.#routes = routes;
    this.#onRequest = onRequest;
  }

  async handle(request: IncomingMessage, response: ServerResponse): Promise<void> {
    const started = performance.now();
    let path = "/";
    try {
      path = new URL(request.url ?? "/", "http://listener").pathname;
    } catch {
      // An unparsable target is answered as an unknown route.
    }
    const entry: ListenerRequest = { seq: ++this.#sequence, method: request.method ?? "GET", path, status: 0, durationMs: 0 };
    let reply: Reply;
    try {
      reply = await this.#routes.answer(request, entry);
    } catch (error) {
      reply = errorReply(500, "listener_error", `the listener failed on this request: ${describeThrown(error)}`, { close: true });
    }
    const headers = { "cache-control": "no-store" };
    try {
      writeReply(response, reply, { head: request.method === "HEAD", headers });
    } catch (error) {
      // An answer that cannot be serialised still gets an answer.
      reply = errorReply(500, "listener_error", `the answer could not be sent: ${describeThrown(error)}`, { close: true });
      writeReply(response, reply, { headers });
    }
    entry.status = reply.status;
    entry.durationMs = Math.round((performance.now() - started) * 1000) / 1000;
    const error = reply.status >= 400 ? errorOf(reply) : undefined;
    // The code first, as the log line has always shown it (`E_TRANSFORM: …`): scripts and readers branch on it.
    if (error !== undefined) entry.error = `${error.code}: ${error.message}`;
    try {
      this.#onRequest?.(entry);
    } catch {
      // A logging hook that throws must not take the server down.
    }
  }
}

/** Listens, or explains why it cannot. */
async function listen(settings: ResolvedListenerOptions, handler: RequestHandler): Promise<HttpServer> {
  try {
    return await HttpServer.start({
      port: settings.port,
      host: settings.host,
      // Slow headers are cut too (Node's defaults would hold such a connection for a minute or more).
      headersTimeoutMs: settings.bodyTimeoutMs,
      requestTimeoutMs: settings.bodyTimeoutMs + 5_000,
      handle: (request, response) => handler.handle(request, response),
      internalErrorCode: "listener_error",
    });
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "EADDRINUSE")
      throw new CxdaError("E_USAGE", `port ${settings.port} on ${settings.host} is already in use; pick another with --port (0 picks a free one)`, {
        cause: error,
      });
    throw new CxdaError("E_USAGE", `the listener could not start on ${settings.host}:${settings.port}: ${describeThrown(error)}`, { cause: error });
  }
}

/**
 * Starts a loopback HTTP server implementing `POST /api/v2/data-actions/{id}/execute` for local actions (the id is the
 * definition's id or the action's folder name), plus `GET /healthz`. Each action is loaded once (definition, input
 * validator, bundled transform) and again only when a file in its folder changes. Each trigger is checked against the
 * action's input schema (400 with `{ error, issues }`), run through the local transform on one worker pool kept for
 * the listener's lifetime, and answered with `{ output, issues, trace, logs }`: 200 when the output satisfies the
 * output schema, 422 with `error` when it does not or the transform failed. With `recordDir`, every well-formed
 * trigger is saved as a case file, secret-looking fields removed. Bad requests get 4xx and never stop the server: 404
 * (route or id, naming the known ids in `error.actions`), 405, 408 (body too slow), 413 (body over the limit, not read
 * further), 415 (not JSON), 400 (malformed JSON with `error.line` and `error.column`, or not an object), 403 when the
 * Host header is not `localhost`, `127.x.x.x` or `[::1]` (a web page reaching the port through DNS rebinding). Every
 * error answer is `{ error: { code, message, … } }`, as the emulator's.
 * @throws CxdaError `E_USAGE` for bad options, a missing folder or a port in use; `E_DEFINITION` / `E_SCHEMA` for an
 * action whose definition cannot be loaded; `E_CONFIG` when two actions answer to the same id.
 * @example
 * const listener = await startListener({ actions: ["examples/billing-callback"], recordDir: "recorded" });
 * await fetch(`${listener.url}/api/v2/data-actions/da-test-12345/execute`, { method: "POST", headers: { "content-type": "application/json" }, body });
 * await listener.close();
 */
export async function startListener(options: ListenerOptions): Promise<Listener> {
  const settings = resolveListenerOptions(options);
  const dirs = await findActionDirs(settings.actions);
  const served: ServedAction[] = [];
  for (const dir of dirs) served.push(await ServedAction.load(dir, settings));
  const pool: WorkerPool = await createWorkerPool({
    workers: settings.workers,
    timeoutMs: settings.timeoutMs,
    memoryMb: settings.memoryMb,
    allowNetwork: settings.allowNetwork,
    readPaths: [...dirs, settings.buildDir],
  });
  let server: HttpServer;
  let routes: ListenerRoutes;
  try {
    routes = new ListenerRoutes(settings, served, new ExecuteRoute(settings, pool));
    server = await listen(settings, new RequestHandler(routes, settings.onRequest));
  } catch (error) {
    await pool.close();
    throw error;
  }
  routes.origin = server.origin;
  for (const action of served) action.public.executeUrl = `${server.origin}/api/v2/data-actions/${encodeURIComponent(action.public.id)}/execute`;
  let closing: Promise<void> | undefined;
  return {
    url: server.origin,
    port: server.port,
    host: settings.host,
    actions: served.map((action) => action.public),
    close() {
      closing ??= server.close("finish").then(() => pool.close());
      return closing;
    },
  };
}
