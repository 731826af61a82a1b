// One HTTP exchange with the platform over fetch: timeouts, network faults and retryable statuses as CxdaErrors.
import { CxdaError, type CxdaErrorCode } from "../core/errors.js";
import { redact, type Secret } from "../secrets/secret.js";
import { parseRetryAfter, runWithRetry, type AttemptOutcome, type ResolvedRetryOptions } from "./retry-policy.js";

/** The response header carrying the platform's correlation id, unless configured otherwise. */
export const DEFAULT_CORRELATION_HEADER = "x-correlation-id";

/** A request as cxda sends it. Header values may hold secrets; they are never copied into errors. */
export interface HttpRequest {
  method: "GET" | "POST";
  url: string;
  headers: Record<string, string>;
  body?: string;
}

/** A response with its body read. */
export interface HttpResponse {
  status: number;
  statusText: string;
  headers: Headers;
  text: string;
  /** The platform's correlation id, when the response carried one. */
  correlationId: string | undefined;
}

/** How requests are carried. */
export interface HttpTransport {
  fetch: typeof fetch;
  /** Per-attempt timeout in ms (capped by what is left of the retry budget). */
  timeoutMs: number;
  correlationHeader: string;
  retry: ResolvedRetryOptions;
  /** Values to scrub from any text that ends up in an error. */
  secrets: ReadonlyArray<Secret | string | undefined>;
  /** Largest response body read, in bytes; a longer one is `E_HTTP`. @default DEFAULT_MAX_RESPONSE_BYTES */
  maxResponseBytes?: number;
}

/** Platform answers are definitions and small JSON documents; anything past this is refused rather than buffered. */
export const DEFAULT_MAX_RESPONSE_BYTES = 16 * 1024 * 1024;

/** Statuses worth another try: rate limiting and transient server faults (501 is not transient). */
export function isRetryableStatus(status: number): boolean {
  return status === 429 || status === 408 || (status >= 500 && status !== 501);
}

/** The socket's error code behind a fetch failure (fetch puts it on its error's `cause`), when there is one. */
function socketCode(error: unknown): string | undefined {
  const code = error instanceof Error ? (error.cause as { code?: unknown } | undefined)?.code : undefined;
  return typeof code === "string" ? code : undefined;
}

function networkReason(error: unknown): string {
  if (error instanceof Error && (error.name === "TimeoutError" || error.name === "AbortError")) return "timed out";
  const code = socketCode(error);
  if (code !== undefined) {
    const known: Record<string, string> = {
      ECONNREFUSED: "connection refused",
      ECONNRESET: "connection reset",
      UND_ERR_SOCKET: "connection closed by the server",
      ENOTFOUND: "host not found",
      EAI_AGAIN: "host lookup failed",
      ETIMEDOUT: "connection timed out",
      UND_ERR_CONNECT_TIMEOUT: "connection timed out",
      EPIPE: "connection broken",
    };
    // undici's parser codes (HPE_INVALID_CONSTANT…) mean the peer does not speak HTTP: usually a wrong host or port.
    if (known[code] === undefined && code.startsWith("HPE_")) return `the answer is not valid HTTP (${code}); check the URL's host and port`;
    return known[code] ?? `network error ${code}`;
  }
  if (error instanceof Error && error.message === "terminated") return "connection closed mid-response";
  return error instanceof Error ? error.message : String(error);
}

/**
 * A short, scrubbed summary of an error body (`error_description`, `message`, or the text itself),
 * so messages can say what the platform said without echoing anything sensitive.
 */
export function describeBody(text: string, secrets: HttpTransport["secrets"]): string | undefined {
  let summary: string | undefined;
  try {
    const body = JSON.parse(text) as Record<string, unknown>;
    const nested = typeof body.error === "object" && body.error !== null ? (body.error as Record<string, unknown>) : undefined;
    const candidates = [body.error_description, nested?.message, body.message, typeof body.error === "string" ? body.error : undefined];
    summary = candidates.find((value): value is string => typeof value === "string" && value !== "");
  } catch {
    summary = text.trim() === "" ? undefined : text.trim();
  }
  if (summary === undefined) return undefined;
  // Redact before clipping: a cut through a secret would leave its first characters unrecognisable, and shown.
  const scrubbed = redact(summary, secrets);
  return scrubbed.length > 200 ? `${scrubbed.slice(0, 200)}…` : scrubbed;
}

/** Builds an error about a response, carrying method, URL, status and correlation id. */
export function responseError(code: CxdaErrorCode, request: HttpRequest, response: HttpResponse, message: string): CxdaError {
  return new CxdaError(code, message, {
    context: { method: request.method, url: request.url, status: response.status, correlationId: response.correlationId },
  });
}

function statusLine(response: Pick<HttpResponse, "status" | "statusText">): string {
  return `${response.status}${response.statusText === "" ? "" : ` ${response.statusText}`}`;
}

/**
 * Sends one request and reads the whole body. Network faults, timeouts and bodies cut off
 * mid-way become `E_NETWORK` errors; any status is returned as a response.
 */
export async function sendOnce(request: HttpRequest, transport: HttpTransport, timeoutMs: number): Promise<HttpResponse> {
  const where = `${request.method} ${request.url}`;
  const fail = (error: unknown): CxdaError =>
    new CxdaError("E_NETWORK", `${where}: ${redact(networkReason(error), transport.secrets)}`, {
      cause: error,
      context: { method: request.method, url: request.url, timeoutMs },
    });
  const signal = AbortSignal.timeout(Math.max(1, Math.round(timeoutMs)));
  let response: Response;
  try {
    response = await transport.fetch(request.url, {
      method: request.method,
      headers: request.headers,
      ...(request.body === undefined ? {} : { body: request.body }),
      signal,
      redirect: "manual",
    });
  } catch (error) {
    throw fail(error);
  }
  const text = await readBody(request, response, transport.maxResponseBytes ?? DEFAULT_MAX_RESPONSE_BYTES, fail);
  return {
    status: response.status,
    statusText: response.statusText,
    headers: response.headers,
    text,
    correlationId: response.headers.get(transport.correlationHeader) ?? undefined,
  };
}

