// The platform API client: get a data action's definition and execute it, with auth, retries and typed errors. What
// differs between platforms (paths, query, grants, wording, parsing, the token flow) comes from its `Platform`.
import { discoverTenant } from "../auth/access-key.js";
import { redact, type Secret } from "../secrets/secret.js";
import type { TokenCacheOptions, TokenProvider } from "../auth/token-provider.js";
import type { Platform, PlatformCall, PlatformName, PlatformOptions, ResolvedPlatformOptions } from "../platforms/platform.js";
import { platformNamed, resolvePlatformOptions } from "../platforms/resolve-platform.js";
import type { GenesysErrorBody, TestExecutionOperation, TestExecutionResult } from "../platforms/genesys/genesys-test-result.js";
import { CxdaError } from "../core/errors.js";
import {
  DEFAULT_CORRELATION_HEADER,
  DEFAULT_MAX_RESPONSE_BYTES,
  describeBody,
  describeResponse,
  responseError,
  sendWithRetry,
  type HttpRequest,
  type HttpResponse,
  type HttpTransport,
} from "../http/http-request.js";
import { resolveRetryOptions, type RetryOptions } from "../http/retry-policy.js";

export type { GenesysErrorBody, TestExecutionOperation, TestExecutionResult } from "../platforms/genesys/genesys-test-result.js";

/** The scope each call needs on the CXone-style platform, named in `E_SCOPE` errors. */
export { DATA_ACTION_SCOPES } from "../platforms/cxone/cxone-platform.js";

/**
 * Options of {@link createApiClient}: platform options (credentials, URLs) plus transport settings.
 * @example
 * createApiClient({ apiUrl: `${emulator.url}/api/v2`, clientId, clientSecret, envFile: false });
 */
export interface ApiClientOptions extends Omit<PlatformOptions, "platform"> {
  /**
   * The platform to speak (`"cxone"`, `"genesys"`), or already-resolved platform options (then the platform fields above
   * are ignored). @default "cxone"
   */
  platform?: PlatformName | ResolvedPlatformOptions;
  /** Token provider to use. @default one built for the resolved auth mode */
  tokenProvider?: TokenProvider;
  /** Token cache timing (clock, margins), for the default provider. */
  tokenCache?: TokenCacheOptions;
  /** fetch implementation. @default globalThis.fetch */
  fetch?: typeof fetch;
  /** Per-attempt timeout in ms. @default 15000 */
  timeoutMs?: number;
  /** Retry policy for API and token calls. @default resolveRetryOptions() */
  retry?: RetryOptions;
  /** Response header holding the platform's correlation id. @default "x-correlation-id" */
  correlationHeader?: string;
  /** Largest response body read, in bytes; a longer answer is `E_HTTP`. @default 16 MiB */
  maxResponseBytes?: number;
  /** Paths relative to the API base; `{id}` is replaced by the encoded id. @default the platform's */
  paths?: {
    /** @default "data-actions/{id}" (Genesys: "integrations/actions/{id}") */
    getDataAction?: string;
    /** @default none (Genesys: "integrations/actions/{id}/draft") */
    getDraft?: string;
    /** @default "data-actions/{id}/execute" (Genesys: none) */
    executeDataAction?: string;
    /** @default none (Genesys: "integrations/actions/{id}/test") */
    testDataAction?: string;
    /** @default none (Genesys: "integrations/actions/{id}/draft/test") */
    testDraft?: string;
  };
}

/** Client options with every default applied. */
export interface ResolvedApiClientOptions {
  platform: ResolvedPlatformOptions;
  /** The platform the options are for: its paths, grants, wording and parsing. */
  definition: Platform;
  tokenProvider: TokenProvider;
  transport: HttpTransport;
  paths: {
    getDataAction: string;
    getDraft: string | undefined;
    executeDataAction: string | undefined;
    testDataAction: string | undefined;
    testDraft: string | undefined;
  };
}

/** A definition as the platform returned it. */
export interface FetchedDataAction {
  notModified: false;
  /** The raw JSON body: normalise it with `normaliseDefinition`. */
  definition: Record<string, unknown>;
  etag?: string;
  version?: string | number;
  url: string;
  correlationId?: string;
}

/** The platform confirmed that the copy with this ETag is current (304). */
export interface NotModifiedDataAction {
  notModified: true;
  etag?: string;
  url: string;
  correlationId?: string;
}

