// Reads a request body up to a byte limit (and, when given, a time limit), and turns a body that did not arrive whole into an error reply.
import type { IncomingMessage } from "node:http";
import { errorReply, type Reply } from "./reply.js";

/** How reading a body ended. */
export type BodyResult =
  | { kind: "complete"; body: Buffer }
  /** More than the limit arrived (or was announced); nothing past the limit was kept. */
  | { kind: "too-large"; bytes: number }
  /** The body did not arrive in time. */
  | { kind: "timeout" }
  /** The client went away. */
  | { kind: "aborted" };

/** Limits of {@link readBody}. */
export interface BodyLimits {
  /** Largest body kept, in bytes. */
  limitBytes: number;
  /** Time the whole body may take, in ms. @default no limit of its own (the server's request timeout still applies) */
  timeoutMs?: number;
  /**
   * What to do with a body over the limit. `stop`: answer at once (a `content-length` over the limit is refused before
   * a byte is read), and the caller closes the connection. `drain`: read it to its end, keeping nothing, so that a
   * client still sending gets its answer rather than a reset connection. @default "stop"
   */
  overflow?: "stop" | "drain";
}

/**
 * Collects the body of `request` within `limits`. Never rejects.
 * @example
 * const result = await readBody(request, { limitBytes: 32_768, timeoutMs: 10_000 });
 * if (result.kind === "complete") JSON.parse(result.body.toString("utf8"));
 */
export function readBody(request: IncomingMessage, limits: BodyLimits): Promise<BodyResult> {
  const { limitBytes } = limits;
  const drain = limits.overflow === "drain";
  const announced = Number(request.headers["content-length"]);
  if (!drain && Number.isFinite(announced) && announced > limitBytes) return Promise.resolve({ kind: "too-large", bytes: announced });
  return new Promise((resolve) => {
    const chunks: Buffer[] = [];
    let bytes = 0;
    let settled = false;
    const finish = (result: BodyResult): void => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      request.off("data", onData);
      request.off("end", onEnd);
      request.off("error", onAbort);
      request.off("close", onAbort);
      resolve(result);
    };
    const onData = (chunk: Buffer): void => {
      bytes += chunk.length;
      if (bytes <= limitBytes) chunks.push(chunk);
      else if (!drain) finish({ kind: "too-large", bytes });
    };
    const onEnd = (): void => finish(bytes > limitBytes ? { kind: "too-large", bytes } : { kind: "complete", body: Buffer.concat(chunks) });
    const onAbort = (): void => finish({ kind: "aborted" });
    const timer = limits.timeoutMs === undefined ? undefined : setTimeout(() => finish({ kind: "timeout" }), limits.timeoutMs);
    request.on("data", onData);
    request.on("end", onEnd);
    request.on("error", onAbort);
    request.on("close", onAbort);
  });
}

/**
 * The answer to a body that did not arrive whole: 413 (with `limitBytes`), 408, or 400 for a client that went away.
 * Each closes the connection unless the body was drained to its end.
 * @example
 * bodyProblem({ kind: "too-large", bytes: 40_000 }, { limitBytes: 32_768 }); // 413 payload_too_large
 */
export function bodyProblem(result: Exclude<BodyResult, { kind: "complete" }>, limits: BodyLimits): Reply {
  const close = limits.overflow !== "drain";
  switch (result.kind) {
    case "too-large":
      return errorReply(413, "payload_too_large", `the request body is larger than ${limits.limitBytes} bytes`, {
        details: { limitBytes: limits.limitBytes },
        close,
      });
    case "timeout":
      return errorReply(408, "request_timeout", `the request body did not arrive within ${limits.timeoutMs ?? 0} ms`, { close: true });
    case "aborted":
      return errorReply(400, "bad_request", "the request was aborted", { close: true });
  }
}
