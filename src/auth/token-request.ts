// One call to an OAuth token endpoint (form-encoded, retried like any platform call) and what its answers mean.
import { CxdaError } from "../core/errors.js";
import {
  DEFAULT_CORRELATION_HEADER,
  describeBody,
  describeResponse,
  responseError,
  sendWithRetry,
  type HttpRequest,
  type HttpTransport,
} from "../http/http-request.js";
import { resolveRetryOptions, type RetryOptions } from "../http/retry-policy.js";
import type { Secret } from "../secrets/secret.js";
import type { TokenCacheOptions, TokenGrant } from "./token-provider.js";

/**
 * Transport options every token provider accepts, on top of the cache timing.
 * @example
 * { timeoutMs: 5000, retry: { maxAttempts: 3 } }
 */
export interface TokenTransportOptions extends TokenCacheOptions {
  /** fetch implementation. @default globalThis.fetch */
  fetch?: typeof fetch;
  /** Per-attempt timeout in ms. @default 10000 */
  timeoutMs?: number;
  /** Retry policy for token requests (429, 5xx, network faults). */
  retry?: RetryOptions;
  /** Response header holding the platform's correlation id. @default "x-correlation-id" */
  correlationHeader?: string;
  /** Largest response body read, in bytes. @default 16 MiB */
  maxResponseBytes?: number;
}

/** Builds the transport a provider uses, scrubbing the given secrets from any error text. */
export function createTokenTransport(options: TokenTransportOptions, secrets: HttpTransport["secrets"]): HttpTransport {
  return {
    fetch: options.fetch ?? globalThis.fetch,
    timeoutMs: options.timeoutMs ?? 10_000,
    correlationHeader: options.correlationHeader ?? DEFAULT_CORRELATION_HEADER,
    retry: resolveRetryOptions(options.retry),
    secrets,
    ...(options.maxResponseBytes === undefined ? {} : { maxResponseBytes: options.maxResponseBytes }),
  };
}

/** The parts of a token request. */
export interface TokenCall {
  url: string;
  form: Record<string, string>;
  /** Client credentials sent as HTTP Basic (CXone); omitted for the form-only contract. */
  basic?: { clientId: string; clientSecret: Secret };
  transport: HttpTransport;
  /** Which settings to check when the client is refused (names, never values). */
  clientHint: string;
  /** Which settings to check when the grant itself is refused. */
  grantHint: string;
  /** Which setting holds this URL, for a 404. */
  urlHint: string;
}

/** A token-endpoint refusal; `oauthError` is the OAuth `error` field (`invalid_grant`, `invalid_client`…). */
export function oauthErrorOf(error: unknown): string | undefined {
  if (!(error instanceof CxdaError)) return undefined;
  const value = error.context.oauthError;
  return typeof value === "string" ? value : undefined;
}

/** Form fields of a token request whose values are credentials. */
const SECRET_FORM_FIELDS = ["client_secret", "password", "refresh_token", "assertion", "code"];

function basicHeader(clientId: string, clientSecret: Secret): string {
  // RFC 6749 2.3.1: form-encode each part before joining them.
  const pair = `${encodeURIComponent(clientId)}:${encodeURIComponent(clientSecret.reveal())}`;
  return `Basic ${Buffer.from(pair).toString("base64")}`;
}

/**
 * POSTs a grant to a token endpoint and returns what it granted. Refusals become `E_AUTH`
 * naming the settings to check; a missing endpoint is `E_CONFIG`; a malformed answer `E_AUTH`.
 */
export async function requestToken(call: TokenCall): Promise<TokenGrant> {
  const headers: Record<string, string> = {
    "content-type": "application/x-www-form-urlencoded",
    accept: "application/json",
  };
  if (call.basic !== undefined) headers.authorization = basicHeader(call.basic.clientId, call.basic.clientSecret);
  const request: HttpRequest = { method: "POST", url: call.url, headers, body: new URLSearchParams(call.form).toString() };
  // What this request carries is secret too: the Basic credentials as encoded, a password, a refresh token.
  const sent = [headers.authorization?.slice("Basic ".length), ...SECRET_FORM_FIELDS.map((field) => call.form[field])];
  const transport: HttpTransport = { ...call.transport, secrets: [...call.transport.secrets, ...sent] };
  const response = await sendWithRetry(request, transport);
  const where = describeResponse(request, response);

  let body: Record<string, unknown> | undefined;
  try {
    const parsed: unknown = JSON.parse(response.text);
    if (typeof parsed === "object" && parsed !== null && !Array.isArray(parsed)) body = parsed as Record<string, unknown>;
  } catch {
    body = undefined;
  }

  if (response.status >= 200 && response.status < 300) {
    const accessToken = body?.access_token;
    if (typeof accessToken !== "string" || accessToken === "") {
      throw responseError("E_AUTH", request, response, `${where}: the token endpoint answered without an access_token`);
    }
    const rawExpiry = body?.expires_in;
    const expiresIn = typeof rawExpiry === "number" ? rawExpiry : typeof rawExpiry === "string" ? Number(rawExpiry) : Number.NaN;
    const grant: TokenGrant = {
      accessToken,
      // Without expires_in, assume a short life rather than trusting the token for an hour.
      expiresInSeconds: Number.isFinite(expiresIn) && expiresIn > 0 ? expiresIn : 300,
    };
    if (typeof body?.refresh_token === "string") grant.refreshToken = body.refresh_token;
    if (typeof body?.scope === "string") grant.scope = body.scope;
    return grant;
  }

  const oauthError = typeof body?.error === "string" ? body.error : undefined;
  const said = describeBody(response.text, transport.secrets);
  const detail = said === undefined ? "" : ` (${said})`;
  const withCode = (error: CxdaError): CxdaError => {
    if (oauthError !== undefined) error.context.oauthError = oauthError;
    return error;
  };
  if (response.status === 404) {
    throw responseError("E_CONFIG", request, response, `${where}: no token endpoint at this URL; check ${call.urlHint}`);
  }
  if (response.status === 401 || oauthError === "invalid_client" || oauthError === "unauthorized_client") {
    throw withCode(responseError("E_AUTH", request, response, `${where}: the client credentials were refused${detail}; check ${call.clientHint}`));
  }
  if (oauthError === "invalid_grant") {
    throw withCode(responseError("E_AUTH", request, response, `${where}: the grant was refused${detail}; check ${call.grantHint}`));
  }
  if (response.status === 400 || response.status === 403) {
    throw withCode(responseError("E_AUTH", request, response, `${where}: the token request was refused${detail}; check ${call.clientHint}`));
  }
  throw withCode(responseError("E_HTTP", request, response, `${where}: unexpected answer from the token endpoint${detail}`));
}
