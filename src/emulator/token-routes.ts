// The emulator's token routes: POST /api/v2/oauth/token (client credentials) and POST /auth/token (CXone: password and refresh_token grants).
import { timingSafeEqual } from "node:crypto";
import type { IncomingMessage } from "node:http";
import { jsonReply, type Reply } from "../server/reply.js";
import type { ResolvedEmulatorOptions } from "./emulator-options.js";
import type { FaultEffect } from "./faults.js";
import type { EmulatorRequest } from "./request-log.js";
import type { TokenStore } from "./token-store.js";

type Client = ResolvedEmulatorOptions["clients"][number];

function sameSecret(given: string, expected: string): boolean {
  const a = Buffer.from(given);
  const b = Buffer.from(expected);
  return a.length === b.length && timingSafeEqual(a, b);
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

function parseForm(request: IncomingMessage, body: string): URLSearchParams | undefined {
  return (request.headers["content-type"] ?? "").toLowerCase().startsWith("application/x-www-form-urlencoded")
    ? new URLSearchParams(body)
    : undefined;
}

const oauthError = (status: number, error: string, description: string, headers: Record<string, string> = {}): Reply =>
  jsonReply(status, { error, error_description: description }, { "cache-control": "no-store", ...headers });

const NO_FORM = oauthError(400, "invalid_request", "the body must be application/x-www-form-urlencoded");

/**
 * What the log records of a token request, whatever its answer: the grant type and client id, never a secret.
 * @example
 * tokenFacts(request, "grant_type=client_credentials&client_id=c"); // { grantType: "client_credentials", clientId: "c" }
 */
export function tokenFacts(request: IncomingMessage, body: string): Pick<EmulatorRequest, "grantType" | "clientId"> {
  const facts: Pick<EmulatorRequest, "grantType" | "clientId"> = {};
  const form = parseForm(request, body);
  const grantType = form?.get("grant_type");
  const clientId = basicCredentials(request.headers.authorization)?.id ?? form?.get("client_id") ?? undefined;
  if (grantType !== undefined && grantType !== null) facts.grantType = grantType;
  if (clientId !== undefined) facts.clientId = clientId;
  return facts;
}

/** Answers the token routes from the registered clients and access keys. */
export class TokenRoutes {
  readonly #config: ResolvedEmulatorOptions;
  readonly #tokens: TokenStore;

  constructor(config: ResolvedEmulatorOptions, tokens: TokenStore) {
    this.#config = config;
    this.#tokens = tokens;
  }

  /** POST /api/v2/oauth/token: the client-credentials contract (form fields, or HTTP Basic). */
  clientCredentials(request: IncomingMessage, body: string, effect: FaultEffect): Reply {
    const form = parseForm(request, body);
    if (form === undefined) return NO_FORM;
    const basic = basicCredentials(request.headers.authorization);
    if ((form.get("grant_type") ?? "") !== "client_credentials")
      return oauthError(400, "unsupported_grant_type", "only client_credentials is supported here");
    const client = this.#findClient(basic?.id ?? form.get("client_id") ?? undefined, basic?.secret ?? form.get("client_secret") ?? undefined);
    if (client === undefined)
      return oauthError(401, "invalid_client", "unknown client or wrong secret", { "www-authenticate": 'Basic realm="cxda-emulator"' });
    const requested = (form.get("scope") ?? "").split(/\s+/).filter((s) => s !== "");
    const unknown = requested.filter((scope) => !client.scopes.includes(scope));
    if (unknown.length > 0) return oauthError(400, "invalid_scope", `scope not granted to this client: ${unknown.join(" ")}`);
    const { token, granted } = this.#tokens.issueAccess(client.clientId, requested.length > 0 ? requested : client.scopes, effect);
    return jsonReply(
      200,
      { access_token: token, token_type: "Bearer", expires_in: this.#config.tokenTtlSeconds, scope: granted.join(" ") },
      { "cache-control": "no-store" },
    );
  }

  /** POST /auth/token: the CXone flow: HTTP Basic client auth, password or refresh_token grant. */
  cxone(request: IncomingMessage, body: string, effect: FaultEffect): Reply {
    const form = parseForm(request, body);
    if (form === undefined) return NO_FORM;
    const basic = basicCredentials(request.headers.authorization);
    const client = this.#findClient(basic?.id, basic?.secret);
    if (client === undefined) {
      return oauthError(401, "invalid_client", "client authentication (HTTP Basic) failed", { "www-authenticate": 'Basic realm="cxda-emulator"' });
    }
    const grantType = form.get("grant_type") ?? "";
    if (grantType === "password") {
      const key = this.#config.accessKeys.find(
        (k) => k.accessKeyId === form.get("username") && sameSecret(form.get("password") ?? "", k.accessKeySecret),
      );
      if (key === undefined) return oauthError(400, "invalid_grant", "unknown access key or wrong secret");
      return this.#grant(client, key.accessKeyId, key.scopes, effect);
    }
    if (grantType === "refresh_token") {
      const entry = this.#tokens.takeRefresh(form.get("refresh_token") ?? "", client.clientId);
      if (entry === undefined) return oauthError(400, "invalid_grant", "the refresh token is unknown, expired or issued to another client");
      return this.#grant(client, entry.accessKeyId, entry.scopes, effect);
    }
    return oauthError(400, "unsupported_grant_type", "use password or refresh_token");
  }

  #findClient(id: string | undefined, secret: string | undefined): Client | undefined {
    return this.#config.clients.find((c) => id !== undefined && secret !== undefined && c.clientId === id && sameSecret(secret, c.clientSecret));
  }

  /** An access token and a refresh token for an access key, as the CXone token endpoint answers. */
  #grant(client: Client, accessKeyId: string, scopes: string[], effect: FaultEffect): Reply {
    const { token, granted } = this.#tokens.issueAccess(client.clientId, scopes, effect);
    const refresh = this.#tokens.issueRefresh({ clientId: client.clientId, accessKeyId, scopes });
    return jsonReply(
      200,
      {
        access_token: token,
        token_type: "Bearer",
        expires_in: this.#config.tokenTtlSeconds,
        refresh_token: refresh,
        scope: granted.join(" "),
        tenant_id: this.#config.tenantId,
      },
      { "cache-control": "no-store" },
    );
  }
}
