// The CXone-style platform in the emulator: client-credentials and CXone tokens, OpenID and tenant discovery, data actions.
import { errorReply, jsonReply, type Reply } from "../../server/reply.js";
import { parseTrigger, refuseContentType } from "../../server/trigger-body.js";
import { basicCredentials, ifNoneMatches, NO_FORM, oauthError, parseForm } from "../emulator-kit.js";
import type { EmulatedClient, EmulatorCall, EmulatorRouteSpec, EmulatorServices, PlatformEmulator } from "../platform.js";
import { PLATFORM_ENV } from "./cxone-options.js";

/** The scopes of the CXone-style contract: reading a definition, and executing an action. */
export const CXONE_SCOPES = ["data-actions:read", "data-actions:execute"] as const;

/** The API's base path. */
const API_PREFIX = "/api/v2";

const REALM = 'Bearer realm="cxda-emulator"';

/** Checks the request's bearer token and its scope: 401 or 403 with `www-authenticate`, or `undefined` to proceed. */
function authorise(call: EmulatorCall, scope: string): Reply | undefined {
  const bearer = call.services.bearer(call.request);
  if (!bearer.ok) {
    return errorReply(401, "unauthorized", bearer.reason, {
      headers: { "www-authenticate": `${REALM}, error="invalid_token", error_description="${bearer.reason}"` },
    });
  }
  if (!bearer.scopes.has(scope)) {
    return errorReply(403, "insufficient_scope", `the token lacks the "${scope}" scope`, {
      headers: { "www-authenticate": `${REALM}, error="insufficient_scope", scope="${scope}"` },
    });
  }
  return undefined;
}

const unknownClient = (description: string): Reply =>
  oauthError(401, "invalid_client", description, { "www-authenticate": 'Basic realm="cxda-emulator"' });

/** POST /api/v2/oauth/token: the client-credentials contract (form fields, or HTTP Basic). */
function clientCredentials({ request, body, services }: EmulatorCall): Reply {
  const form = parseForm(request, body.toString("utf8"));
  if (form === undefined) return NO_FORM;
  const basic = basicCredentials(request.headers.authorization);
  if ((form.get("grant_type") ?? "") !== "client_credentials")
    return oauthError(400, "unsupported_grant_type", "only client_credentials is supported here");
  const client = services.client(basic?.id ?? form.get("client_id") ?? undefined, basic?.secret ?? form.get("client_secret") ?? undefined);
  if (client === undefined) return unknownClient("unknown client or wrong secret");
  const requested = (form.get("scope") ?? "").split(/\s+/).filter((s) => s !== "");
  const unknown = requested.filter((scope) => !client.scopes.includes(scope));
  if (unknown.length > 0) return oauthError(400, "invalid_scope", `scope not granted to this client: ${unknown.join(" ")}`);
  const { token, granted } = services.issueAccess(client.clientId, requested.length > 0 ? requested : client.scopes);
  return jsonReply(
    200,
    { access_token: token, token_type: "Bearer", expires_in: services.tokenTtlSeconds, scope: granted.join(" ") },
    { "cache-control": "no-store" },
  );
}

/** An access token and a refresh token for an access key, as the CXone token endpoint answers. */
function grant(services: EmulatorServices, client: EmulatedClient, accessKeyId: string, scopes: string[]): Reply {
  const { token, granted } = services.issueAccess(client.clientId, scopes);
  const refresh = services.issueRefresh({ clientId: client.clientId, accessKeyId, scopes });
  return jsonReply(
    200,
    {
      access_token: token,
      token_type: "Bearer",
      expires_in: services.tokenTtlSeconds,
      refresh_token: refresh,
      scope: granted.join(" "),
      tenant_id: services.tenantId,
    },
    { "cache-control": "no-store" },
  );
}

