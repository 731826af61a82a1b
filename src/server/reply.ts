// The answers of cxda's own HTTP servers (emulator, listener): one reply type, one error body, one writer.
import type { ServerResponse } from "node:http";
import type { Problem } from "../core/errors.js";

/** What a route decided to answer; {@link writeReply} sends it. */
export interface Reply {
  status: number;
  /** A JSON value, or text already serialised; no body at all when absent. */
  body?: unknown;
  headers?: Record<string, string>;
  /** Close the connection after answering (the request body was not read to its end, or the client is not trusted). */
  close?: boolean;
}

/** The body of every error answer: a stable `code` to branch on, a `message` to read, and any facts that help act on it. */
export interface ErrorBody {
  error: Problem & { [detail: string]: unknown };
}

/** Extra parts of an error reply. */
export interface ErrorReplyOptions {
  /** Facts about the error, beside `code` and `message` (the refused host, the byte limit…). */
  details?: Record<string, unknown>;
  /** Fields of the answer beside `error` (the issues found, the output…). */
  extra?: Record<string, unknown>;
  headers?: Record<string, string>;
  close?: boolean;
}

/**
 * A JSON answer.
 * @example
 * jsonReply(200, { output }); // { status: 200, body: { output } }
 */
export function jsonReply(status: number, body: unknown, headers: Record<string, string> = {}): Reply {
  return { status, body, headers };
}

/**
 * An error answer, `{ error: { code, message, ...details }, ...extra }`.
 * @example
 * errorReply(405, "method_not_allowed", "use POST", { headers: { allow: "POST" } });
 */
export function errorReply(status: number, code: string, message: string, options: ErrorReplyOptions = {}): Reply {
  const body: ErrorBody & Record<string, unknown> = { ...options.extra, error: { code, message, ...options.details } };
  return { status, body, ...(options.headers && { headers: options.headers }), ...(options.close && { close: true }) };
}

/** The error of an answer built by {@link errorReply}, for request logs. */
export function errorOf(reply: Reply): Problem | undefined {
  const error = (reply.body as Partial<ErrorBody> | undefined)?.error;
  return typeof error === "object" && error !== null && typeof error.code === "string" && typeof error.message === "string"
    ? { code: error.code, message: error.message }
    : undefined;
}

/**
 * Sends `reply` with a JSON content type and its length when it has a body, `headers` (the server's own) under the
 * reply's, and `connection: close` when asked. Does nothing once an answer has started or the socket is gone.
 * @example
 * writeReply(response, errorReply(404, "not_found", "no route"), { head: request.method === "HEAD" });
 */
export function writeReply(response: ServerResponse, reply: Reply, options: { head?: boolean; headers?: Record<string, string> } = {}): void {
  if (response.headersSent || response.destroyed) return;
  const text = reply.body === undefined ? "" : typeof reply.body === "string" ? reply.body : JSON.stringify(reply.body);
  response.writeHead(reply.status, {
    // No length without a body: a 304's length would have to be that of the answer it stands for.
    ...(reply.body === undefined ? {} : { "content-type": "application/json; charset=utf-8", "content-length": String(Buffer.byteLength(text)) }),
    ...options.headers,
    ...(reply.close ? { connection: "close" } : {}),
    ...reply.headers,
  });
  response.end(options.head ? undefined : text);
}
