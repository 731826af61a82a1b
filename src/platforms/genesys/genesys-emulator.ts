// Genesys Cloud in the emulator: the login's client-credentials token, an action (or its draft) with contract and config,
// and the test endpoint, which runs a declarative action for real with each step's result.
import { createHash } from "node:crypto";
import { errorOf, jsonReply, type Reply } from "../../server/reply.js";
import { parseTrigger, refuseContentType, type TriggerBody } from "../../server/trigger-body.js";
import { basicCredentials, ifNoneMatches, NO_FORM, oauthError, parseForm } from "../emulator-kit.js";
import type { EmulatorCall, EmulatorRouteSpec, PlatformEmulator } from "../platform.js";
import { GENESYS_ENV } from "./genesys-options.js";
import { genesysErrorBody, testExecutionResult } from "./genesys-test-result.js";

/**
 * The permissions the action routes need. Genesys' API reference (IntegrationsApi: getIntegrationsAction,
 * getIntegrationsActionDraft "Requires ANY permissions: integrations:action:view, bridge:actions:view";
 * postIntegrationsActionTest and …/execute: integrations:action:execute, bridge:actions:execute).
 */
export const GENESYS_PERMISSIONS = {
  read: ["integrations:action:view", "bridge:actions:view"],
  execute: ["integrations:action:execute", "bridge:actions:execute"],
} as const;

/** What a registered client may do unless it names its own grants: view and execute actions. */
const DEFAULT_GRANTS = [GENESYS_PERMISSIONS.read[0], GENESYS_PERMISSIONS.execute[0]];

/**
 * An error as Genesys' Platform API words it: its ErrorBody (`message`, `code`, `status`, `messageParams`,
 * `contextId`, `details`, `errors`), with the codes its SDKs and clients branch on (`bad.credentials`,
 * `authentication.required`, `missing.any.permissions`, `not.found`).
 */
function genesysError(status: number, code: string, message: string, headers: Record<string, string> = {}): Reply {
  return jsonReply(status, genesysErrorBody(status, code, message), headers);
}

/**
 * POST /oauth/token on the login host: client credentials, the client as HTTP Basic (form fields are accepted too, as
 * the real login does), `grant_type=client_credentials`. Genesys Developer Center, "OAuth Client Credentials Login
 * Flow" (developer.genesys.cloud/api/tutorials/oauth-client-credentials). A refusal carries `description` beside the
 * standard `error_description`, as Genesys' login sends it.
 */
function login({ request, body, services }: EmulatorCall): Reply {
  const form = parseForm(request, body.toString("utf8"));
  if (form === undefined) return NO_FORM;
  if ((form.get("grant_type") ?? "") !== "client_credentials") {
    return oauthError(400, "unsupported_grant_type", "grant_type must be client_credentials", {}, { description: "unsupported grant type" });
  }
  const basic = basicCredentials(request.headers.authorization);
  const client = services.client(basic?.id ?? form.get("client_id") ?? undefined, basic?.secret ?? form.get("client_secret") ?? undefined);
  if (client === undefined) {
    return oauthError(
      401,
      "invalid_client",
      "client not found or wrong secret",
      { "www-authenticate": 'Basic realm="cxda-emulator"' },
      {
        description: "client not found or wrong secret",
      },
    );
  }
  const { token } = services.issueAccess(client.clientId, client.scopes);
  return jsonReply(200, { access_token: token, token_type: "bearer", expires_in: services.tokenTtlSeconds }, { "cache-control": "no-store" });
}

/** 401 without a usable token, 403 without one of `permissions`, or `undefined` to go on. */
function authorise(call: EmulatorCall, permissions: readonly string[]): Reply | undefined {
  const bearer = call.services.bearer(call.request);
  if (!bearer.ok) {
    return bearer.reason === "missing bearer token"
      ? genesysError(401, "authentication.required", "No authentication bearer token specified in authorization header.")
      : genesysError(401, "bad.credentials", `Invalid login credentials (${bearer.reason}).`);
  }
  if (!permissions.some((permission) => bearer.scopes.has(permission))) {
    return genesysError(
      403,
      "missing.any.permissions",
      `Unable to perform the requested action. You must have at least one of the following permissions assigned: [${permissions.join(", ")}]`,
    );
  }
  return undefined;
}

/** Keys of a Genesys export that the API's Action object does not have (the export's own wrapping). */
const EXPORT_ONLY_KEYS = new Set(["integrationType", "actionType"]);

/**
 * An export (or a stored action) as `GET /api/v2/integrations/actions/{id}` answers it: the Action object (id, name,
 * category, integrationId, secure, config, contract, version, selfUri), with `contract` only when `expand=contract` and
 * `config` only when `includeConfig=true`, as the API leaves both out unless asked.
 */
function actionAnswer(raw: Record<string, unknown>, id: string, url: URL, draft: boolean): Record<string, unknown> {
  const expand = (url.searchParams.get("expand") ?? "").split(",").map((part) => part.trim());
  const action: Record<string, unknown> = { id };
  for (const [key, value] of Object.entries(raw)) {
    if (EXPORT_ONLY_KEYS.has(key) || key === "id") continue;
    if (key === "contract" && !expand.includes("contract")) continue;
    if (key === "config" && url.searchParams.get("includeConfig") !== "true") continue;
    action[key] = value;
  }
  action.version ??= 1;
  action.selfUri = `/api/v2/integrations/actions/${encodeURIComponent(id)}${draft ? "/draft" : ""}`;
  return action;
}

