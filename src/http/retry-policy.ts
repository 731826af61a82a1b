// When and how long to wait before trying a platform request again: Retry-After, backoff with jitter, and the bounds.
import { CxdaError } from "../core/errors.js";

/**
 * Retry settings a user may pass.
 * @example
 * resolveRetryOptions({ maxAttempts: 5, maxElapsedMs: 60_000 });
 */
export interface RetryOptions {
  /** Attempts in all, the first included. @default 4 */
  maxAttempts?: number;
  /** Time budget for all attempts and waits together, in ms. @default 30000 */
  maxElapsedMs?: number;
  /** First backoff step, in ms; doubles per attempt. @default 250 */
  baseDelayMs?: number;
  /** Largest backoff step, in ms (a Retry-After may ask for more, within the budget). @default 8000 */
  maxDelayMs?: number;
  /** Clock in epoch ms, injectable for tests. @default Date.now */
  now?: () => number;
  /** Waits `ms`, injectable for tests. @default a setTimeout promise */
  sleep?: (ms: number) => Promise<void>;
  /** Random number in [0, 1) for jitter, injectable for tests. @default Math.random */
  random?: () => number;
}

/** Retry settings with every default applied. */
export interface ResolvedRetryOptions {
  maxAttempts: number;
  maxElapsedMs: number;
  baseDelayMs: number;
  maxDelayMs: number;
  now: () => number;
  sleep: (ms: number) => Promise<void>;
  random: () => number;
}

const realSleep = (ms: number): Promise<void> => new Promise((done) => setTimeout(done, ms));

function checkNumber(name: string, value: number | undefined, fallback: number, min: number): number {
  if (value === undefined) return fallback;
  if (!Number.isFinite(value) || value < min) {
    throw new CxdaError("E_CONFIG", `retry.${name} must be a number >= ${min}, got ${String(value)}`, { context: { setting: `retry.${name}` } });
  }
  return value;
}

/**
 * Applies the retry defaults and rejects nonsense values early.
 * @example
 * const retry = resolveRetryOptions({ sleep: async () => {} });
 */
export function resolveRetryOptions(options: RetryOptions = {}): ResolvedRetryOptions {
  return {
    maxAttempts: Math.floor(checkNumber("maxAttempts", options.maxAttempts, 4, 1)),
    maxElapsedMs: checkNumber("maxElapsedMs", options.maxElapsedMs, 30_000, 0),
    baseDelayMs: checkNumber("baseDelayMs", options.baseDelayMs, 250, 0),
    maxDelayMs: checkNumber("maxDelayMs", options.maxDelayMs, 8_000, 0),
    now: options.now ?? Date.now,
    sleep: options.sleep ?? realSleep,
    random: options.random ?? Math.random,
  };
}

// The three date forms RFC 9110 allows (IMF-fixdate, RFC 850, asctime). Date.parse alone reads almost anything as a
// date ("-5" is the year 2001, "foo 12" is a December), which turned garbage into a wait of 0.
const MONTH = "(?:Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec)";
const HTTP_DATE = [
  new RegExp(`^(?:Mon|Tue|Wed|Thu|Fri|Sat|Sun), \\d{2} ${MONTH} \\d{4} \\d{2}:\\d{2}:\\d{2} GMT$`),
  new RegExp(`^(?:Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday), \\d{2}-${MONTH}-\\d{2} \\d{2}:\\d{2}:\\d{2} GMT$`),
  new RegExp(`^(?:Mon|Tue|Wed|Thu|Fri|Sat|Sun) ${MONTH} [ \\d]\\d \\d{2}:\\d{2}:\\d{2} \\d{4}$`),
];

/**
 * Reads a `Retry-After` header as a wait in ms: delay-seconds (`"2"`, or `"1.5"` from lenient servers) or an HTTP
 * date, measured against `nowMs`. A date in the past means 0. Anything else (a negative number, `"abc"`, `"1e999"`,
 * an empty value, a number too large to be finite) means `undefined`: the header is ignored and the normal backoff
 * applies.
 * @example
 * parseRetryAfter("2", Date.now()); // 2000
 * parseRetryAfter(new Date(Date.now() + 3000).toUTCString(), Date.now()); // about 3000
 * parseRetryAfter("-5", Date.now()); // undefined
 */
