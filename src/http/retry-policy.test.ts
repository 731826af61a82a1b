// Unit tests of the retry policy: Retry-After parsing, backoff with jitter, and the attempt and time bounds.
import { describe, expect, it } from "vitest";
import { CxdaError } from "../core/errors.js";
import { backoffDelay, parseRetryAfter, resolveRetryOptions, runWithRetry, type AttemptOutcome } from "./retry-policy.js";

/** A clock that only moves when the fake sleep is called. */
function fakeTime(start = 1_700_000_000_000) {
  let now = start;
  const sleeps: number[] = [];
  return {
    now: () => now,
    sleep: async (ms: number) => {
      sleeps.push(ms);
      now += ms;
    },
    sleeps,
  };
}

const rateLimited = (retryAfterMs?: number): AttemptOutcome<string> => ({
  kind: "retry",
  error: new CxdaError("E_RATE_LIMIT", "GET http://x/y: 429 Too Many Requests", { context: { status: 429 } }),
  ...(retryAfterMs === undefined ? {} : { retryAfterMs }),
});
const serverError = (): AttemptOutcome<string> => ({ kind: "retry", error: new CxdaError("E_HTTP", "GET http://x/y: 503 Service Unavailable") });

/** An attempt that always answers 503, and how many times it ran. */
function alwaysServerError() {
  const failing = {
    calls: 0,
    attempt: async () => {
      failing.calls++;
      return serverError();
    },
  };
  return failing;
}

describe("parseRetryAfter", () => {
  it("reads delay-seconds", () => {
    expect(parseRetryAfter("2", 0)).toBe(2000);
    expect(parseRetryAfter(" 0 ", 0)).toBe(0);
  });

  it("reads an HTTP date relative to the clock", () => {
    const now = Date.parse("2026-01-01T00:00:00Z");
    expect(parseRetryAfter(new Date(now + 3000).toUTCString(), now)).toBe(3000);
  });

  it("treats a date in the past as no wait", () => {
    const now = Date.parse("2026-01-01T00:00:00Z");
    expect(parseRetryAfter(new Date(now - 60_000).toUTCString(), now)).toBe(0);
  });

  it("ignores missing or unreadable values", () => {
    expect(parseRetryAfter(null, 0)).toBeUndefined();
    expect(parseRetryAfter("soon", 0)).toBeUndefined();
  });

  const garbage = ["-5", "-1", "+5", "-0", "abc", "1e999", "", "   ", "5 abc", "foo 12", "1.", "Infinity", "March 7"].map((value) => ({
    label: value === "" ? "(empty)" : value,
    value,
  }));
  it.each([...garbage, { label: "400 nines", value: "9".repeat(400) }])(
    "ignores a negative or garbage value ($label) instead of reading it as a date",
    ({ value }) => {
      expect(parseRetryAfter(value, Date.parse("2026-01-01T00:00:00Z"))).toBeUndefined();
    },
  );

  it("reads the three HTTP date forms (IMF-fixdate, RFC 850, asctime) as GMT", () => {
    const now = Date.parse("1994-11-06T08:49:30Z");
    expect(parseRetryAfter("Sun, 06 Nov 1994 08:49:37 GMT", now)).toBe(7000);
    expect(parseRetryAfter("Sunday, 06-Nov-94 08:49:37 GMT", now)).toBe(7000);
    expect(parseRetryAfter("Sun Nov  6 08:49:37 1994", now)).toBe(7000);
  });
});

describe("backoffDelay", () => {
  it("doubles per retry, capped, with half the step jittered", () => {
    const low = resolveRetryOptions({ baseDelayMs: 100, maxDelayMs: 1000, random: () => 0 });
    const high = resolveRetryOptions({ baseDelayMs: 100, maxDelayMs: 1000, random: () => 0.999999 });
    expect([1, 2, 3, 4, 5].map((n) => backoffDelay(n, low))).toEqual([50, 100, 200, 400, 500]);
    expect([1, 2, 3, 4, 5].map((n) => backoffDelay(n, high))).toEqual([100, 200, 400, 800, 1000]);
  });
});

describe("resolveRetryOptions", () => {
  it("applies defaults", () => {
    const options = resolveRetryOptions();
    expect(options).toMatchObject({ maxAttempts: 4, maxElapsedMs: 30_000, baseDelayMs: 250, maxDelayMs: 8_000 });
  });

  it("rejects nonsense early", () => {
    expect(() => resolveRetryOptions({ maxAttempts: 0 })).toThrow(/retry.maxAttempts/);
    expect(() => resolveRetryOptions({ maxElapsedMs: Number.NaN })).toThrow(/retry.maxElapsedMs/);
  });
});

