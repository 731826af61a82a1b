// The API client against the real emulator with faults: retries, typed errors, ETags and execution.
import { EventEmitter, once } from "node:events";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { startEmulator, type Emulator } from "../../../src/emulator/emulator.js";
import type { EmulatorRequest } from "../../../src/emulator/request-log.js";
import { fakeTimeouts } from "../../helpers/fake-timeouts.js";
import { ACTION_ID, clientFor, countRoute, fakeSleeps, referenceDefinition, referenceTrigger, tempDir, writeActionFolder } from "./helpers.js";

let emulator: Emulator;
let cleanup: () => Promise<void>;
/** Told of each request the emulator logs, for a test that waits on one. */
const logged = new EventEmitter<{ request: [EmulatorRequest] }>();
beforeEach(async () => {
  const temp = await tempDir();
  await writeActionFolder(temp.dir);
  cleanup = temp.remove;
  // A folder holding actions/billing-callback/{definition.json,transform.ts}: the emulator finds it by the definition's id.
  emulator = await startEmulator({ definitions: temp.dir, onRequest: (entry) => logged.emit("request", entry) });
});
afterEach(async () => {
  await emulator.close();
  await cleanup();
});

const getStatuses = (): number[] => emulator.requests.filter((r) => r.route === "get-data-action").map((r) => r.status);