/** GET an action (`draft`: its draft, served from `<id>.draft.json` or `setDefinition("<id>.draft", …)`). */
async function getAction(call: EmulatorCall, draft: boolean): Promise<Reply> {
  const denied = authorise(call, GENESYS_PERMISSIONS.read);
  if (denied !== undefined) return denied;
  const id = call.id ?? "";
  const served = await call.services.definition(draft ? `${id}.draft` : id);
  if (served === undefined) {
    return genesysError(404, "not.found", draft ? `No draft exists for the action with id ${id}.` : `Unable to find an action with id ${id}.`);
  }
  const text = JSON.stringify(actionAnswer(served.body, typeof served.body.id === "string" ? served.body.id : id, call.url, draft), null, 2);
  const etag = `"${createHash("sha256").update(text).digest("hex").slice(0, 32)}"`;
  if (ifNoneMatches(call.request.headers["if-none-match"], etag)) return { status: 304, headers: { etag } };
  return { status: 200, body: text, headers: { etag } };
}

/** The test's body, the input map: JSON in UTF-8 and an object, else a 400 (415 for another content type) in Genesys' words. */
function readInput(call: EmulatorCall): { input: Record<string, unknown> } | { refused: Reply } {
  const wrongType = refuseContentType(call.request.headers["content-type"]);
  const parsed = wrongType === undefined ? parseTrigger(call.body) : undefined;
  if (parsed?.ok === true) return { input: parsed.trigger };
  const reply = wrongType ?? (parsed as Extract<TriggerBody, { ok: false }>).reply;
  const said = (errorOf(reply)?.message ?? "the body cannot be read").replace("the trigger payload", "the input map");
  return { refused: genesysError(reply.status, reply.status === 415 ? "unsupported.media.type" : "bad.request", said) };
}

/**
 * POST an action's test (`draft`: its draft's): the body is the input map; the answer a TestExecutionResult whose
 * operations are the steps the emulator ran (genesys-test-result.ts). Genesys Platform API, IntegrationsApi
 * postIntegrationsActionTest / postIntegrationsActionDraftTest (`POST /api/v2/integrations/actions/{actionId}/test`,
 * `…/draft/test`; body "Map of parameters used for variable substitution"; requires integrations:action:execute or
 * bridge:actions:execute). The request really goes out: to an absolute http(s) URL as it resolves, or for a Platform API
 * path (`/api/v2/…`) to this emulator, with the caller's token.
 */
async function testAction(call: EmulatorCall, draft: boolean): Promise<Reply> {
  const denied = authorise(call, GENESYS_PERMISSIONS.execute);
  if (denied !== undefined) return denied;
  const id = call.id ?? "";
  const served = await call.services.definition(draft ? `${id}.draft` : id);
  if (served === undefined) {
    return genesysError(404, "not.found", draft ? `No draft exists for the action with id ${id}.` : `Unable to find an action with id ${id}.`);
  }
  const input = readInput(call);
  if ("refused" in input) return input.refused;
  if (served.body["config"] === undefined || served.body["config"] === null) {
    return genesysError(
      400,
      "bad.request",
      `The action ${id} has no config (request and response templates) to test; the emulator tests Genesys declarative actions.`,
    );
  }
  const authorization = call.request.headers.authorization;
  const test = await call.services.testDeclarative(served.body, id, input.input, authorization);
  return jsonReply(200, testExecutionResult(test));
}

/** The names of Genesys' routes, in fault rules and the request log. */
export const GENESYS_ROUTE_NAMES = [
  "genesys-token",
  "genesys-get-action",
  "genesys-get-action-draft",
  "genesys-test-action",
  "genesys-test-action-draft",
] as const;

const routes: EmulatorRouteSpec[] = [
  { name: "genesys-token", method: "POST", path: "/oauth/token", token: true, handle: login },
  { name: "genesys-get-action", method: "GET", path: /^\/api\/v2\/integrations\/actions\/([^/]+)$/, handle: (call) => getAction(call, false) },
  {
    name: "genesys-get-action-draft",
    method: "GET",
    path: /^\/api\/v2\/integrations\/actions\/([^/]+)\/draft$/,
    handle: (call) => getAction(call, true),
  },
  {
    name: "genesys-test-action",
    method: "POST",
    path: /^\/api\/v2\/integrations\/actions\/([^/]+)\/test$/,
    handle: (call) => testAction(call, false),
  },
  {
    name: "genesys-test-action-draft",
    method: "POST",
    path: /^\/api\/v2\/integrations\/actions\/([^/]+)\/draft\/test$/,
    handle: (call) => testAction(call, true),
  },
];

/** Genesys Cloud's part of the emulator. */
export const genesysEmulator: PlatformEmulator = {
  routes,
  defaultScopes: DEFAULT_GRANTS,
  env: (origin, credentials) => ({
    [GENESYS_ENV.apiUrl]: `${origin}/api/v2`,
    [GENESYS_ENV.tokenUrl]: `${origin}/oauth/token`,
    [GENESYS_ENV.clientId]: credentials.clientId,
    [GENESYS_ENV.clientSecret]: credentials.clientSecret,
  }),
};