/** POST /auth/token: the CXone flow: HTTP Basic client auth, password or refresh_token grant. */
function cxoneToken({ request, body, services }: EmulatorCall): Reply {
  const form = parseForm(request, body.toString("utf8"));
  if (form === undefined) return NO_FORM;
  const basic = basicCredentials(request.headers.authorization);
  const client = services.client(basic?.id, basic?.secret);
  if (client === undefined) return unknownClient("client authentication (HTTP Basic) failed");
  const grantType = form.get("grant_type") ?? "";
  if (grantType === "password") {
    const key = services.accessKey(form.get("username") ?? undefined, form.get("password") ?? undefined);
    if (key === undefined) return oauthError(400, "invalid_grant", "unknown access key or wrong secret");
    return grant(services, client, key.accessKeyId, key.scopes);
  }
  if (grantType === "refresh_token") {
    const entry = services.takeRefresh(form.get("refresh_token") ?? "", client.clientId);
    if (entry === undefined) return oauthError(400, "invalid_grant", "the refresh token is unknown, expired or issued to another client");
    return grant(services, client, entry.accessKeyId, entry.scopes);
  }
  return oauthError(400, "unsupported_grant_type", "use password or refresh_token");
}

/**
 * The OpenID configuration of the CXone access-key flow, with every endpoint on this emulator.
 * @example
 * openIdConfiguration("http://127.0.0.1:4010").body; // { issuer: "http://127.0.0.1:4010", token_endpoint: ".../auth/token", … }
 */
function openIdConfiguration(origin: string): Reply {
  return jsonReply(200, {
    issuer: origin,
    token_endpoint: `${origin}/auth/token`,
    authorization_endpoint: `${origin}/auth/authorize`,
    jwks_uri: `${origin}/.well-known/jwks.json`,
    grant_types_supported: ["password", "refresh_token"],
    token_endpoint_auth_methods_supported: ["client_secret_basic"],
    response_types_supported: ["token"],
    scopes_supported: [...CXONE_SCOPES],
  });
}

/**
 * Tenant discovery: where the tenant's API and auth live (here, for the one tenant the emulator serves).
 * @example
 * cxoneConfiguration(new URL("http://127.0.0.1:4010/.well-known/cxone-configuration?tenantId=t"), origin, "t").status; // 200
 */
function cxoneConfiguration(url: URL, origin: string, servedTenantId: string): Reply {
  const tenantId = url.searchParams.get("tenantId");
  if (tenantId === null || tenantId === "") return errorReply(400, "bad_request", "the tenantId query parameter is required");
  if (tenantId !== servedTenantId) return errorReply(404, "not_found", `no tenant "${tenantId}"`);
  return jsonReply(200, {
    tenantId,
    area: "emu1",
    private: false,
    api_endpoint: origin,
    auth_endpoint: origin,
    ui_endpoint: origin,
    domain: "localhost",
  });
}

/** GET /api/v2/data-actions/{id}: the definition with its ETag, or 304 when `If-None-Match` has it. */
async function getDataAction(call: EmulatorCall): Promise<Reply> {
  const denied = authorise(call, "data-actions:read");
  if (denied !== undefined) return denied;
  const id = call.id ?? "";
  const served = await call.services.definition(id);
  if (served === undefined) return errorReply(404, "not_found", `no data action with id "${id}"`);
  if (ifNoneMatches(call.request.headers["if-none-match"], served.etag)) return { status: 304, headers: { etag: served.etag } };
  return { status: 200, body: served.text, headers: { etag: served.etag } };
}