export function parseRetryAfter(value: string | null | undefined, nowMs: number): number | undefined {
  if (value === null || value === undefined) return undefined;
  const text = value.trim();
  if (/^\d+(?:\.\d+)?$/.test(text)) {
    const ms = Math.ceil(Number(text) * 1000);
    return Number.isFinite(ms) ? ms : undefined;
  }
  if (!HTTP_DATE.some((form) => form.test(text))) return undefined;
  // asctime carries no zone; HTTP dates are always GMT.
  const at = Date.parse(text.endsWith("GMT") ? text : `${text} GMT`);
  if (Number.isNaN(at)) return undefined;
  return Math.max(0, at - nowMs);
}

/**
 * The backoff before retry number `retry` (1 for the first retry): exponential, capped, with
 * "equal jitter" (half the step fixed, half random) so callers spread out but never retry at once.
 * @example
 * backoffDelay(1, resolveRetryOptions()); // between 125 and 250
 */
export function backoffDelay(retry: number, options: ResolvedRetryOptions): number {
  const step = Math.min(options.maxDelayMs, options.baseDelayMs * 2 ** Math.max(0, retry - 1));
  return Math.round(step / 2 + options.random() * (step / 2));
}

/** The outcome of one attempt, as the caller classifies it. */
export type AttemptOutcome<T> =
  | { kind: "done"; value: T }
  /** A failure worth another try; `retryAfterMs` when the server said how long to wait. */
  | { kind: "retry"; error: CxdaError; retryAfterMs?: number };

/** What {@link runWithRetry} tells an attempt. */
export interface AttemptInfo {
  /** 1-based attempt number. */
  attempt: number;
  /** Time left in the budget, in ms; use it to cap a request timeout. */
  remainingMs: number;
}

/** Tenths of a second, rounded down: a budget of 29,987 ms left reads "29.9 s", never the "30 s" a wait of 30 s exceeds. */
function seconds(ms: number): string {
  return `${(Math.floor(ms / 100) / 10).toFixed(1)} s`;
}

function withAdvice(error: CxdaError, message: string, extra: Record<string, number>): CxdaError {
  return new CxdaError(error.code, message, { cause: error, context: { ...error.context, ...extra } });
}

/**
 * Runs `attempt` until it is done, a non-retryable error is thrown, or the bounds are reached.
 * Waits honour `retryAfterMs` (429) or back off exponentially with jitter (5xx, resets, timeouts).
 * A server asking for a wait beyond the remaining budget fails at once with `E_RATE_LIMIT`
 * instead of sleeping; an exhausted budget rethrows the last error with the attempts counted.
 * @example
 * const value = await runWithRetry(async ({ remainingMs }) => ({ kind: "done", value: 42 }), resolveRetryOptions());
 */
export async function runWithRetry<T>(attempt: (info: AttemptInfo) => Promise<AttemptOutcome<T>>, options: ResolvedRetryOptions): Promise<T> {
  const startedAt = options.now();
  for (let number = 1; ; number++) {
    const elapsedBefore = options.now() - startedAt;
    const outcome = await attempt({ attempt: number, remainingMs: Math.max(0, options.maxElapsedMs - elapsedBefore) });
    if (outcome.kind === "done") return outcome.value;

    const { error } = outcome;
    const elapsed = options.now() - startedAt;
    const tried = `${number} attempt${number === 1 ? "" : "s"} in ${seconds(elapsed)}`;
    if (number >= options.maxAttempts) {
      throw withAdvice(error, `${error.message} (gave up after ${tried}; retry.maxAttempts is ${options.maxAttempts})`, {
        attempts: number,
        elapsedMs: elapsed,
      });
    }
    const remaining = options.maxElapsedMs - elapsed;
    if (outcome.retryAfterMs !== undefined) {
      if (outcome.retryAfterMs > remaining) {
        throw new CxdaError(
          "E_RATE_LIMIT",
          `${error.message}: the platform asked to wait ${seconds(outcome.retryAfterMs)} (Retry-After), more than the ${seconds(Math.max(0, remaining))} left of the retry budget; try again later or raise retry.maxElapsedMs`,
          { cause: error, context: { ...error.context, attempts: number, elapsedMs: elapsed, retryAfterMs: outcome.retryAfterMs } },
        );
      }
      await options.sleep(outcome.retryAfterMs);
      continue;
    }
    const delay = backoffDelay(number, options);
    if (delay > remaining) {
      throw withAdvice(error, `${error.message} (gave up after ${tried}; the retry budget of ${seconds(options.maxElapsedMs)} is spent)`, {
        attempts: number,
        elapsedMs: elapsed,
      });
    }
    await options.sleep(delay);
  }
}