/** What {@link ApiClient.getDataAction} returns. */
export type DataActionResponse = FetchedDataAction | NotModifiedDataAction;

/** What the platform's execute endpoint answered: an output, or the transform's failure as data. */
export type ExecuteResult =
  | { ok: true; output: unknown; status: number; correlationId?: string }
  | { ok: false; status: number; error: { code?: string; message: string }; correlationId?: string };

/** What the platform's test endpoint answered (Genesys' TestExecutionResult), with the status and correlation id of the answer. */
export type TestDataActionResult = TestExecutionResult & { status: number; correlationId?: string };

/** The platform API, as cxda uses it. */
export interface ApiClient {
  /** The platform the client speaks. */
  readonly platform: PlatformName;
  /**
   * GET a data action; with `etag`, sends `If-None-Match` and may get `{ notModified: true }`; with `draft`, its
   * unpublished draft (platforms that keep drafts: Genesys Cloud).
   */
  getDataAction(id: string, options?: { etag?: string; draft?: boolean }): Promise<DataActionResponse>;
  /** POST a trigger payload to the execute endpoint. */
  executeDataAction(id: string, payload: unknown): Promise<ExecuteResult>;
  /**
   * POST an input to the test endpoint (platforms that have one: Genesys Cloud), which runs the action with each step's
   * intermediate result; with `draft`, the unpublished draft. A test that failed is a result (`success: false`), not an
   * error; a refusal (401, 403, 404) or an answer that is not a TestExecutionResult is a typed error.
   */
  testDataAction(id: string, input: unknown, options?: { draft?: boolean }): Promise<TestDataActionResult>;
  /** The API base in use (after tenant discovery, in access-key mode). */
  apiUrl(): Promise<string>;
  readonly tokenProvider: TokenProvider;
}

/**
 * Applies the client defaults: resolves platform options (unless given resolved) and builds the token provider.
 * @example
 * const resolved = resolveApiClientOptions({ env: process.env });
 */
export function resolveApiClientOptions(options: ApiClientOptions = {}): ResolvedApiClientOptions {
  const { platform: given, ...rest } = options;
  const platform = typeof given === "object" ? given : resolvePlatformOptions({ ...rest, ...(given === undefined ? {} : { platform: given }) });
  const definition = platformNamed(platform.platform);
  const timeoutMs = options.timeoutMs ?? 15_000;
  if (!Number.isFinite(timeoutMs) || timeoutMs <= 0) {
    throw new CxdaError("E_CONFIG", `timeoutMs must be a positive number, got ${String(options.timeoutMs)}`, { context: { setting: "timeoutMs" } });
  }
  const correlationHeader = (options.correlationHeader ?? DEFAULT_CORRELATION_HEADER).toLowerCase();
  const maxResponseBytes = options.maxResponseBytes ?? DEFAULT_MAX_RESPONSE_BYTES;
  if (!Number.isInteger(maxResponseBytes) || maxResponseBytes <= 0) {
    throw new CxdaError("E_CONFIG", `maxResponseBytes must be a positive whole number, got ${String(options.maxResponseBytes)}`, {
      context: { setting: "maxResponseBytes" },
    });
  }
  const tokenProvider =
    options.tokenProvider ??
    definition.createTokenProvider(platform, {
      ...options.tokenCache,
      ...(options.fetch === undefined ? {} : { fetch: options.fetch }),
      ...(options.retry === undefined ? {} : { retry: options.retry }),
      ...(options.maxResponseBytes === undefined ? {} : { maxResponseBytes: options.maxResponseBytes }),
      // The per-attempt timeout covers token requests too, not only API calls.
      timeoutMs,
      correlationHeader,
    });
  const auth = platform.auth;
  const secrets: Secret[] = auth.mode === "client-credentials" ? [auth.clientSecret] : [auth.clientSecret, auth.accessKeySecret];
  const paths = {
    getDataAction: options.paths?.getDataAction ?? definition.api.paths.getDataAction,
    getDraft: options.paths?.getDraft ?? definition.api.paths.getDraft,
    executeDataAction: options.paths?.executeDataAction ?? definition.api.paths.executeDataAction,
    testDataAction: options.paths?.testDataAction ?? definition.api.paths.testDataAction,
    testDraft: options.paths?.testDraft ?? definition.api.paths.testDraft,
  };
  for (const [name, path] of Object.entries(paths)) {
    if (path !== undefined && !path.includes("{id}")) {
      throw new CxdaError("E_CONFIG", `paths.${name} must contain "{id}", got "${path}"`, { context: { setting: `paths.${name}` } });
    }
  }
  return {
    platform,
    definition,
    tokenProvider,
    transport: {
      fetch: options.fetch ?? globalThis.fetch,
      timeoutMs,
      correlationHeader,
      retry: resolveRetryOptions(options.retry),
      secrets,
      maxResponseBytes,
    },
    paths,
  };
}

