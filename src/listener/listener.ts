// The listener: a loopback HTTP endpoint that takes real inbound triggers (the execute contract) and runs them through local actions.
import { existsSync } from "node:fs";
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { availableParallelism } from "node:os";
import { basename, join } from "node:path";
import { performance } from "node:perf_hooks";
import { CxdaError, describeThrown, isCxdaError } from "../core/errors.js";
import type { ActionDefinition, CaseResult } from "../core/types.js";
import { loadDefinition } from "../definitions/load-definition.js";
import { createWorkerPool, type WorkerPool } from "../executor/worker-pool.js";
import { allowedHostNames, isAllowedHost, quotedHost } from "../internal/host-header.js";
import { parseJsonText } from "../internal/json-file.js";
import { findActionDirs } from "../runner/load-action.js";
import { runCases } from "../runner/run-cases.js";
import { createValidator, type Validator } from "../validation/create-validator.js";
import { readBody } from "./read-body.js";
import { recordTrigger } from "./record-trigger.js";

/** Options of {@link startListener}. Only `actions` is required. */
export interface ListenerOptions {
  /** Action folders, or folders holding action folders; each needs a `definition.json`. */
  actions: string[];
  /** Port; 0 picks a free one. @default 0 */
  port?: number;
  /** Loopback address to bind: "127.0.0.1", "::1" or "localhost". @default "127.0.0.1" */
  host?: string;
  /**
   * Host header names accepted besides `localhost`, `127.x.x.x` and `[::1]`: the public name of a tunnel or proxy
   * that forwards to the listener without rewriting Host. Any other name gets 403 (DNS rebinding defence).
   * @default []
   */
  allowedHosts?: string[];
  /** Largest request body accepted, in bytes; larger ones get 413. @default 32768 (the platform's payload cap) */
  bodyLimitBytes?: number;
  /** Save each inbound trigger as a case file under `<recordDir>/<action folder>/cases/`. @default no recording */
  recordDir?: string;
  /** Milliseconds one transform run may take before its worker is stopped. @default 2000 */
  timeoutMs?: number;
  /** Milliseconds a client has to send the whole body; slower ones get 408. @default 10000 */
  bodyTimeoutMs?: number;
  /** Worker threads running transforms, started once for the listener's lifetime. @default up to 4 (the number of cores) */
  workers?: number;
  /** Heap limit of each worker, in MB. @default 256 */
  memoryMb?: number;
  /** `ctx.env` seen by transforms. @default "sandbox" */
  env?: string;
  /** `ctx.vars` seen by transforms. @default {} */
  vars?: Record<string, unknown>;
  /** Where bundled transforms are written. @default ".cxda/build" */
  buildDir?: string;
  /** Let transforms use the network. @default false */
  allowNetwork?: boolean;
  /** The clock used to name recorded case files (epoch ms). @default Date.now */
  now?: () => number;
  /** Called after each request is answered. */
  onRequest?: (entry: ListenerRequest) => void;
}

/** {@link ListenerOptions} with every default applied. */
export interface ResolvedListenerOptions {
  actions: string[];
  port: number;
  host: string;
  allowedHosts: ReadonlySet<string>;
  bodyLimitBytes: number;
  recordDir: string | undefined;
  timeoutMs: number;
  bodyTimeoutMs: number;
  workers: number;
  memoryMb: number;
  env: string;
  vars: Record<string, unknown>;
  buildDir: string | undefined;
  allowNetwork: boolean;
  now: () => number;
  onRequest: ((entry: ListenerRequest) => void) | undefined;
}

/** One action the listener serves. */
export interface ListenerAction {
  /** The definition's id; the folder name is accepted in the URL too. */
  id: string;
  name: string;
  dir: string;
  /** Where its transform comes from; "none" means requests to it get 422 with E_TRANSFORM. */
  transform: "file" | "definition" | "none";
  /** `POST` here to run it. */
  executeUrl: string;
}

/** One answered request, for logs. Never holds the body or headers. */
export interface ListenerRequest {
  seq: number;
  method: string;
  path: string;
  status: number;
  durationMs: number;
  actionId?: string;
  /** The case file written, with recording on. */
  recorded?: string;
  /** JSON Pointers of secret-looking fields left out of the recording. */
  removed?: string[];
  /** Why the request was refused or failed. */
  error?: string;
}

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

