// Reads a request body up to a byte limit and a time limit, stopping as soon as either is passed.
import type { IncomingMessage } from "node:http";

/** How reading a body ended. */
export type BodyResult =
  | { kind: "complete"; body: Buffer }
  /** More than the limit arrived (or was announced); reading stopped there. */
  | { kind: "too-large"; bytes: number }
  /** The body did not arrive in time. */
  | { kind: "timeout" }
  /** The client went away. */
  | { kind: "aborted" };

/**
 * Collects the body of `request`. A `content-length` above `limitBytes` ends it before anything is read; a body that
 * grows past the limit ends it on the chunk that crossed it; the rest is not kept. Never rejects.
 * @example
 * const result = await readBody(request, 32_768, 10_000);
 * if (result.kind === "complete") JSON.parse(result.body.toString("utf8"));
 */
export function readBody(request: IncomingMessage, limitBytes: number, timeoutMs: number): Promise<BodyResult> {
  const announced = Number(request.headers["content-length"]);
  if (Number.isFinite(announced) && announced > limitBytes) return Promise.resolve({ kind: "too-large", bytes: announced });
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
      if (bytes > limitBytes) finish({ kind: "too-large", bytes });
      else chunks.push(chunk);
    };
    const onEnd = (): void => finish({ kind: "complete", body: Buffer.concat(chunks) });
    const onAbort = (): void => finish({ kind: "aborted" });
    const timer = setTimeout(() => finish({ kind: "timeout" }), timeoutMs);
    request.on("data", onData);
    request.on("end", onEnd);
    request.on("error", onAbort);
    request.on("close", onAbort);
  });
}