describe("runWithRetry", () => {
  it("retries a 429 after Retry-After seconds", async () => {
    const time = fakeTime();
    const outcomes = [rateLimited(1000), rateLimited(1000), { kind: "done" as const, value: "ok" }];
    const value = await runWithRetry(async () => outcomes.shift() ?? serverError(), resolveRetryOptions({ ...time }));
    expect(value).toBe("ok");
    expect(time.sleeps).toEqual([1000, 1000]);
  });

  it("backs off as usual after a 429 whose Retry-After was garbage", async () => {
    const time = fakeTime();
    const retry = resolveRetryOptions({ ...time, random: () => 0.5 });
    let calls = 0;
    const value = await runWithRetry(
      async () => (++calls < 3 ? rateLimited(parseRetryAfter("-5", time.now())) : { kind: "done", value: "ok" }),
      retry,
    );
    expect(value).toBe("ok");
    expect(time.sleeps).toEqual([backoffDelay(1, retry), backoffDelay(2, retry)]);
    expect(time.sleeps).toEqual([188, 375]);
  });

  it("backs off exponentially with jitter on server errors", async () => {
    const time = fakeTime();
    let calls = 0;
    const value = await runWithRetry(
      async () => (++calls < 4 ? serverError() : { kind: "done", value: "ok" }),
      resolveRetryOptions({ ...time, baseDelayMs: 100, random: () => 0.5 }),
    );
    expect(value).toBe("ok");
    expect(time.sleeps).toEqual([75, 150, 300]);
  });

  it("gives up after maxAttempts with the attempts in the message", async () => {
    const time = fakeTime();
    const failing = alwaysServerError();
    const failure = runWithRetry(failing.attempt, resolveRetryOptions({ ...time, maxAttempts: 3 }));
    await expect(failure).rejects.toMatchObject({ code: "E_HTTP", message: expect.stringMatching(/503.*gave up after 3 attempts/) });
    expect(failing.calls).toBe(3);
  });

  it("fails at once when Retry-After exceeds the remaining budget, without sleeping", async () => {
    const time = fakeTime();
    const failure = runWithRetry(async () => rateLimited(120_000), resolveRetryOptions({ ...time, maxElapsedMs: 10_000 }));
    await expect(failure).rejects.toMatchObject({ code: "E_RATE_LIMIT", message: expect.stringMatching(/asked to wait 120.0 s.*retry budget/) });
    expect(time.sleeps).toEqual([]);
  });

  it("never rounds what is left of the budget up to the wait it refuses (regression: 'wait 30 s, more than the 30 s left')", async () => {
    let clock = 0;
    const failure = runWithRetry(
      async () => rateLimited(30_000),
      resolveRetryOptions({ now: () => (clock += 13), sleep: async () => {}, maxElapsedMs: 30_000 }),
    );
    await expect(failure).rejects.toMatchObject({
      message: expect.stringMatching(/asked to wait 30.0 s \(Retry-After\), more than the 29.9 s left/),
    });
  });

  it("stops backing off when the time budget is spent", async () => {
    const time = fakeTime();
    const failing = alwaysServerError();
    const failure = runWithRetry(
      failing.attempt,
      resolveRetryOptions({ ...time, maxAttempts: 100, maxElapsedMs: 1_000, baseDelayMs: 200, random: () => 1 }),
    );
    await expect(failure).rejects.toMatchObject({ code: "E_HTTP", message: expect.stringMatching(/budget of 1.0 s is spent/) });
    // Waits of 200 + 400 fit the 1 s budget; the next (800) would not.
    expect(time.sleeps).toEqual([200, 400]);
    expect(failing.calls).toBe(3);
  });

  it("passes a non-retryable error straight through", async () => {
    const time = fakeTime();
    const failure = runWithRetry(
      async () => {
        throw new CxdaError("E_NOT_FOUND", "no such action");
      },
      resolveRetryOptions({ ...time }),
    );
    await expect(failure).rejects.toMatchObject({ code: "E_NOT_FOUND" });
    expect(time.sleeps).toEqual([]);
  });

  it("tells each attempt how much of the budget is left", async () => {
    const time = fakeTime();
    const seen: number[] = [];
    await runWithRetry(
      async ({ remainingMs }) => {
        seen.push(remainingMs);
        return seen.length < 2 ? rateLimited(400) : { kind: "done", value: "ok" };
      },
      resolveRetryOptions({ ...time, maxElapsedMs: 1_000 }),
    );
    expect(seen).toEqual([1_000, 600]);
  });
});
