// The platform emulator: a loopback node:http server speaking cxda's default contract and the CXone access-key flow, with faults.
import { randomBytes, randomUUID, timingSafeEqual } from "node:crypto";
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { PLATFORM_ENV } from "../config/platform-options.js";
import { CxdaError } from "../core/errors.js";
import { allowedHostNames, isAllowedHost, quotedHost } from "../internal/host-header.js";
import { createDefinitionsStore, type DefinitionsStore } from "./definitions-store.js";
import { checkFaultRules, FaultSet, readFaultsFile, type EmulatorRoute, type FaultEffect, type FaultRule } from "./faults.js";
import { runTransformSource } from "./run-transform.js";

/** The scopes the emulator knows. */
export const EMULATOR_SCOPES = ["data-actions:read", "data-actions:execute"] as const;

/** A registered OAuth client. */
export interface EmulatorClient {
  clientId: string;
  clientSecret: string;
  /** Scopes its tokens carry. @default both data-actions scopes */
  scopes?: string[];
}

/** A registered CXone access key (for the password grant). */
export interface EmulatorAccessKey {
  accessKeyId: string;
  accessKeySecret: string;
  /** @default both data-actions scopes */
  scopes?: string[];
}

/**
 * Options of {@link startEmulator}. Everything has a default: `startEmulator()` serves on a free
 * loopback port with one generated client and access key and no definitions.
 * @example
 * const emulator = await startEmulator({ definitions: "examples/billing-callback/actions", faults: [{ route: "token", status: 503, count: 1 }] });
 */
export interface EmulatorOptions {
  /** Port; 0 picks a free one. @default 0 */
  port?: number;
  /** Address to listen on. @default "127.0.0.1" */
  host?: string;
  /**
   * Host header names the emulator answers besides `localhost`, `127.x.x.x` and `[::1]` (any other gets 403, a
   * defence against DNS rebinding). `host` is always among them when it is not a loopback address, so
   * `--host 192.168.1.20` serves `http://192.168.1.20:<port>`; a wildcard `host` (`0.0.0.0`, `::`) names no machine,
   * so list the names clients use (`--allow-host emulator` for a container reached as `http://emulator:4010`).
   * @default []
   */
  allowedHosts?: string[];
  /** A folder of `<id>.json` files or `<name>/definition.json` action folders, and/or definitions by id. */
  definitions?: string | Record<string, Record<string, unknown>>;
  /** OAuth clients. @default one with id "cxda-emulator" and a random secret */
  clients?: EmulatorClient[];
  /** Access keys. @default one with id "emulator-access-key" and a random secret */
  accessKeys?: EmulatorAccessKey[];
  /** The tenant served by `/.well-known/cxone-configuration`. @default "emulator-tenant" */
  tenantId?: string;
  /** Access token lifetime in seconds. @default 3600 */
  tokenTtlSeconds?: number;
  /** Refresh token lifetime in seconds. @default 43200 */
  refreshTokenTtlSeconds?: number;
  /** Faults active from the start: rules, or a JSON file of rules. @default none */
  faults?: FaultRule[] | string;
  /** Clock for token expiry, in epoch ms. @default Date.now */
  now?: () => number;
  /** Random source for fault probabilities. @default Math.random */
  random?: () => number;
  /** `ctx.env` when the trigger has no `environment`. @default "sandbox" */
  env?: string;
  /** Time limit for one transform run, in ms. @default 2000 */
  transformTimeoutMs?: number;
  /** Called after each request with its log entry. */
  onRequest?: (entry: EmulatorRequest) => void;
  /** Response header carrying the correlation id. @default "x-correlation-id" */
  correlationHeader?: string;
  /** Entries the request log keeps; older ones are dropped (their `seq` numbers show the gap). @default 10000 */
  requestLogLimit?: number;
  /**
   * Time a client has to send a whole request (headers and body). A slower one (a slowloris) gets 408 and its
   * connection is closed, checked every quarter of this time. @default 30000
   */
  requestTimeoutMs?: number;
}