describe("retries", () => {
  it("retries a 429 after Retry-After seconds", async () => {
    const { sleeps, retry } = fakeSleeps();
    emulator.setFaults([{ route: "get-data-action", status: 429, retryAfter: 1, count: 2 }]);
    const got = await clientFor(emulator, { retry }).getDataAction(ACTION_ID);
    expect(got.notModified).toBe(false);
    expect(sleeps).toEqual([1000, 1000]);
    expect(getStatuses()).toEqual([429, 429, 200]);
  });

  it("retries a 429 after a Retry-After HTTP date", async () => {
    const { sleeps, retry } = fakeSleeps();
    const now = Date.parse("2026-11-20T10:00:00Z");
    emulator.setFaults([{ route: "get-data-action", status: 429, retryAfter: new Date(now + 3000).toUTCString(), count: 1 }]);
    await clientFor(emulator, { retry: { ...retry, now: () => now } }).getDataAction(ACTION_ID);
    expect(sleeps).toEqual([3000]);
    expect(getStatuses()).toEqual([429, 200]);
  });

  it("fails at once with E_RATE_LIMIT when Retry-After is beyond the retry budget", async () => {
    const { sleeps, retry } = fakeSleeps();
    emulator.setFaults([{ route: "get-data-action", status: 429, retryAfter: 600 }]);
    const error = await clientFor(emulator, { retry })
      .getDataAction(ACTION_ID)
      .catch((e: unknown) => e);
    expect(error).toMatchObject({ code: "E_RATE_LIMIT", context: { status: 429, method: "GET" } });
    expect((error as Error).message).toMatch(/asked to wait 600.0 s.*retry budget/);
    expect(sleeps).toEqual([]);
  });

  it("backs off on 5xx and then succeeds", async () => {
    const { sleeps, retry } = fakeSleeps();
    emulator.setFaults([{ route: "get-data-action", status: 503, count: 2 }]);
    await clientFor(emulator, { retry }).getDataAction(ACTION_ID);
    expect(getStatuses()).toEqual([503, 503, 200]);
    expect(sleeps).toHaveLength(2);
    // Exponential with jitter: the second wait is drawn from a step twice as large.
    expect(sleeps[0]).toBeGreaterThanOrEqual(125);
    expect(sleeps[0]).toBeLessThanOrEqual(250);
    expect(sleeps[1]).toBeGreaterThanOrEqual(250);
    expect(sleeps[1]).toBeLessThanOrEqual(500);
  });

  it("sends an execute again only when it certainly did not run", async () => {
    const { retry } = fakeSleeps();
    const executes = (): number[] => emulator.requests.filter((r) => r.route === "execute-data-action").map((r) => r.status);
    const client = clientFor(emulator, { retry });
    // Refused before running: 429, and 503 with Retry-After, are retried, and the action runs once.
    emulator.setFaults([
      { route: "execute-data-action", status: 429, retryAfter: 0, count: 1 },
      { route: "execute-data-action", status: 503, retryAfter: 0, count: 1 },
    ]);
    expect(await client.executeDataAction(ACTION_ID, await referenceTrigger())).toMatchObject({ ok: true });
    expect(executes()).toEqual([429, 503, 200]);
    // A 500 or a connection cut after sending may come from an action that ran: reported at once, not repeated.
    emulator.setFaults([{ route: "execute-data-action", status: 500, count: 1 }]);
    const failed = await client.executeDataAction(ACTION_ID, await referenceTrigger()).catch((e: unknown) => e);
    expect(failed).toMatchObject({ code: "E_HTTP", context: { status: 500, method: "POST" } });
    expect((failed as Error).message).toMatch(/not retried, since it may have run on the platform/);
    emulator.setFaults([{ route: "execute-data-action", drop: true, count: 1 }]);
    const dropped = await client.executeDataAction(ACTION_ID, await referenceTrigger()).catch((e: unknown) => e);
    expect(dropped).toMatchObject({ code: "E_NETWORK", context: { retried: false } });
    // A bare 503 may come from a proxy whose upstream reset after forwarding the request: not repeated either.
    emulator.setFaults([{ route: "execute-data-action", status: 503, count: 1 }]);
    await expect(client.executeDataAction(ACTION_ID, await referenceTrigger())).rejects.toMatchObject({ code: "E_HTTP", context: { status: 503 } });
    expect(executes()).toHaveLength(6);
    // Reading a definition has no side effects: a 500 is retried as before.
    emulator.setFaults([{ route: "get-data-action", status: 500, count: 1 }]);
    await client.getDataAction(ACTION_ID);
    expect(getStatuses()).toEqual([500, 200]);
  });

  it("sends an execute again with a fresh token after a 401: a refused request did not run", async () => {
    emulator.setFaults([{ route: "execute-data-action", expireToken: true, count: 1 }]);
    expect(await clientFor(emulator).executeDataAction(ACTION_ID, await referenceTrigger())).toMatchObject({ ok: true });
    expect(emulator.requests.filter((r) => r.route === "execute-data-action").map((r) => r.status)).toEqual([401, 200]);
    expect(countRoute(emulator, "token")).toBe(2);
  });

  it("retries an execute whose connection was never made", async () => {
    const { sleeps, retry } = fakeSleeps();
    // A port nobody listens on: the request cannot have reached an action, so trying again is safe.
    const { createServer } = await import("node:net");
    const closed = await new Promise<number>((resolve) => {
      const server = createServer().listen(0, "127.0.0.1", () => {
        const { port } = server.address() as { port: number };
        server.close(() => resolve(port));
      });
    });
    const client = clientFor(emulator, { retry: { ...retry, maxAttempts: 3 }, apiUrl: `http://127.0.0.1:${closed}/api/v2` });
    const error = await client.executeDataAction(ACTION_ID, await referenceTrigger()).catch((e: unknown) => e);
    expect(error).toMatchObject({ code: "E_NETWORK" });
    expect((error as Error).message).toMatch(/gave up after 3 attempts/);
    expect(sleeps).toHaveLength(2);
  });

  it("gives up with a clear error within the bounds when retries are exhausted", async () => {
    const { sleeps, retry } = fakeSleeps();
    emulator.setFaults([{ route: "get-data-action", status: 503 }]);
    const error = await clientFor(emulator, { retry: { ...retry, maxAttempts: 3, maxElapsedMs: 5_000 } })
      .getDataAction(ACTION_ID)
      .catch((e: unknown) => e);
    expect(error).toMatchObject({
      code: "E_HTTP",
      context: { status: 503, attempts: 3, method: "GET", url: `${emulator.apiUrl}/data-actions/${ACTION_ID}` },
    });
    expect((error as Error).message).toMatch(/503 Service Unavailable.*gave up after 3 attempts/);
    expect(getStatuses()).toEqual([503, 503, 503]);
    expect(sleeps.reduce((a, b) => a + b, 0)).toBeLessThanOrEqual(5_000);
  });

  it("retries a dropped connection", async () => {
    const { retry } = fakeSleeps();
    emulator.setFaults([{ route: "get-data-action", drop: true, count: 1 }]);
    const got = await clientFor(emulator, { retry }).getDataAction(ACTION_ID);
    expect(got.notModified).toBe(false);
    const gets = emulator.requests.filter((r) => r.route === "get-data-action");
    expect(gets.map((r) => r.dropped === true)).toEqual([true, false]);
  });

  it("retries a request that timed out", async () => {
    const { retry } = fakeSleeps();
    emulator.setFaults([{ route: "get-data-action", latencyMs: 400, count: 1 }]);
    // The emulator's latency is a setTimeout on this thread, on a fake clock: the first answer is held until the test
    // moves the clock, while the client's 100 ms timeout (a real AbortSignal.timeout) ends the attempt.
    const clock = fakeTimeouts();
    try {
      const got = await clientFor(emulator, { retry, timeoutMs: 100 }).getDataAction(ACTION_ID);
      expect(got.notModified).toBe(false);
      // The second request was the one that succeeded; the slow first answer is logged once its latency has passed.
      expect(getStatuses()).toEqual([200]);
      const slowLogged = once(logged, "request");
      await clock.advance(400);
      await slowLogged;
      expect(getStatuses()).toEqual([200, 200]);
    } finally {
      clock.restore();
    }
  });

  it("reports a refused connection as E_NETWORK after retrying", async () => {
    const { sleeps, retry } = fakeSleeps();
    const client = clientFor(emulator, { retry: { ...retry, maxAttempts: 2 } });
    await emulator.close();
    await expect(client.getDataAction(ACTION_ID)).rejects.toMatchObject({
      code: "E_NETWORK",
      message: expect.stringMatching(/connection refused.*gave up after 2/),
    });
    expect(sleeps).toHaveLength(1);
  });

  it("retries a 503 from the token endpoint too", async () => {
    const { retry } = fakeSleeps();
    emulator.setFaults([{ route: "token", status: 503, count: 1 }]);
    await clientFor(emulator, { retry }).getDataAction(ACTION_ID);
    expect(emulator.requests.filter((r) => r.route === "token").map((r) => r.status)).toEqual([503, 200]);
  });
});