/** POST /api/v2/data-actions/{id}/execute: the trigger through the definition's `transform.source`, `{ output }` back. */
async function executeDataAction(call: EmulatorCall): Promise<Reply> {
  const denied = authorise(call, "data-actions:execute");
  if (denied !== undefined) return denied;
  const id = call.id ?? "";
  const served = await call.services.definition(id);
  if (served === undefined) return errorReply(404, "not_found", `no data action with id "${id}"`);
  const refused = refuseContentType(call.request.headers["content-type"]);
  if (refused !== undefined) return refused;
  const parsed = parseTrigger(call.body);
  if (!parsed.ok) return parsed.reply;
  if (served.transformError !== undefined) return errorReply(422, "E_TRANSFORM", served.transformError);
  const transform = served.body.transform as { language?: unknown; source?: unknown } | undefined;
  if (typeof transform?.source !== "string") return errorReply(422, "E_NO_TRANSFORM", `data action "${id}" has no transform.source to execute`);
  if (transform.language !== undefined && transform.language !== "javascript") {
    return errorReply(422, "E_NO_TRANSFORM", `data action "${id}" has a transform in ${String(transform.language)}; only javascript runs here`);
  }
  const environment = parsed.trigger["environment"];
  const env = typeof environment === "string" ? environment : call.services.env;
  const result = await call.services.runTransform(transform.source, parsed.trigger, id, env);
  return result.ok ? jsonReply(200, { output: result.output }) : errorReply(422, result.code, result.message);
}

/** The names of the CXone-style routes, in fault rules and the request log. */
export const CXONE_ROUTE_NAMES = [
  "token",
  "openid-configuration",
  "cxone-configuration",
  "auth-token",
  "get-data-action",
  "execute-data-action",
] as const;

const routes: EmulatorRouteSpec[] = [
  { name: "token", method: "POST", path: `${API_PREFIX}/oauth/token`, token: true, handle: clientCredentials },
  { name: "auth-token", method: "POST", path: "/auth/token", token: true, handle: cxoneToken },
  {
    name: "openid-configuration",
    method: "GET",
    path: "/.well-known/openid-configuration",
    handle: (call) => openIdConfiguration(call.services.origin),
  },
  {
    name: "cxone-configuration",
    method: "GET",
    path: "/.well-known/cxone-configuration",
    handle: (call) => cxoneConfiguration(call.url, call.services.origin, call.services.tenantId),
  },
  { name: "get-data-action", method: "GET", path: /^\/api\/v2\/data-actions\/([^/]+)$/, handle: getDataAction },
  { name: "execute-data-action", method: "POST", path: /^\/api\/v2\/data-actions\/([^/]+)\/execute$/, handle: executeDataAction },
];

/** The environment variables for client-credentials mode against an emulator (access-key mode: {@link cxoneAccessKeyEnv}). */
function clientCredentialsEnv(origin: string, credentials: { clientId: string; clientSecret: string }): Record<string, string> {
  return {
    [PLATFORM_ENV.authMode]: "client-credentials",
    [PLATFORM_ENV.apiUrl]: `${origin}${API_PREFIX}`,
    [PLATFORM_ENV.tokenUrl]: `${origin}${API_PREFIX}/oauth/token`,
    [PLATFORM_ENV.clientId]: credentials.clientId,
    [PLATFORM_ENV.clientSecret]: credentials.clientSecret,
  };
}

/**
 * The environment variables for CXone access-key mode against an emulator (discovery, password grant, tenant discovery).
 * @example
 * cxoneAccessKeyEnv(emulator.url, emulator.credentials).CXONE_ISSUER_URL; // emulator.url
 */
export function cxoneAccessKeyEnv(
  origin: string,
  credentials: { clientId: string; clientSecret: string; accessKeyId: string; accessKeySecret: string; tenantId: string },
): Record<string, string> {
  return {
    [PLATFORM_ENV.authMode]: "access-key",
    [PLATFORM_ENV.issuerUrl]: origin,
    [PLATFORM_ENV.tenantId]: credentials.tenantId,
    [PLATFORM_ENV.accessKeyId]: credentials.accessKeyId,
    [PLATFORM_ENV.accessKeySecret]: credentials.accessKeySecret,
    [PLATFORM_ENV.clientId]: credentials.clientId,
    [PLATFORM_ENV.clientSecret]: credentials.clientSecret,
  };
}

/** The CXone-style platform's part of the emulator. */
export const cxoneEmulator: PlatformEmulator = {
  routes,
  defaultScopes: CXONE_SCOPES,
  env: clientCredentialsEnv,
};