/**
 * Reads a response body as UTF-8, up to `limit` bytes. A longer body (announced by Content-Length or found while
 * reading) is cancelled and refused with `E_HTTP`: buffering an endless answer would exhaust memory, and past
 * about 512 MB V8 aborts the whole process while decoding it. A connection cut mid-body is `E_NETWORK` (retried).
 */
async function readBody(request: HttpRequest, response: Response, limit: number, fail: (error: unknown) => CxdaError): Promise<string> {
  const tooLarge = (size: string): CxdaError =>
    new CxdaError(
      "E_HTTP",
      `${request.method} ${request.url}: ${statusLine(response)}, the response body is ${size}, more than the ${limit} bytes cxda reads; check the URL points at the platform API`,
      { context: { method: request.method, url: request.url, status: response.status, maxResponseBytes: limit } },
    );
  const declared = Number(response.headers.get("content-length") ?? Number.NaN);
  if (Number.isFinite(declared) && declared > limit) {
    await response.body?.cancel().catch(() => undefined);
    throw tooLarge(`${declared} bytes (Content-Length)`);
  }
  if (response.body === null) return "";
  const reader = response.body.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      size += value.byteLength;
      if (size > limit) {
        await reader.cancel().catch(() => undefined);
        throw tooLarge(`over ${limit} bytes and still coming`);
      }
      chunks.push(value);
    }
  } catch (error) {
    if (error instanceof CxdaError) throw error;
    throw fail(error);
  }
  return new TextDecoder().decode(Buffer.concat(chunks, size));
}

/** Error codes of a connection that was never made: the request cannot have reached the platform. */
const NOT_CONNECTED = new Set(["ECONNREFUSED", "ENOTFOUND", "EAI_AGAIN", "ENETUNREACH", "EHOSTUNREACH", "UND_ERR_CONNECT_TIMEOUT"]);

/** Whether a network fault happened before the request could leave (fetch's error carries the socket's code). */
function neverConnected(error: CxdaError): boolean {
  const code = socketCode(error.cause);
  return code !== undefined && NOT_CONNECTED.has(code);
}

/**
 * Whether an answer says the request was not acted on: rate limited, not read in time, or unavailable with a
 * Retry-After. A bare 503 is not enough: proxies answer 503 when the upstream connection resets after the request was
 * forwarded.
 */
function notActedOn(response: HttpResponse): boolean {
  return response.status === 429 || response.status === 408 || (response.status === 503 && response.headers.get("retry-after") !== null);
}

/** Options of {@link sendWithRetry}. */
export interface SendOptions {
  /**
   * Whether sending the request twice is harmless. A request with side effects (executing a data action) is sent
   * again only when it certainly did not run: a 429 or 408 answer, a 503 with Retry-After, or a connection never
   * made. @default true
   */
  repeatable?: boolean;
}

/**
 * Sends a request under the retry policy: 429 waits for Retry-After, 408/5xx and network faults
 * back off; every other status is returned for the caller to interpret. A request that is not repeatable is sent
 * again only when it did not run; any other fault is reported at once, saying why it was not retried.
 * @example
 * const response = await sendWithRetry({ method: "GET", url, headers: {} }, transport);
 */
export async function sendWithRetry(request: HttpRequest, transport: HttpTransport, options: SendOptions = {}): Promise<HttpResponse> {
  const where = `${request.method} ${request.url}`;
  const repeatable = options.repeatable ?? true;
  const notRetried = "not retried, since it may have run on the platform and running it again could repeat its side effects";
  return runWithRetry(async ({ remainingMs }): Promise<AttemptOutcome<HttpResponse>> => {
    let response: HttpResponse;
    try {
      response = await sendOnce(request, transport, Math.min(transport.timeoutMs, Math.max(remainingMs, 1)));
    } catch (error) {
      if (error instanceof CxdaError && error.code === "E_NETWORK") {
        if (repeatable || neverConnected(error)) return { kind: "retry", error };
        throw new CxdaError("E_NETWORK", `${error.message} (${notRetried})`, { cause: error, context: { ...error.context, retried: false } });
      }
      throw error;
    }
    if (!isRetryableStatus(response.status)) return { kind: "done", value: response };
    const said = describeBody(response.text, transport.secrets);
    const detail = said === undefined ? "" : ` (${said})`;
    if (response.status === 429) {
      const retryAfterMs = parseRetryAfter(response.headers.get("retry-after"), transport.retry.now());
      const error = responseError("E_RATE_LIMIT", request, response, `${where}: ${statusLine(response)}, rate limited${detail}`);
      return retryAfterMs === undefined ? { kind: "retry", error } : { kind: "retry", error, retryAfterMs };
    }
    if (!repeatable && !notActedOn(response))
      throw responseError("E_HTTP", request, response, `${where}: ${statusLine(response)}${detail}; ${notRetried}`);
    return { kind: "retry", error: responseError("E_HTTP", request, response, `${where}: ${statusLine(response)}${detail}`) };
  }, transport.retry);
}

export function describeResponse(request: HttpRequest, response: HttpResponse): string {
  return `${request.method} ${request.url}: ${statusLine(response)}`;
}