/** Emulator options with every default applied. */
export interface ResolvedEmulatorOptions {
  port: number;
  host: string;
  /** Every non-loopback Host header name answered: `allowedHosts` and `host`. */
  allowedHosts: ReadonlySet<string>;
  definitionsDir: string | undefined;
  definitions: Record<string, Record<string, unknown>>;
  clients: Array<Required<EmulatorClient>>;
  accessKeys: Array<Required<EmulatorAccessKey>>;
  tenantId: string;
  tokenTtlSeconds: number;
  refreshTokenTtlSeconds: number;
  faults: FaultRule[] | string;
  now: () => number;
  random: () => number;
  env: string;
  transformTimeoutMs: number;
  onRequest: ((entry: EmulatorRequest) => void) | undefined;
  correlationHeader: string;
  requestLogLimit: number;
  requestTimeoutMs: number;
}

/** One request as the emulator saw it. No credentials, tokens or bodies are recorded. */
export interface EmulatorRequest {
  seq: number;
  /** ISO time the request arrived. */
  at: string;
  method: string;
  /** Path and query, with any credential-like query parameter redacted. */
  path: string;
  route: EmulatorRoute | null;
  status: number;
  durationMs: number;
  correlationId: string;
  /** The connection was destroyed mid-response. */
  dropped?: true;
  /** Faults that fired. */
  faults?: string[];
  /** The OAuth grant type on token routes. */
  grantType?: string;
  /** The OAuth client id on token routes. */
  clientId?: string;
  /** The data action id on data-action routes. */
  actionId?: string;
}

/** Credentials to use against a running emulator. */
export interface EmulatorCredentials {
  clientId: string;
  clientSecret: string;
  accessKeyId: string;
  accessKeySecret: string;
  tenantId: string;
}

/** A running emulator. */
export interface Emulator {
  /** Origin, e.g. `http://127.0.0.1:40123`; also the OpenID issuer. */
  readonly url: string;
  readonly port: number;
  /** API base: `${url}/api/v2`. */
  readonly apiUrl: string;
  /** Client-credentials token URL: `${url}/api/v2/oauth/token`. */
  readonly tokenUrl: string;
  /** The first client and access key. */
  readonly credentials: EmulatorCredentials;
  /** Environment variables for client-credentials mode against this emulator. */
  readonly env: Record<string, string>;
  /** Environment variables for access-key mode (discovery, password grant, tenant discovery). */
  readonly accessKeyEnv: Record<string, string>;
  /** A copy of the request log, oldest first (the last `requestLogLimit` requests). */
  readonly requests: EmulatorRequest[];
  clearRequests(): void;
  /** Replaces the active faults. */
  setFaults(rules: FaultRule[]): void;
  clearFaults(): void;
  /** The active faults with their remaining counts. */
  faults(): Array<FaultRule & { remaining: number | null }>;
  /** Expires every access token issued so far (refresh tokens stay valid). */
  expireTokens(): void;
  /** Serves `raw` as data action `id` (or stops serving it with `undefined`). */
  setDefinition(id: string, raw: Record<string, unknown> | undefined): void;
  /** Stops the server and drops open connections. */
  close(): Promise<void>;
}

interface AccessToken {
  clientId: string;
  scopes: Set<string>;
  expiresAt: number;
}

interface RefreshToken {
  clientId: string;
  accessKeyId: string;
  scopes: string[];
  expiresAt: number;
}

const API_PREFIX = "/api/v2";
const BODY_LIMIT = 1024 * 1024;
const SENSITIVE_QUERY = /^(client_secret|password|access_token|refresh_token|token|code|secret)$/i;

function positiveNumber(name: string, value: number | undefined, fallback: number): number {
  if (value === undefined) return fallback;
  if (!Number.isFinite(value) || value <= 0) throw new CxdaError("E_CONFIG", `emulator ${name} must be a positive number, got ${String(value)}`);
  return value;
}

function wholeNumber(name: string, value: number | undefined, fallback: number): number {
  if (value === undefined) return fallback;
  if (!Number.isInteger(value) || value < 0) throw new CxdaError("E_CONFIG", `emulator ${name} must be a whole number >= 0, got ${String(value)}`);
  return value;
}

/**
 * Applies the emulator defaults and rejects bad values.
 * @example
 * resolveEmulatorOptions({ port: 4010 }).clients[0]?.clientId; // "cxda-emulator"
 */