const LOOPBACK = new Set(["127.0.0.1", "::1", "localhost"]);
const EXECUTE_ROUTE = /^\/api\/v2\/data-actions\/([^/]+)\/execute$/;
const TRANSFORM_FILES = ["transform.ts", "transform.mts", "transform.js", "transform.mjs"];

function positiveInteger(name: string, value: number | undefined, fallback: number, min = 1): number {
  const resolved = value ?? fallback;
  if (!Number.isInteger(resolved) || resolved < min)
    throw new CxdaError("E_USAGE", `listener ${name} must be a whole number >= ${min}, got ${String(value)}`);
  return resolved;
}

/**
 * Applies the listener's defaults and rejects values that cannot work.
 * @throws CxdaError `E_USAGE` for no actions, a port outside 0–65535, a host that is not loopback, or a limit below 1.
 * @example
 * resolveListenerOptions({ actions: ["actions"] }).bodyLimitBytes; // 32768
 */
export function resolveListenerOptions(options: ListenerOptions): ResolvedListenerOptions {
  if (!Array.isArray(options.actions) || options.actions.length === 0)
    throw new CxdaError("E_USAGE", "the listener needs at least one action folder");
  const port = options.port ?? 0;
  if (!Number.isInteger(port) || port < 0 || port > 65535)
    throw new CxdaError("E_USAGE", `listener port must be 0–65535 (0 picks a free one), got ${String(options.port)}`);
  const host = options.host ?? "127.0.0.1";
  if (!LOOPBACK.has(host)) {
    throw new CxdaError(
      "E_USAGE",
      `the listener only binds to loopback (127.0.0.1, ::1, localhost), got ${JSON.stringify(host)}; forward a port (ssh -R, a tunnel) to reach it from elsewhere`,
    );
  }
  return {
    actions: options.actions,
    port,
    host,
    allowedHosts: allowedHostNames(options.allowedHosts ?? []),
    bodyLimitBytes: positiveInteger("bodyLimitBytes", options.bodyLimitBytes, 32_768),
    recordDir: options.recordDir,
    timeoutMs: positiveInteger("timeoutMs", options.timeoutMs, 2000),
    bodyTimeoutMs: positiveInteger("bodyTimeoutMs", options.bodyTimeoutMs, 10_000),
    workers: positiveInteger("workers", options.workers, Math.min(4, availableParallelism())),
    memoryMb: positiveInteger("memoryMb", options.memoryMb, 256, 16),
    env: options.env ?? "sandbox",
    vars: options.vars ?? {},
    buildDir: options.buildDir,
    allowNetwork: options.allowNetwork ?? false,
    now: options.now ?? Date.now,
    onRequest: options.onRequest,
  };
}

interface ServedAction {
  public: ListenerAction;
  definition: ActionDefinition;
  folder: string;
  input: Validator;
}

/** An answer: status, JSON body, extra headers. */
interface Reply {
  status: number;
  body: Record<string, unknown>;
  headers?: Record<string, string>;
  /** Close the connection after answering (the body was not read to its end). */
  close?: boolean;
}

function transformOf(dir: string, definition: ActionDefinition): ListenerAction["transform"] {
  if (TRANSFORM_FILES.some((name) => existsSync(join(dir, name)))) return "file";
  return definition.transform !== undefined ? "definition" : "none";
}