describe("typed errors", () => {
  it("invalidates the token on a 401, retries once and succeeds", async () => {
    emulator.setFaults([{ route: "get-data-action", expireToken: true, count: 1 }]);
    const got = await clientFor(emulator).getDataAction(ACTION_ID);
    expect(got.notModified).toBe(false);
    expect(getStatuses()).toEqual([401, 200]);
    expect(countRoute(emulator, "token")).toBe(2);
  });

  it("raises E_AUTH naming the credentials when a fresh token is refused too", async () => {
    emulator.setFaults([{ route: "get-data-action", status: 401 }]);
    const error = await clientFor(emulator)
      .getDataAction(ACTION_ID)
      .catch((e: unknown) => e);
    expect(error).toMatchObject({ code: "E_AUTH", context: { status: 401, method: "GET" } });
    expect((error as Error).message).toMatch(/CXONE_CLIENT_ID and CXONE_CLIENT_SECRET/);
    expect(getStatuses()).toEqual([401, 401]);
    expect(countRoute(emulator, "token")).toBe(2);
  });

  it("raises E_SCOPE naming data-actions:read when the token lacks it", async () => {
    emulator.setFaults([{ route: "token", omitScopes: ["data-actions:read"] }]);
    await expect(clientFor(emulator).getDataAction(ACTION_ID)).rejects.toMatchObject({
      code: "E_SCOPE",
      message: expect.stringContaining('"data-actions:read" scope'),
      context: { status: 403 },
    });
  });

  it("raises E_SCOPE naming data-actions:execute for execution", async () => {
    emulator.setFaults([{ route: "token", omitScopes: ["data-actions:execute"] }]);
    await expect(clientFor(emulator).executeDataAction(ACTION_ID, await referenceTrigger())).rejects.toMatchObject({
      code: "E_SCOPE",
      message: expect.stringContaining('"data-actions:execute" scope'),
    });
  });

  it("raises E_NOT_FOUND naming the id, with the correlation id of the answer", async () => {
    const error = await clientFor(emulator)
      .getDataAction("da-missing")
      .catch((e: unknown) => e);
    expect(error).toMatchObject({ code: "E_NOT_FOUND", message: expect.stringContaining('"da-missing"') });
    const logged = emulator.requests.find((r) => r.route === "get-data-action");
    expect((error as { context: Record<string, unknown> }).context).toEqual({
      method: "GET",
      url: `${emulator.apiUrl}/data-actions/da-missing`,
      status: 404,
      correlationId: logged?.correlationId,
    });
  });
});

describe("definitions and execution", () => {
  it("answers 304 to If-None-Match with the current ETag", async () => {
    const client = clientFor(emulator);
    const first = await client.getDataAction(ACTION_ID);
    const second = await client.getDataAction(ACTION_ID, first.etag === undefined ? {} : { etag: first.etag });
    expect(second).toMatchObject({ notModified: true, etag: first.etag });
    emulator.setDefinition(ACTION_ID, { ...(await referenceDefinition()), version: 4 });
    const third = await client.getDataAction(ACTION_ID, first.etag === undefined ? {} : { etag: first.etag });
    expect(third).toMatchObject({ notModified: false, version: 4 });
  });

  it("serves an action folder with its TypeScript transform bundled", async () => {
    const got = await clientFor(emulator).getDataAction(ACTION_ID);
    const transform = got.notModified ? undefined : (got.definition.transform as { language: string; source: string });
    expect(transform?.language).toBe("javascript");
    expect(transform?.source).toContain("priorityOf");
  });

  it("executes the transform and answers its output", async () => {
    const result = await clientFor(emulator).executeDataAction(ACTION_ID, await referenceTrigger());
    expect(result).toMatchObject({
      ok: true,
      output: { recordId: "rec-i-774421", customerId: "CUST-4412", issueCategory: "billing", priority: "high", resolutionScore: 87 },
    });
  });

  it("returns a transform's throw as a result, not an exception", async () => {
    const trigger = await referenceTrigger();
    const data = trigger.data as { customFields: Record<string, unknown> };
    data.customFields.issueCategory = "explode";
    const result = await clientFor(emulator).executeDataAction(ACTION_ID, trigger);
    expect(result).toMatchObject({ ok: false, status: 422, error: { code: "E_TRANSFORM", message: "cannot handle category explode" } });
  });
});