export function resolveEmulatorOptions(options: EmulatorOptions = {}): ResolvedEmulatorOptions {
  const port = options.port ?? 0;
  if (!Number.isInteger(port) || port < 0 || port > 65535)
    throw new CxdaError("E_CONFIG", `emulator port must be 0–65535, got ${String(options.port)}`);
  const secret = (): string => randomBytes(18).toString("base64url");
  const clients = (options.clients ?? [{ clientId: "cxda-emulator", clientSecret: `emu-cs-${secret()}` }]).map((c) => ({
    ...c,
    scopes: c.scopes ?? [...EMULATOR_SCOPES],
  }));
  const accessKeys = (options.accessKeys ?? [{ accessKeyId: "emulator-access-key", accessKeySecret: `emu-ak-${secret()}` }]).map((k) => ({
    ...k,
    scopes: k.scopes ?? [...EMULATOR_SCOPES],
  }));
  if (clients.length === 0) throw new CxdaError("E_CONFIG", "the emulator needs at least one client");
  if (typeof options.faults !== "string" && options.faults !== undefined) checkFaultRules(options.faults, "emulator faults");
  const host = options.host ?? "127.0.0.1";
  return {
    port,
    host,
    allowedHosts: allowedHostNames([...(options.allowedHosts ?? []), host]),
    definitionsDir: typeof options.definitions === "string" ? options.definitions : undefined,
    definitions: typeof options.definitions === "object" ? options.definitions : {},
    clients,
    accessKeys,
    tenantId: options.tenantId ?? "emulator-tenant",
    tokenTtlSeconds: positiveNumber("tokenTtlSeconds", options.tokenTtlSeconds, 3600),
    refreshTokenTtlSeconds: positiveNumber("refreshTokenTtlSeconds", options.refreshTokenTtlSeconds, 43_200),
    faults: options.faults ?? [],
    now: options.now ?? Date.now,
    random: options.random ?? Math.random,
    env: options.env ?? "sandbox",
    transformTimeoutMs: positiveNumber("transformTimeoutMs", options.transformTimeoutMs, 2_000),
    onRequest: options.onRequest,
    correlationHeader: (options.correlationHeader ?? "x-correlation-id").toLowerCase(),
    requestLogLimit: wholeNumber("requestLogLimit", options.requestLogLimit, 10_000),
    requestTimeoutMs: positiveNumber("requestTimeoutMs", options.requestTimeoutMs, 30_000),
  };
}

function sameSecret(given: string, expected: string): boolean {
  const a = Buffer.from(given);
  const b = Buffer.from(expected);
  return a.length === b.length && timingSafeEqual(a, b);
}

function safePath(url: URL): string {
  const params = new URLSearchParams();
  for (const [key, value] of url.searchParams) params.append(key, SENSITIVE_QUERY.test(key) ? "[redacted]" : value);
  const query = params.size === 0 ? "" : `?${params.toString()}`;
  return `${url.pathname}${query}`;
}

function readBody(req: IncomingMessage): Promise<string | undefined> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on("data", (chunk: Buffer) => {
      size += chunk.length;
      if (size <= BODY_LIMIT) chunks.push(chunk);
    });
    req.on("end", () => resolve(size > BODY_LIMIT ? undefined : Buffer.concat(chunks).toString("utf8")));
    req.on("error", reject);
  });
}

/** Parses HTTP Basic credentials (RFC 6749 form-encodes each part). */
function basicCredentials(header: string | undefined): { id: string; secret: string } | undefined {
  const match = /^Basic\s+(.+)$/i.exec(header ?? "");
  if (match?.[1] === undefined) return undefined;
  const decoded = Buffer.from(match[1], "base64").toString("utf8");
  const colon = decoded.indexOf(":");
  if (colon < 0) return undefined;
  try {
    return { id: decodeURIComponent(decoded.slice(0, colon)), secret: decodeURIComponent(decoded.slice(colon + 1)) };
  } catch {
    return undefined;
  }
}

