// Auth mode (b): CXone access keys: OpenID discovery, password grant with HTTP Basic client auth, refresh tokens, tenant discovery.
import { CxdaError } from "../core/errors.js";
import { describeResponse, responseError, sendWithRetry, type HttpRequest, type HttpTransport } from "../http/http-request.js";
import { Secret } from "../secrets/secret.js";
import { createCachedTokenProvider, type TokenGrant, type TokenProvider } from "./token-provider.js";
import { createTokenTransport, oauthErrorOf, requestToken, type TokenTransportOptions } from "./token-request.js";

/**
 * Options of {@link createAccessKeyTokenProvider}.
 * @example
 * { issuerUrl: "https://cxone.niceincontact.com", accessKeyId, accessKeySecret, clientId, clientSecret }
 */
export interface AccessKeyOptions extends TokenTransportOptions {
  /** OpenID issuer whose `/.well-known/openid-configuration` names the token endpoint. @default "https://cxone.niceincontact.com" */
  issuerUrl?: string;
  accessKeyId: string;
  accessKeySecret: string | Secret;
  /** The application's client id, sent as HTTP Basic. */
  clientId: string;
  clientSecret: string | Secret;
  /** Settings to name when the access key is refused. @default "CXONE_ACCESS_KEY_ID and CXONE_ACCESS_KEY_SECRET" */
  credentialsHint?: string;
  /** Settings to name when the client is refused. @default "CXONE_CLIENT_ID and CXONE_CLIENT_SECRET" */
  clientHint?: string;
}

/** What the tenant discovery document says about where a tenant's API lives. */
export interface TenantInfo {
  tenantId: string;
  area: string | undefined;
  /** API base including `/api/v2`, no trailing slash. */
  apiUrl: string;
}

const trimSlash = (url: string): string => url.replace(/\/+$/, "");

async function getJson(url: string, transport: HttpTransport, what: string, hint: string): Promise<Record<string, unknown>> {
  const request: HttpRequest = { method: "GET", url, headers: { accept: "application/json" } };
  const response = await sendWithRetry(request, transport);
  const where = describeResponse(request, response);
  if (response.status === 404) throw responseError("E_CONFIG", request, response, `${where}: no ${what} here; check ${hint}`);
  if (response.status < 200 || response.status >= 300) throw responseError("E_HTTP", request, response, `${where}: cannot read the ${what}`);
  try {
    const parsed: unknown = JSON.parse(response.text);
    if (typeof parsed === "object" && parsed !== null && !Array.isArray(parsed)) return parsed as Record<string, unknown>;
  } catch {
    // handled below
  }
  throw responseError("E_HTTP", request, response, `${where}: the ${what} is not a JSON object`);
}

const LOOPBACK = /^(127\.\d+\.\d+\.\d+|localhost|\[::1\])$/;

/**
 * A URL a discovery document names. Credentials will be sent to it, so plain http is accepted only to a loopback host
 * or to the very host the document came from (which the configuration already allowed); anything else is refused
 * rather than followed (regression: a discovered http endpoint received the password grant in clear).
 */
function urlField(body: Record<string, unknown>, field: string, source: string): string {
  const value = body[field];
  let url: URL | undefined;
  if (typeof value === "string") {
    try {
      url = new URL(value);
    } catch {
      // handled below
    }
  }
  if (url === undefined || (url.protocol !== "https:" && url.protocol !== "http:")) {
    throw new CxdaError("E_HTTP", `${source}: "${field}" is missing or not a URL`, { context: { url: source } });
  }
  if (url.protocol === "http:" && !LOOPBACK.test(url.hostname) && url.host !== new URL(source).host) {
    throw new CxdaError(
      "E_HTTP",
      `${source}: "${field}" points to plain http on another host (${url.host}); cxda will not send credentials there in clear`,
      { context: { url: source } },
    );
  }
  return trimSlash(url.toString());
}

