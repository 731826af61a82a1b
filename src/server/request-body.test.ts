import type { IncomingMessage } from "node:http";
import { PassThrough } from "node:stream";
import { afterEach, describe, expect, it, vi } from "vitest";
import { bodyProblem, readBody } from "./request-body.js";

/** A request stand-in: a stream with headers. */
function request(headers: Record<string, string> = {}): PassThrough & { headers: Record<string, string> } {
  return Object.assign(new PassThrough(), { headers });
}

const asRequest = (stream: PassThrough): IncomingMessage => stream as unknown as IncomingMessage;

describe("readBody", () => {
  afterEach(() => {
    vi.useRealTimers();
  });

  it("collects a body within the limit", async () => {
    const stream = request();
    const reading = readBody(asRequest(stream), { limitBytes: 10 });
    stream.end("0123456789");
    expect(await reading).toEqual({ kind: "complete", body: Buffer.from("0123456789") });
  });

  it("refuses an announced length over the limit before reading a byte", async () => {
    const stream = request({ "content-length": "11" });
    expect(await readBody(asRequest(stream), { limitBytes: 10 })).toEqual({ kind: "too-large", bytes: 11 });
  });

  it("stops on the chunk that crosses the limit", async () => {
    const stream = request();
    const reading = readBody(asRequest(stream), { limitBytes: 10 });
    stream.write("01234");
    stream.write("567890");
    expect(await reading).toEqual({ kind: "too-large", bytes: 11 });
  });

  it("with overflow drain, reads an oversized body to its end before refusing it", async () => {
    const stream = request({ "content-length": "15" });
    let settled = false;
    const reading = readBody(asRequest(stream), { limitBytes: 10, overflow: "drain" }).finally(() => (settled = true));
    stream.write("0123456789ab");
    await new Promise((resolve) => setImmediate(resolve));
    expect(settled).toBe(false);
    stream.end("cde");
    expect(await reading).toEqual({ kind: "too-large", bytes: 15 });
  });

  it("gives up on a body that does not arrive within the time limit", async () => {
    vi.useFakeTimers();
    const stream = request();
    const reading = readBody(asRequest(stream), { limitBytes: 10, timeoutMs: 200 });
    stream.write("01");
    await vi.advanceTimersByTimeAsync(200);
    expect(await reading).toEqual({ kind: "timeout" });
  });

  it("notices a client that went away", async () => {
    const stream = request();
    const reading = readBody(asRequest(stream), { limitBytes: 10 });
    stream.destroy();
    expect(await reading).toEqual({ kind: "aborted" });
  });
});

describe("bodyProblem", () => {
  it("answers 413 with the limit, 408 and 400, closing the connection unless the body was drained", () => {
    expect(bodyProblem({ kind: "too-large", bytes: 11 }, { limitBytes: 10 })).toEqual({
      status: 413,
      body: { error: { code: "payload_too_large", message: "the request body is larger than 10 bytes", limitBytes: 10 } },
      close: true,
    });
    expect(bodyProblem({ kind: "too-large", bytes: 11 }, { limitBytes: 10, overflow: "drain" }).close).toBeUndefined();
    expect(bodyProblem({ kind: "timeout" }, { limitBytes: 10, timeoutMs: 200 })).toMatchObject({
      status: 408,
      body: { error: { code: "request_timeout", message: "the request body did not arrive within 200 ms" } },
    });
    expect(bodyProblem({ kind: "aborted" }, { limitBytes: 10 })).toMatchObject({ status: 400, body: { error: { code: "bad_request" } } });
  });
});