/** Checks an id before it goes into a URL or a file name. */
function checkId(id: string): void {
  if (typeof id !== "string" || id.trim() === "") {
    throw new CxdaError("E_USAGE", "a data action id is required", { context: { id: String(id) } });
  }
}

function parseObject(request: HttpRequest, response: HttpResponse): Record<string, unknown> {
  try {
    const parsed: unknown = JSON.parse(response.text);
    if (typeof parsed === "object" && parsed !== null && !Array.isArray(parsed)) return parsed as Record<string, unknown>;
  } catch {
    // reported below
  }
  throw responseError("E_HTTP", request, response, `${describeResponse(request, response)}: expected a JSON object in the response body`);
}

/**
 * Creates the API client. Credentials and URLs come from options, the environment and `.env`
 * (see `resolvePlatformOptions`). Reading a definition retries 429/5xx/network faults within the retry budget;
 * executing, which may have side effects, is retried only when it certainly did not run (429, 408, 503 with
 * Retry-After, a connection never made). A 401 invalidates the token and retries once; 401 again is `E_AUTH`, 403 `E_SCOPE`,
 * 404 `E_NOT_FOUND`. Errors carry method, URL, status and the correlation id, never a secret.
 * @example
 * const client = createApiClient();
 * const { definition, etag } = await client.getDataAction("da-test-12345");
 */