/**
 * Reads `/.well-known/cxone-configuration?tenantId=…` at the issuer and returns the tenant's API
 * base: `api_endpoint` + `/api/v2`, or `https://api-<area>.niceincontact.com/api/v2` when only `area` is given.
 * @example
 * const { apiUrl } = await discoverTenant("https://cxone.niceincontact.com", "11eb…", {});
 */
export async function discoverTenant(issuerUrl: string, tenantId: string, options: TokenTransportOptions = {}): Promise<TenantInfo> {
  const url = `${trimSlash(issuerUrl)}/.well-known/cxone-configuration?tenantId=${encodeURIComponent(tenantId)}`;
  const body = await getJson(url, createTokenTransport(options, []), "tenant discovery document", "CXONE_TENANT_ID and CXONE_ISSUER_URL");
  const area = typeof body.area === "string" && body.area !== "" ? body.area : undefined;
  let apiEndpoint: string;
  if (typeof body.api_endpoint === "string") {
    apiEndpoint = urlField(body, "api_endpoint", url);
  } else if (area !== undefined) {
    apiEndpoint = `https://api-${area}.niceincontact.com`;
  } else {
    throw new CxdaError("E_HTTP", `GET ${url}: the tenant discovery document has neither api_endpoint nor area`, { context: { method: "GET", url } });
  }
  return { tenantId, area, apiUrl: `${apiEndpoint}/api/v2` };
}

/**
 * A token provider for CXone access keys. It reads the issuer's OpenID discovery document once,
 * then uses the password grant (username = access key id, password = access key secret, client
 * id/secret as HTTP Basic). When a token nears expiry it tries the refresh token first and falls
 * back to a new password grant if the refresh is refused.
 * @example
 * const tokens = createAccessKeyTokenProvider({ accessKeyId, accessKeySecret, clientId, clientSecret });
 */
export function createAccessKeyTokenProvider(options: AccessKeyOptions): TokenProvider {
  const issuerUrl = trimSlash(options.issuerUrl ?? "https://cxone.niceincontact.com");
  const keySecret = options.accessKeySecret instanceof Secret ? options.accessKeySecret : new Secret(options.accessKeySecret);
  const clientSecret = options.clientSecret instanceof Secret ? options.clientSecret : new Secret(options.clientSecret);
  const keyHint = options.credentialsHint ?? "CXONE_ACCESS_KEY_ID and CXONE_ACCESS_KEY_SECRET";
  const clientHint = options.clientHint ?? "CXONE_CLIENT_ID and CXONE_CLIENT_SECRET";
  const transport = createTokenTransport(options, [keySecret, clientSecret]);
  let tokenEndpoint: Promise<string> | undefined;

  const discover = (): Promise<string> => {
    tokenEndpoint ??= (async () => {
      const url = `${issuerUrl}/.well-known/openid-configuration`;
      const body = await getJson(url, transport, "OpenID discovery document", "CXONE_ISSUER_URL");
      return urlField(body, "token_endpoint", url);
    })();
    // A failed discovery is not remembered: the next call tries again.
    tokenEndpoint.catch(() => {
      tokenEndpoint = undefined;
    });
    return tokenEndpoint;
  };

  const call = async (form: Record<string, string>, grantHint: string): Promise<TokenGrant> =>
    requestToken({
      url: await discover(),
      form,
      basic: { clientId: options.clientId, clientSecret },
      transport,
      clientHint,
      grantHint,
      urlHint: "CXONE_ISSUER_URL",
    });

  return createCachedTokenProvider(async (refreshToken) => {
    if (refreshToken !== undefined) {
      try {
        return await call({ grant_type: "refresh_token", refresh_token: refreshToken }, "the refresh token (it is renewed automatically)");
      } catch (error) {
        // An expired or revoked refresh token is normal after a long pause: start over with the access key.
        if (oauthErrorOf(error) !== "invalid_grant") throw error;
      }
    }
    return call({ grant_type: "password", username: options.accessKeyId, password: keySecret.reveal() }, keyHint);
  }, options);
}