/** The media type of a Content-Type header, and whether its charset (if any) is UTF-8. */
function isJsonContentType(header: string | undefined): boolean {
  if (header === undefined) return false;
  const [type = "", ...params] = header.split(";").map((part) => part.trim().toLowerCase());
  const json = type === "application/json" || (type.startsWith("application/") && type.endsWith("+json"));
  const charset = params
    .find((p) => p.startsWith("charset="))
    ?.slice("charset=".length)
    .replace(/"/g, "");
  return json && (charset === undefined || charset === "utf-8" || charset === "utf8");
}

function kindOf(value: unknown): string {
  if (value === null) return "null";
  return Array.isArray(value) ? "an array" : `a ${typeof value}`;
}

/**
 * Starts a loopback HTTP server implementing `POST /api/v2/data-actions/{id}/execute` for local actions (the id is the
 * definition's id or the action's folder name), plus `GET /healthz`. Each trigger is checked against the action's
 * input schema (400 with `{ error, issues }`), run through the local transform on one worker pool kept for the
 * listener's lifetime, and answered with `{ output, issues, trace, logs }`: 200 when the output satisfies the output
 * schema, 422 with `error` when it does not or the transform failed. With `recordDir`, every well-formed trigger is
 * saved as a case file, secret-looking fields removed. Bad requests get 4xx and never stop the server: 404 (route or
 * id, naming the known ids), 405, 408 (body too slow), 413 (body over the limit, not read further), 415 (not JSON),
 * 400 (malformed JSON with line:column, or not an object), 403 with `{ error, host }` when the Host header is not
 * `localhost`, `127.x.x.x` or `[::1]` (a web page reaching the port through DNS rebinding).
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
  for (const dir of dirs) {
    const folder = basename(dir);
    const definition = await loadDefinition(join(dir, "definition.json"), { fallbackId: folder });
    const input = createValidator(definition.inputSchema, { side: "input", draft: definition.meta.inputDraft });
    served.push({
      public: { id: definition.id, name: definition.name, dir, transform: transformOf(dir, definition), executeUrl: "" },
      definition,
      folder,
      input,
    });
  }
  const byKey = new Map<string, ServedAction>();
  for (const action of served) {
    for (const key of new Set([action.public.id, action.folder])) {
      const other = byKey.get(key);
      if (other !== undefined && other !== action)
        throw new CxdaError("E_CONFIG", `two actions answer to "${key}": ${other.public.dir} and ${action.public.dir}; give them distinct ids`);
      byKey.set(key, action);
    }
  }
  const knownIds = served.map((a) => a.public.id);

  const pool: WorkerPool = await createWorkerPool({
    workers: settings.workers,
    timeoutMs: settings.timeoutMs,
    memoryMb: settings.memoryMb,
    allowNetwork: settings.allowNetwork,
    readPaths: [...dirs, settings.buildDir ?? join(".cxda", "build")],
  });
  let sequence = 0;
  let recordings = 0;
  const inflight = new Set<Promise<void>>();

  const run = async (action: ServedAction, trigger: Record<string, unknown>, seq: number): Promise<CaseResult | undefined> => {
    let result: CaseResult | undefined;
    for await (const each of runCases({
      actions: [action.public.dir],
      cases: [{ name: `listener #${seq}`, payload: trigger, expect: {} }],
      pool,
      env: settings.env,
      vars: settings.vars,
      allowNetwork: settings.allowNetwork,
      ...(settings.buildDir !== undefined ? { buildDir: settings.buildDir } : {}),
    })) {
      result = each;
    }
    return result;
  };

  const execute = async (request: IncomingMessage, action: ServedAction, entry: ListenerRequest): Promise<Reply> => {
    if (!isJsonContentType(request.headers["content-type"])) {
      return {
        status: 415,
        body: { error: `Content-Type must be application/json (UTF-8), got ${JSON.stringify(request.headers["content-type"] ?? "nothing")}` },
        close: true,
      };
    }
    const read = await readBody(request, settings.bodyLimitBytes, settings.bodyTimeoutMs);
    if (read.kind === "too-large")
      return {
        status: 413,
        body: { error: `the body is larger than ${settings.bodyLimitBytes} bytes`, limitBytes: settings.bodyLimitBytes },
        close: true,
      };
    if (read.kind === "timeout") return { status: 408, body: { error: `the body did not arrive within ${settings.bodyTimeoutMs} ms` }, close: true };
    if (read.kind === "aborted") return { status: 400, body: { error: "the request was aborted" }, close: true };

    let text: string;
    try {
      text = new TextDecoder("utf-8", { fatal: true }).decode(read.body);
    } catch {
      return { status: 400, body: { error: "the body is not valid UTF-8" } };
    }
    let trigger: unknown;
    try {
      trigger = parseJsonText(text, "request body", "E_USAGE");
    } catch (error) {
      if (!isCxdaError(error)) throw error;
      return {
        status: 400,
        body: {
          error: error.message,
          ...(error.context?.["line"] !== undefined ? { line: error.context["line"], column: error.context["column"] } : {}),
        },
      };
    }
    if (typeof trigger !== "object" || trigger === null || Array.isArray(trigger)) {
      return { status: 400, body: { error: `the body must be a JSON object (a trigger), got ${kindOf(trigger)}` } };
    }
    const payload = trigger as Record<string, unknown>;

    const extra: Record<string, unknown> = {};
    if (settings.recordDir !== undefined) {
      try {
        const recorded = await recordTrigger(settings.recordDir, action.folder, payload, { at: settings.now(), sequence: ++recordings });
        entry.recorded = recorded.file;
        entry.removed = recorded.removed;
        extra["recorded"] = { file: recorded.file, removed: recorded.removed };
      } catch (error) {
        // A full disk must not cost the sender its answer: say so and carry on.
        extra["recorded"] = { error: `could not record the trigger: ${describeThrown(error)}` };
      }
    }

    const issues = action.input.validate(payload);
    if (issues.length > 0) {
      return { status: 400, body: { error: `the trigger does not satisfy the input schema of ${action.public.id}`, issues, ...extra } };
    }
    const result = await run(action, payload, entry.seq);
    if (result === undefined) return { status: 500, body: { error: "the runner returned no result", ...extra } };
    const body: Record<string, unknown> = { output: result.output ?? null, issues: result.issues, trace: result.trace, logs: result.logs, ...extra };
    if (result.status === "pass") return { status: 200, body };
    const error =
      result.error !== undefined
        ? `${result.error.code}: ${result.error.message}`
        : result.issues.length > 0
          ? `the output does not satisfy the output schema of ${action.public.id}`
          : (result.failures[0]?.message ?? "the run failed");
    return { status: 422, body: { error, ...(result.error !== undefined ? { code: result.error.code } : {}), ...body } };
  };

  let origin = "";
  const route = async (request: IncomingMessage, entry: ListenerRequest): Promise<Reply> => {
    const method = request.method ?? "GET";
    const path = entry.path;
    const host = request.headers.host;
    if (!isAllowedHost(host, settings.allowedHosts)) {
      const error =
        `the Host header ${quotedHost(host ?? "")} does not name this machine (localhost, 127.x.x.x or [::1], any port), so the listener refused the request: ` +
        `a web page can reach a loopback port under a name of its own (DNS rebinding); send requests to ${origin}, or, behind a tunnel or proxy that ` +
        `keeps its own name in Host, start the listener with --allow-host <that name>`;
      return { status: 403, body: { error, host }, close: true };
    }
    if (path === "/healthz") {
      if (method !== "GET" && method !== "HEAD")
        return { status: 405, body: { error: `${method} is not allowed on /healthz; use GET` }, headers: { allow: "GET, HEAD" }, close: true };
      return { status: 200, body: { status: "ok", actions: knownIds } };
    }
    const match = EXECUTE_ROUTE.exec(path);
    if (match === null)
      return {
        status: 404,
        body: { error: `no route for ${method} ${path}; use POST /api/v2/data-actions/{id}/execute or GET /healthz` },
        close: true,
      };
    if (method !== "POST")
      return { status: 405, body: { error: `${method} is not allowed here; use POST` }, headers: { allow: "POST" }, close: true };
    let id: string;
    try {
      id = decodeURIComponent(match[1] ?? "");
    } catch {
      return { status: 404, body: { error: `malformed data action id in ${path}`, actions: knownIds }, close: true };
    }
    const action = byKey.get(id);
    if (action === undefined) {
      return {
        status: 404,
        body: {
          error: `unknown data action ${JSON.stringify(id)}; this listener serves ${knownIds.map((k) => JSON.stringify(k)).join(", ")}`,
          actions: knownIds,
        },
        close: true,
      };
    }
    entry.actionId = action.public.id;
    return execute(request, action, entry);
  };

  const respond = (response: ServerResponse, reply: Reply, head: boolean): void => {
    if (response.headersSent || response.destroyed) return;
    const text = JSON.stringify(reply.body);
    response.writeHead(reply.status, {
      "content-type": "application/json; charset=utf-8",
      "content-length": String(Buffer.byteLength(text)),
      "cache-control": "no-store",
      ...(reply.close ? { connection: "close" } : {}),
      ...reply.headers,
    });
    response.end(head ? undefined : text);
  };

  const handle = async (request: IncomingMessage, response: ServerResponse): Promise<void> => {
    const started = performance.now();
    let path = "/";
    try {
      path = new URL(request.url ?? "/", "http://listener").pathname;
    } catch {
      // An unparsable target is answered as an unknown route.
    }
    const entry: ListenerRequest = { seq: ++sequence, method: request.method ?? "GET", path, status: 0, durationMs: 0 };
    let reply: Reply;
    try {
      reply = await route(request, entry);
    } catch (error) {
      reply = { status: 500, body: { error: `the listener failed on this request: ${describeThrown(error)}` }, close: true };
    }
    try {
      respond(response, reply, request.method === "HEAD");
    } catch (error) {
      // An answer that cannot be serialised still gets an answer.
      respond(response, { status: 500, body: { error: `the answer could not be sent: ${describeThrown(error)}` }, close: true }, false);
    }
    entry.status = reply.status;
    entry.durationMs = Math.round((performance.now() - started) * 1000) / 1000;
    if (reply.status >= 400 && typeof reply.body["error"] === "string") entry.error = reply.body["error"];
    try {
      settings.onRequest?.(entry);
    } catch {
      // A logging hook that throws must not take the server down.
    }
  };

  // Slow headers are cut too (Node's defaults would hold such a connection for a minute or more).
  const serverOptions = {
    headersTimeout: settings.bodyTimeoutMs,
    requestTimeout: settings.bodyTimeoutMs + 5_000,
    connectionsCheckingInterval: Math.min(30_000, Math.max(10, Math.floor(settings.bodyTimeoutMs / 4))),
  };
  const server = createServer(serverOptions, (request, response) => {
    const done = handle(request, response).finally(() => inflight.delete(done));
    inflight.add(done);
  });
  // Node answers unparsable requests with 400 itself; a socket error after that must not become an uncaught exception.
  server.on("clientError", (error: NodeJS.ErrnoException, socket) => {
    // Headers that did not arrive in time are a timeout (408), anything else unparsable a bad request (400).
    const status = error.code === "ERR_HTTP_REQUEST_TIMEOUT" ? "408 Request Timeout" : "400 Bad Request";
    if (socket.writable) socket.end(`HTTP/1.1 ${status}\r\nconnection: close\r\ncontent-length: 0\r\n\r\n`);
    else socket.destroy();
  });

  try {
    await new Promise<void>((resolve, reject) => {
      server.once("error", reject);
      server.listen(settings.port, settings.host, () => {
        server.off("error", reject);
        resolve();
      });
    });
  } catch (error) {
    await pool.close();
    const code = (error as NodeJS.ErrnoException).code;
    if (code === "EADDRINUSE")
      throw new CxdaError("E_USAGE", `port ${settings.port} on ${settings.host} is already in use; pick another with --port (0 picks a free one)`, {
        cause: error,
      });
    throw new CxdaError("E_USAGE", `the listener could not start on ${settings.host}:${settings.port}: ${describeThrown(error)}`, { cause: error });
  }
  const address = server.address() as AddressInfo;
  const url = `http://${address.family === "IPv6" ? `[${address.address}]` : address.address}:${address.port}`;
  origin = url;
  for (const action of served) action.public.executeUrl = `${url}/api/v2/data-actions/${encodeURIComponent(action.public.id)}/execute`;

  let closing: Promise<void> | undefined;
  return {
    url,
    port: address.port,
    host: settings.host,
    actions: served.map((a) => a.public),
    close() {
      closing ??= (async () => {
        const stopped = new Promise<void>((resolve) => server.close(() => resolve()));
        // Idle connections go at once; requests already running finish and get their answer (regression: closing every
        // connection first cut them off mid-answer); whatever is left after that is cut.
        server.closeIdleConnections();
        await Promise.allSettled([...inflight]);
        server.closeAllConnections();
        await stopped;
        await pool.close();
      })();
      return closing;
    },
  };
}