export function createApiClient(options: ApiClientOptions = {}): ApiClient {
  const resolved = resolveApiClientOptions(options);
  const { platform, tokenProvider, transport, paths } = resolved;
  const auth = platform.auth;
  let discovered: Promise<string> | undefined;

  const apiUrl = (): Promise<string> => {
    if (platform.apiUrl !== undefined) return Promise.resolve(platform.apiUrl);
    if (auth.mode !== "access-key" || auth.tenantId === undefined) {
      return Promise.reject(
        new CxdaError("E_CONFIG", `no API base URL: set ${resolved.definition.env.apiUrl ?? "the apiUrl option"}`, {
          context: { setting: resolved.definition.env.apiUrl },
        }),
      );
    }
    discovered ??= discoverTenant(auth.issuerUrl, auth.tenantId, {
      fetch: transport.fetch,
      timeoutMs: transport.timeoutMs,
      correlationHeader: transport.correlationHeader,
      ...(options.retry === undefined ? {} : { retry: options.retry }),
    }).then((tenant) => tenant.apiUrl);
    discovered.catch(() => {
      discovered = undefined;
    });
    return discovered;
  };

  /** Sends with a bearer token; on a 401, invalidates that token and tries once more with a fresh one. */
  const send = async (
    method: "GET" | "POST",
    url: string,
    headers: Record<string, string>,
    body?: string,
    repeatable = true,
  ): Promise<{ request: HttpRequest; response: HttpResponse; secrets: HttpTransport["secrets"] }> => {
    for (let authAttempt = 1; ; authAttempt++) {
      const token = await tokenProvider.getToken();
      const request: HttpRequest = {
        method,
        url,
        headers: { accept: "application/json", ...headers, authorization: `Bearer ${token}` },
        ...(body === undefined ? {} : { body }),
      };
      // The token joins the secrets to hide: a platform or gateway may echo the Authorization header in an answer.
      const secrets = [...transport.secrets, token];
      // A 401 means the request was refused, not run: sending it again with a fresh token is safe even for execute.
      const response = await sendWithRetry(request, { ...transport, secrets }, { repeatable });
      if (response.status !== 401) return { request, response, secrets };
      tokenProvider.invalidate(token);
      if (authAttempt >= 2) {
        throw responseError(
          "E_AUTH",
          request,
          response,
          `${describeResponse(request, response)}: the platform refused the token, also a freshly issued one; check ${auth.credentialsHint} and that this client may use the API`,
        );
      }
    }
  };

  const api = resolved.definition.api;
  const failFor = (request: HttpRequest, response: HttpResponse, what: string, call: PlatformCall, secrets: HttpTransport["secrets"]): never => {
    const where = describeResponse(request, response);
    if (response.status === 403) {
      throw responseError(
        "E_SCOPE",
        request,
        response,
        `${where}: ${api.missingGrant(call, auth.mode === "client-credentials" ? auth.credentialsHint : auth.clientHint)}`,
      );
    }
    if (response.status === 404) {
      throw responseError("E_NOT_FOUND", request, response, `${where}: no ${what}; check the id and ${api.notFoundHint}`);
    }
    const said = describeBody(response.text, secrets);
    throw responseError("E_HTTP", request, response, `${where}: unexpected answer${said === undefined ? "" : ` (${said})`}`);
  };

  const urlFor = async (template: string, id: string, query: Readonly<Record<string, string>> = {}): Promise<string> => {
    const search = new URLSearchParams(query).toString();
    return `${await apiUrl()}/${template.replace("{id}", encodeURIComponent(id))}${search === "" ? "" : `?${search}`}`;
  };

  return {
    platform: platform.platform,
    tokenProvider,
    apiUrl,

    async getDataAction(id, callOptions = {}) {
      checkId(id);
      const draft = callOptions.draft === true;
      if (draft && paths.getDraft === undefined) {
        throw new CxdaError("E_USAGE", `${resolved.definition.title} keeps no drafts of a ${api.noun}: pull without --draft`, { context: { id } });
      }
      const url = await urlFor(draft ? (paths.getDraft ?? "") : paths.getDataAction, id, api.definitionQuery);
      const headers: Record<string, string> = callOptions.etag === undefined ? {} : { "if-none-match": callOptions.etag };
      const { request, response, secrets } = await send("GET", url, headers);
      const etag = response.headers.get("etag") ?? undefined;
      const common = {
        url,
        ...(etag === undefined ? {} : { etag }),
        ...(response.correlationId === undefined ? {} : { correlationId: response.correlationId }),
      };
      if (response.status === 304) return { notModified: true, ...common };
      const what = draft ? `draft of the ${api.noun} "${id}"` : `${api.noun} with id "${id}"`;
      if (response.status < 200 || response.status >= 300) return failFor(request, response, what, "read", secrets);
      const parsed = resolved.definition.parseDefinition(parseObject(request, response), id);
      return {
        notModified: false,
        definition: parsed.definition,
        ...common,
        ...(parsed.version === undefined ? {} : { version: parsed.version }),
      };
    },

    async executeDataAction(id, payload) {
      checkId(id);
      if (paths.executeDataAction === undefined) {
        // Where the platform has a test endpoint, parity asks that instead (see testDataAction).
        const message =
          paths.testDataAction === undefined
            ? `executing a ${api.noun} on ${resolved.definition.title} is not supported, so --parity cannot run there`
            : `${resolved.definition.title} has no execute endpoint for a ${api.noun}: --parity runs the action's test endpoint instead (testDataAction)`;
        throw new CxdaError("E_USAGE", message, { context: { id, platform: platform.platform } });
      }
      const url = await urlFor(paths.executeDataAction, id);
      // Executing may have side effects on the platform: it is sent again only when it certainly did not run.
      const { request, response, secrets } = await send("POST", url, { "content-type": "application/json" }, JSON.stringify(payload), false);
      return executeAnswer(request, response, secrets) ?? failFor(request, response, `${api.noun} with id "${id}"`, "execute", secrets);
    },

    async testDataAction(id, input, callOptions = {}) {
      checkId(id);
      const draft = callOptions.draft === true;
      const template = draft ? paths.testDraft : paths.testDataAction;
      if (template === undefined) {
        throw new CxdaError("E_USAGE", `${resolved.definition.title} has no test endpoint for a ${api.noun}${draft ? "'s draft" : ""}`, {
          context: { id, platform: platform.platform },
        });
      }
      const url = await urlFor(template, id);
      // A test really calls the action's endpoint, which may have side effects: sent again only when it certainly did not run.
      const { request, response, secrets } = await send("POST", url, { "content-type": "application/json" }, JSON.stringify(input), false);
      const what = draft ? `draft of the ${api.noun} "${id}"` : `${api.noun} with id "${id}"`;
      return testAnswer(request, response, secrets) ?? failFor(request, response, what, "execute", secrets);
    },
  };
}

/** The correlation id of an answer, to spread into a result. */
function correlationOf(response: HttpResponse): { correlationId?: string } {
  return response.correlationId === undefined ? {} : { correlationId: response.correlationId };
}