function ifNoneMatches(header: string | undefined, etag: string): boolean {
  if (header === undefined) return false;
  const strip = (tag: string): string => tag.trim().replace(/^W\//, "");
  return header.split(",").some((tag) => tag.trim() === "*" || strip(tag) === etag);
}

/** What a handler decided to answer. */
interface Reply {
  status: number;
  body?: unknown;
  headers?: Record<string, string>;
}

const json = (status: number, body: unknown, headers: Record<string, string> = {}): Reply => ({ status, body, headers });
const oauthError = (status: number, error: string, description: string, headers: Record<string, string> = {}): Reply =>
  json(status, { error, error_description: description }, { "cache-control": "no-store", ...headers });
const apiError = (status: number, code: string, message: string, headers: Record<string, string> = {}): Reply =>
  json(status, { error: { code, message } }, headers);

/** The 403 for a Host header that names neither loopback nor an allowed host: what was refused, why, what to do. */
function refusedHost(host: string, origin: string): Reply {
  const message =
    `the Host header ${quotedHost(host)} does not name this machine (localhost, 127.x.x.x or [::1], any port), so the emulator refused the request: ` +
    `a web page can reach a loopback port under a name of its own (DNS rebinding); send requests to ${origin}, or start the emulator with ` +
    `--allow-host <that name> (allowedHosts) when clients reach it by that name`;
  return json(403, { error: { code: "host_not_allowed", message, host } });
}

/**
 * Starts the emulator on loopback and resolves once it listens.
 * @example
 * const emulator = await startEmulator({ definitions: { "da-1": definition } });
 * const client = createApiClient({ env: emulator.env, envFile: false });
 * await emulator.close();
 */
export async function startEmulator(options: EmulatorOptions = {}): Promise<Emulator> {
  const config = resolveEmulatorOptions(options);
  const store: DefinitionsStore = createDefinitionsStore(config.definitionsDir, config.definitions);
  const faults = new FaultSet(config.random);
  faults.set(typeof config.faults === "string" ? await readFaultsFile(config.faults) : config.faults);
  const accessTokens = new Map<string, AccessToken>();
  const refreshTokens = new Map<string, RefreshToken>();
  const log: EmulatorRequest[] = [];
  let seq = 0;

  const issueAccess = (clientId: string, scopes: string[], effect: FaultEffect): { token: string; granted: string[] } => {
    const granted = scopes.filter((scope) => !effect.omitScopes.includes(scope));
    const token = `emu_at_${randomBytes(24).toString("base64url")}`;
    accessTokens.set(token, { clientId, scopes: new Set(granted), expiresAt: config.now() + config.tokenTtlSeconds * 1000 });
    return { token, granted };
  };

  const findClient = (id: string | undefined, secret: string | undefined): Required<EmulatorClient> | undefined =>
    config.clients.find((c) => id !== undefined && secret !== undefined && c.clientId === id && sameSecret(secret, c.clientSecret));

  const parseForm = (req: IncomingMessage, body: string): URLSearchParams | undefined =>
    (req.headers["content-type"] ?? "").toLowerCase().startsWith("application/x-www-form-urlencoded") ? new URLSearchParams(body) : undefined;

  /** POST /api/v2/oauth/token: the client-credentials contract (form fields, or HTTP Basic). */
  const clientCredentialsToken = (req: IncomingMessage, body: string, effect: FaultEffect): Reply => {
    const form = parseForm(req, body);
    if (form === undefined) return oauthError(400, "invalid_request", "the body must be application/x-www-form-urlencoded");
    const grantType = form.get("grant_type") ?? "";
    const basic = basicCredentials(req.headers.authorization);
    const clientId = basic?.id ?? form.get("client_id") ?? undefined;
    if (grantType !== "client_credentials") return oauthError(400, "unsupported_grant_type", "only client_credentials is supported here");
    const client = findClient(clientId, basic?.secret ?? form.get("client_secret") ?? undefined);
    if (client === undefined)
      return oauthError(401, "invalid_client", "unknown client or wrong secret", { "www-authenticate": 'Basic realm="cxda-emulator"' });
    const requested = (form.get("scope") ?? "").split(/\s+/).filter((s) => s !== "");
    const unknown = requested.filter((scope) => !client.scopes.includes(scope));
    if (unknown.length > 0) return oauthError(400, "invalid_scope", `scope not granted to this client: ${unknown.join(" ")}`);
    const { token, granted } = issueAccess(client.clientId, requested.length > 0 ? requested : client.scopes, effect);
    return json(
      200,
      { access_token: token, token_type: "Bearer", expires_in: config.tokenTtlSeconds, scope: granted.join(" ") },
      { "cache-control": "no-store" },
    );
  };

  /** POST /auth/token: the CXone flow: HTTP Basic client auth, password or refresh_token grant. */
  const cxoneToken = (req: IncomingMessage, body: string, effect: FaultEffect): Reply => {
    const form = parseForm(req, body);
    if (form === undefined) return oauthError(400, "invalid_request", "the body must be application/x-www-form-urlencoded");
    const grantType = form.get("grant_type") ?? "";
    const basic = basicCredentials(req.headers.authorization);
    const client = findClient(basic?.id, basic?.secret);
    if (client === undefined) {
      return oauthError(401, "invalid_client", "client authentication (HTTP Basic) failed", { "www-authenticate": 'Basic realm="cxda-emulator"' });
    }
    const grant = (accessKeyId: string, scopes: string[]): Reply => {
      const { token, granted } = issueAccess(client.clientId, scopes, effect);
      const refresh = `emu_rt_${randomBytes(24).toString("base64url")}`;
      refreshTokens.set(refresh, { clientId: client.clientId, accessKeyId, scopes, expiresAt: config.now() + config.refreshTokenTtlSeconds * 1000 });
      return json(
        200,
        {
          access_token: token,
          token_type: "Bearer",
          expires_in: config.tokenTtlSeconds,
          refresh_token: refresh,
          scope: granted.join(" "),
          tenant_id: config.tenantId,
        },
        { "cache-control": "no-store" },
      );
    };
    if (grantType === "password") {
      const key = config.accessKeys.find((k) => k.accessKeyId === form.get("username") && sameSecret(form.get("password") ?? "", k.accessKeySecret));
      if (key === undefined) return oauthError(400, "invalid_grant", "unknown access key or wrong secret");
      return grant(key.accessKeyId, key.scopes);
    }
    if (grantType === "refresh_token") {
      const presented = form.get("refresh_token") ?? "";
      const entry = refreshTokens.get(presented);
      if (entry === undefined || entry.clientId !== client.clientId || entry.expiresAt <= config.now()) {
        return oauthError(400, "invalid_grant", "the refresh token is unknown, expired or issued to another client");
      }
      refreshTokens.delete(presented); // refresh tokens rotate: each works once
      return grant(entry.accessKeyId, entry.scopes);
    }
    return oauthError(400, "unsupported_grant_type", "use password or refresh_token");
  };

  /** Checks the bearer token and its scope; undefined when the request may proceed. */
  const authorise = (req: IncomingMessage, scope: string, effect: FaultEffect): Reply | undefined => {
    const match = /^Bearer\s+(\S+)$/i.exec(req.headers.authorization ?? "");
    const token = match?.[1];
    const entry = token === undefined ? undefined : accessTokens.get(token);
    if (entry !== undefined && effect.expireToken) entry.expiresAt = Math.min(entry.expiresAt, config.now() - 1);
    if (entry === undefined || entry.expiresAt <= config.now()) {
      const reason = token === undefined ? "missing bearer token" : entry === undefined ? "unknown token" : "the token has expired";
      return apiError(401, "unauthorized", reason, {
        "www-authenticate": `Bearer realm="cxda-emulator", error="invalid_token", error_description="${reason}"`,
      });
    }
    if (!entry.scopes.has(scope)) {
      return apiError(403, "insufficient_scope", `the token lacks the "${scope}" scope`, {
        "www-authenticate": `Bearer realm="cxda-emulator", error="insufficient_scope", scope="${scope}"`,
      });
    }
    return undefined;
  };

  const getDataAction = async (req: IncomingMessage, id: string, effect: FaultEffect): Promise<Reply> => {
    const denied = authorise(req, "data-actions:read", effect);
    if (denied !== undefined) return denied;
    const served = await store.get(id);
    if (served === undefined) return apiError(404, "not_found", `no data action with id "${id}"`);
    if (ifNoneMatches(req.headers["if-none-match"], served.etag)) return { status: 304, headers: { etag: served.etag } };
    return { status: 200, body: served.text, headers: { etag: served.etag } };
  };

  const executeDataAction = async (req: IncomingMessage, id: string, body: string, effect: FaultEffect): Promise<Reply> => {
    const denied = authorise(req, "data-actions:execute", effect);
    if (denied !== undefined) return denied;
    const served = await store.get(id);
    if (served === undefined) return apiError(404, "not_found", `no data action with id "${id}"`);
    const mediaType = (req.headers["content-type"] ?? "").split(";")[0]?.trim().toLowerCase() ?? "";
    if (mediaType !== "application/json" && !/^application\/[\w.+-]+\+json$/.test(mediaType)) {
      return apiError(
        415,
        "unsupported_media_type",
        `the trigger payload must be sent as application/json, got ${mediaType === "" ? "no content-type" : mediaType}`,
      );
    }
    let trigger: unknown;
    try {
      trigger = JSON.parse(body);
    } catch {
      return apiError(400, "bad_request", "the body must be the trigger payload as JSON");
    }
    if (typeof trigger !== "object" || trigger === null || Array.isArray(trigger)) {
      const kind = trigger === null ? "null" : Array.isArray(trigger) ? "an array" : `a ${typeof trigger}`;
      return apiError(400, "bad_request", `the body must be the trigger payload, a JSON object; got ${kind}`);
    }
    if (served.transformError !== undefined) return apiError(422, "E_TRANSFORM", served.transformError);
    const transform = served.body.transform as { language?: unknown; source?: unknown } | undefined;
    if (typeof transform?.source !== "string") return apiError(422, "E_NO_TRANSFORM", `data action "${id}" has no transform.source to execute`);
    if (transform.language !== undefined && transform.language !== "javascript") {
      return apiError(422, "E_NO_TRANSFORM", `data action "${id}" has a transform in ${String(transform.language)}; only javascript runs here`);
    }
    const environment = (trigger as { environment?: unknown }).environment;
    const result = await runTransformSource(
      transform.source,
      trigger,
      { actionId: id, env: typeof environment === "string" ? environment : config.env, nowMs: config.now() },
      { timeoutMs: config.transformTimeoutMs },
    );
    return result.ok ? json(200, { output: result.output }) : apiError(422, result.code, result.message);
  };

  const openIdConfiguration = (origin: string): Reply =>
    json(200, {
      issuer: origin,
      token_endpoint: `${origin}/auth/token`,
      authorization_endpoint: `${origin}/auth/authorize`,
      jwks_uri: `${origin}/.well-known/jwks.json`,
      grant_types_supported: ["password", "refresh_token"],
      token_endpoint_auth_methods_supported: ["client_secret_basic"],
      response_types_supported: ["token"],
      scopes_supported: [...EMULATOR_SCOPES],
    });

  const cxoneConfiguration = (url: URL, origin: string): Reply => {
    const tenantId = url.searchParams.get("tenantId");
    if (tenantId === null || tenantId === "") return apiError(400, "bad_request", "the tenantId query parameter is required");
    if (tenantId !== config.tenantId) return apiError(404, "not_found", `no tenant "${tenantId}"`);
    return json(200, {
      tenantId,
      area: "emu1",
      private: false,
      api_endpoint: origin,
      auth_endpoint: origin,
      ui_endpoint: origin,
      domain: "localhost",
    });
  };

  /** Matches a request to a route; `id` for data-action routes. */
  const routeOf = (method: string, path: string): { route: EmulatorRoute; id?: string } | { error: Reply } => {
    const allow = (expected: string, route: EmulatorRoute, id?: string): { route: EmulatorRoute; id?: string } | { error: Reply } =>
      method === expected
        ? { route, ...(id === undefined ? {} : { id }) }
        : { error: apiError(405, "method_not_allowed", `use ${expected} ${path}`, { allow: expected }) };
    if (path === `${API_PREFIX}/oauth/token`) return allow("POST", "token");
    if (path === "/auth/token") return allow("POST", "auth-token");
    if (path === "/.well-known/openid-configuration") return allow("GET", "openid-configuration");
    if (path === "/.well-known/cxone-configuration") return allow("GET", "cxone-configuration");
    const action = /^\/api\/v2\/data-actions\/([^/]+)(\/execute)?$/.exec(path);
    if (action?.[1] !== undefined) {
      let id: string;
      try {
        id = decodeURIComponent(action[1]);
      } catch {
        return { error: apiError(400, "bad_request", "malformed data action id in the path") };
      }
      return action[2] === undefined ? allow("GET", "get-data-action", id) : allow("POST", "execute-data-action", id);
    }
    return { error: apiError(404, "not_found", `no route for ${method} ${path}`) };
  };

  const handle = async (req: IncomingMessage, res: ServerResponse, origin: string): Promise<void> => {
    const started = performance.now();
    const at = new Date().toISOString();
    const method = req.method ?? "GET";
    // A target such as "//%zz" is not a URL at all: answer 400, as for any other malformed request.
    let target: URL | undefined;
    try {
      target = new URL(req.url ?? "/", origin);
    } catch {
      target = undefined;
    }
    const url = target ?? new URL("/", origin);
    const incoming = req.headers[config.correlationHeader];
    const correlationId = typeof incoming === "string" && incoming !== "" ? incoming : `emu-${randomUUID()}`;
    const matched: ReturnType<typeof routeOf> = !isAllowedHost(req.headers.host, config.allowedHosts)
      ? { error: refusedHost(req.headers.host ?? "", origin) }
      : target === undefined
        ? { error: apiError(400, "bad_request", "the request target is not a valid path") }
        : routeOf(method, url.pathname);
    const route = "route" in matched ? matched.route : null;
    const id = "route" in matched ? matched.id : undefined;
    const effect: FaultEffect =
      route === null ? { latencyMs: 0, expireToken: false, omitScopes: [], drop: false, labels: [] } : faults.draw(route, id);

    const record = (status: number, extra: Partial<EmulatorRequest>): void => {
      const entry: EmulatorRequest = {
        seq: ++seq,
        at,
        method,
        path: target === undefined ? "(malformed request target)" : safePath(url),
        route,
        status,
        durationMs: Math.round((performance.now() - started) * 10) / 10,
        correlationId,
        ...(effect.labels.length === 0 ? {} : { faults: effect.labels }),
        ...(id === undefined ? {} : { actionId: id }),
        ...extra,
      };
      log.push(entry);
      // A long-running emulator must not grow with every request it has ever served.
      if (log.length > config.requestLogLimit) log.shift();
      config.onRequest?.(entry);
    };

    const body = await readBody(req);
    if (effect.latencyMs > 0) await new Promise((done) => setTimeout(done, effect.latencyMs));

    // Token routes are logged with their grant type and client id (never secrets), whatever the answer.
    const tokenFacts: Partial<EmulatorRequest> = {};
    if ((route === "token" || route === "auth-token") && body !== undefined) {
      const form = parseForm(req, body);
      const grantType = form?.get("grant_type");
      const clientId = basicCredentials(req.headers.authorization)?.id ?? form?.get("client_id") ?? undefined;
      if (grantType !== undefined && grantType !== null) tokenFacts.grantType = grantType;
      if (clientId !== undefined) tokenFacts.clientId = clientId;
    }

    let reply: Reply;
    if (body === undefined) reply = apiError(413, "payload_too_large", "the request body is larger than 1 MiB");
    else if ("error" in matched) reply = matched.error;
    else if (effect.drop) {
      res.writeHead(200, { "content-type": "application/json", "content-length": "4096", [config.correlationHeader]: correlationId });
      // Send part of a body, then cut the connection once it is on the wire.
      res.write('{"partial":', () => res.socket?.destroy());
      record(200, { ...tokenFacts, dropped: true });
      return;
    } else if (effect.respond !== undefined) {
      reply = json(
        effect.respond.status,
        effect.respond.body,
        effect.respond.retryAfter === undefined ? {} : { "retry-after": effect.respond.retryAfter },
      );
    } else {
      switch (matched.route) {
        case "token":
          reply = clientCredentialsToken(req, body, effect);
          break;
        case "auth-token":
          reply = cxoneToken(req, body, effect);
          break;
        case "openid-configuration":
          reply = openIdConfiguration(origin);
          break;
        case "cxone-configuration":
          reply = cxoneConfiguration(url, origin);
          break;
        case "get-data-action":
          reply = await getDataAction(req, matched.id ?? "", effect);
          break;
        case "execute-data-action":
          reply = await executeDataAction(req, matched.id ?? "", body, effect);
          break;
      }
    }
    const text = reply.body === undefined ? "" : typeof reply.body === "string" ? reply.body : JSON.stringify(reply.body);
    res.writeHead(reply.status, {
      ...(reply.body === undefined ? {} : { "content-type": "application/json; charset=utf-8" }),
      [config.correlationHeader]: correlationId,
      ...reply.headers,
    });
    res.end(text);
    record(reply.status, tokenFacts);
  };

  // Node's default gives a client 300 s to finish a request, so a trickled body held a connection for five minutes.
  const server = createServer({
    requestTimeout: Math.ceil(config.requestTimeoutMs),
    headersTimeout: Math.ceil(config.requestTimeoutMs),
    connectionsCheckingInterval: Math.min(30_000, Math.max(10, Math.floor(config.requestTimeoutMs / 4))),
  });
  let origin = "";
  server.on("request", (req: IncomingMessage, res: ServerResponse) => {
    handle(req, res, origin).catch((error: unknown) => {
      // A bug in the emulator itself: answer 500 rather than leave the client hanging.
      if (!res.headersSent) res.writeHead(500, { "content-type": "application/json" });
      res.end(JSON.stringify({ error: { code: "emulator_error", message: error instanceof Error ? error.message : String(error) } }));
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once("error", (error: NodeJS.ErrnoException) =>
      reject(
        new CxdaError("E_CONFIG", `the emulator cannot listen on ${config.host}:${config.port} (${error.code ?? error.message})`, { cause: error }),
      ),
    );
    server.listen(config.port, config.host, () => resolve());
  });
  const address = server.address() as AddressInfo;
  const host = address.family === "IPv6" ? `[${address.address}]` : address.address;
  origin = `http://${host}:${address.port}`;
  const [client] = config.clients as [Required<EmulatorClient>];
  const key = config.accessKeys[0] ?? { accessKeyId: "", accessKeySecret: "" };
  const credentials: EmulatorCredentials = {
    clientId: client.clientId,
    clientSecret: client.clientSecret,
    accessKeyId: key.accessKeyId,
    accessKeySecret: key.accessKeySecret,
    tenantId: config.tenantId,
  };
  let closing: Promise<void> | undefined;

  return {
    url: origin,
    port: address.port,
    apiUrl: `${origin}${API_PREFIX}`,
    tokenUrl: `${origin}${API_PREFIX}/oauth/token`,
    credentials,
    env: {
      [PLATFORM_ENV.authMode]: "client-credentials",
      [PLATFORM_ENV.apiUrl]: `${origin}${API_PREFIX}`,
      [PLATFORM_ENV.tokenUrl]: `${origin}${API_PREFIX}/oauth/token`,
      [PLATFORM_ENV.clientId]: credentials.clientId,
      [PLATFORM_ENV.clientSecret]: credentials.clientSecret,
    },
    accessKeyEnv: {
      [PLATFORM_ENV.authMode]: "access-key",
      [PLATFORM_ENV.issuerUrl]: origin,
      [PLATFORM_ENV.tenantId]: config.tenantId,
      [PLATFORM_ENV.accessKeyId]: credentials.accessKeyId,
      [PLATFORM_ENV.accessKeySecret]: credentials.accessKeySecret,
      [PLATFORM_ENV.clientId]: credentials.clientId,
      [PLATFORM_ENV.clientSecret]: credentials.clientSecret,
    },
    get requests() {
      return log.map((entry) => ({ ...entry }));
    },
    clearRequests() {
      log.length = 0;
    },
    setFaults(rules) {
      faults.set(checkFaultRules(rules, "setFaults"));
    },
    clearFaults() {
      faults.clear();
    },
    faults() {
      return faults.list();
    },
    expireTokens() {
      const past = config.now() - 1;
      for (const token of accessTokens.values()) token.expiresAt = Math.min(token.expiresAt, past);
    },
    setDefinition(id, raw) {
      store.set(id, raw);
    },
    close() {
      closing ??= new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      });
      return closing;
    },
  };
}
