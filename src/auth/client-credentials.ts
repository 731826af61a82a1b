// Auth mode (a): the OAuth client-credentials grant, form-encoded, against a configurable token URL.
import { Secret } from "../secrets/secret.js";
import { createCachedTokenProvider, type TokenProvider } from "./token-provider.js";
import { createTokenTransport, requestToken, type TokenTransportOptions } from "./token-request.js";

/**
 * Options of {@link createClientCredentialsTokenProvider}.
 * @example
 * { tokenUrl: "http://127.0.0.1:4010/api/v2/oauth/token", clientId: "id", clientSecret: "secret" }
 */
export interface ClientCredentialsOptions extends TokenTransportOptions {
  tokenUrl: string;
  clientId: string;
  clientSecret: string | Secret;
  /** `scope` form field. @default none */
  scope?: string;
  /** Settings to name when the credentials are refused. @default "CXONE_CLIENT_ID and CXONE_CLIENT_SECRET" */
  credentialsHint?: string;
}

/**
 * A token provider for the client-credentials contract: `POST tokenUrl` with
 * `grant_type=client_credentials&client_id=…&client_secret=…`.
 * @example
 * const tokens = createClientCredentialsTokenProvider({ tokenUrl, clientId, clientSecret });
 * const token = await tokens.getToken();
 */
export function createClientCredentialsTokenProvider(options: ClientCredentialsOptions): TokenProvider {
  const secret = options.clientSecret instanceof Secret ? options.clientSecret : new Secret(options.clientSecret);
  const hint = options.credentialsHint ?? "CXONE_CLIENT_ID and CXONE_CLIENT_SECRET";
  const transport = createTokenTransport(options, [secret]);
  return createCachedTokenProvider(async () => {
    const form: Record<string, string> = {
      grant_type: "client_credentials",
      client_id: options.clientId,
      client_secret: secret.reveal(),
    };
    if (options.scope !== undefined) form.scope = options.scope;
    return requestToken({
      url: options.tokenUrl,
      form,
      transport,
      clientHint: hint,
      grantHint: hint,
      urlHint: "CXONE_TOKEN_URL (or CXONE_ENVIRONMENT)",
    });
  }, options);
}
