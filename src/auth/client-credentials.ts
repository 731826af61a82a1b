// Auth mode (a): the OAuth client-credentials grant against a configurable token URL, the client sent in the form or as HTTP Basic.
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
  /**
   * How the client id and secret travel: as `client_id`/`client_secret` form fields (the tutorial's contract), or as
   * HTTP Basic with only `grant_type` in the form (Genesys Cloud's login, RFC 6749 2.3.1). @default "form"
   */
  clientAuthentication?: "form" | "basic";
  /** The setting that holds the token URL, named when nothing answers there. @default "CXONE_TOKEN_URL (or CXONE_ENVIRONMENT)" */
  urlHint?: string;
}

/**
 * A token provider for the client-credentials grant: `POST tokenUrl` with
 * `grant_type=client_credentials&client_id=…&client_secret=…`, or with `grant_type=client_credentials` and the client
 * as HTTP Basic when `clientAuthentication` is `"basic"`.
 * @example
 * const tokens = createClientCredentialsTokenProvider({ tokenUrl, clientId, clientSecret });
 * const token = await tokens.getToken();
 */
export function createClientCredentialsTokenProvider(options: ClientCredentialsOptions): TokenProvider {
  const secret = options.clientSecret instanceof Secret ? options.clientSecret : new Secret(options.clientSecret);
  const hint = options.credentialsHint ?? "CXONE_CLIENT_ID and CXONE_CLIENT_SECRET";
  const transport = createTokenTransport(options, [secret]);
  const basic = options.clientAuthentication === "basic";
  return createCachedTokenProvider(async () => {
    const form: Record<string, string> = basic
      ? { grant_type: "client_credentials" }
      : { grant_type: "client_credentials", client_id: options.clientId, client_secret: secret.reveal() };
    if (options.scope !== undefined) form.scope = options.scope;
    return requestToken({
      url: options.tokenUrl,
      form,
      ...(basic ? { basic: { clientId: options.clientId, clientSecret: secret } } : {}),
      transport,
      clientHint: hint,
      grantHint: hint,
      urlHint: options.urlHint ?? "CXONE_TOKEN_URL (or CXONE_ENVIRONMENT)",
    });
  }, options);
}