/** An execute call's answer as a result: an output, or the action's failure as data (400, 422); `undefined` for anything else. */
function executeAnswer(request: HttpRequest, response: HttpResponse, secrets: HttpTransport["secrets"]): ExecuteResult | undefined {
  if (response.status >= 200 && response.status < 300) {
    const body = parseObject(request, response);
    return { ok: true, output: body.output, status: response.status, ...correlationOf(response) };
  }
  if (response.status !== 400 && response.status !== 422) return undefined;
  // The action ran (or refused its input) and said why: a result to compare, not a fault.
  let error: { code?: string; message: string } = { message: describeBody(response.text, secrets) ?? describeResponse(request, response) };
  try {
    const body = JSON.parse(response.text) as { error?: { code?: unknown; message?: unknown } };
    if (typeof body.error?.message === "string") {
      error = { message: redact(body.error.message, secrets), ...(typeof body.error.code === "string" ? { code: body.error.code } : {}) };
    }
  } catch {
    // keep the summary
  }
  return { ok: false, status: response.status, error, ...correlationOf(response) };
}

/** A test call's answer as a result: a TestExecutionResult, or a refused input (400, 422) as a failed test; `undefined` for anything else. */
function testAnswer(request: HttpRequest, response: HttpResponse, secrets: HttpTransport["secrets"]): TestDataActionResult | undefined {
  if (response.status >= 200 && response.status < 300) {
    return { ...readTestResult(request, response, secrets), status: response.status, ...correlationOf(response) };
  }
  if (response.status !== 400 && response.status !== 422) return undefined;
  // The platform refused the input (or the action cannot be tested) and said why: a failed test, not a fault.
  const error = readErrorBody(response.text, secrets) ?? { message: describeBody(response.text, secrets) ?? describeResponse(request, response) };
  return { operations: [], error, success: false, status: response.status, ...correlationOf(response) };
}

/** A Genesys ErrorBody in an answer's text (its message redacted), or `undefined` when the text holds none. */
function readErrorBody(text: string, secrets: HttpTransport["secrets"]): GenesysErrorBody | undefined {
  try {
    const body = JSON.parse(text) as Partial<GenesysErrorBody> & { error?: { code?: unknown; message?: unknown } };
    // Genesys words errors as an ErrorBody; the emulator's generic refusals as { error: { code, message } }.
    const found = typeof body.message === "string" ? body : typeof body.error?.message === "string" ? body.error : undefined;
    if (found === undefined) return undefined;
    const { message, code, status } = found as { message: string; code?: unknown; status?: unknown };
    return { message: redact(message, secrets), ...(typeof code === "string" ? { code } : {}), ...(typeof status === "number" ? { status } : {}) };
  } catch {
    return undefined;
  }
}

/** A 2xx test answer read as a TestExecutionResult: `E_HTTP` for a body that is not one. */
function readTestResult(request: HttpRequest, response: HttpResponse, secrets: HttpTransport["secrets"]): TestExecutionResult {
  const body = parseObject(request, response);
  const problem = (what: string): never => {
    throw responseError("E_HTTP", request, response, `${describeResponse(request, response)}: not a test result (${what})`);
  };
  if (typeof body.success !== "boolean") problem("success is not true or false");
  const operations: TestExecutionOperation[] = [];
  for (const [index, raw] of (Array.isArray(body.operations) ? body.operations : []).entries()) {
    if (typeof raw !== "object" || raw === null) problem(`operations[${index}] is not an object`);
    const entry = raw as Record<string, unknown>;
    const error = entry.error === undefined ? undefined : readErrorBody(JSON.stringify(entry.error), secrets);
    operations.push({
      step: typeof entry.step === "number" ? entry.step : index + 1,
      name: typeof entry.name === "string" ? entry.name : `operation ${index + 1}`,
      success: entry.success === true,
      ...(entry.result === undefined ? {} : { result: entry.result }),
      ...(error === undefined ? {} : { error }),
    });
  }
  // Genesys numbers operations by the order they ran; parity matches them by that order.
  operations.sort((a, b) => a.step - b.step);
  const error = body.error === undefined ? undefined : readErrorBody(JSON.stringify(body.error), secrets);
  return {
    operations,
    success: body.success as boolean,
    ...(error === undefined ? {} : { error }),
    ...(body.finalResult === undefined ? {} : { finalResult: body.finalResult }),
  };
}
