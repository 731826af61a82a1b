// The emulator's discovery routes: GET /.well-known/openid-configuration and GET /.well-known/cxone-configuration?tenantId=….
import { errorReply, jsonReply, type Reply } from "../server/reply.js";
import { EMULATOR_SCOPES } from "./emulator-options.js";

/**
 * The OpenID configuration of the CXone access-key flow, with every endpoint on this emulator.
 * @example
 * openIdConfiguration("http://127.0.0.1:4010").body; // { issuer: "http://127.0.0.1:4010", token_endpoint: ".../auth/token", … }
 */
export function openIdConfiguration(origin: string): Reply {
  return jsonReply(200, {
    issuer: origin,
    token_endpoint: `${origin}/auth/token`,
    authorization_endpoint: `${origin}/auth/authorize`,
    jwks_uri: `${origin}/.well-known/jwks.json`,
    grant_types_supported: ["password", "refresh_token"],
    token_endpoint_auth_methods_supported: ["client_secret_basic"],
    response_types_supported: ["token"],
    scopes_supported: [...EMULATOR_SCOPES],
  });
}

/**
 * Tenant discovery: where the tenant's API and auth live (here, for the one tenant the emulator serves).
 * @example
 * cxoneConfiguration(new URL("http://127.0.0.1:4010/.well-known/cxone-configuration?tenantId=t"), origin, "t").status; // 200
 */
export function cxoneConfiguration(url: URL, origin: string, servedTenantId: string): Reply {
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
