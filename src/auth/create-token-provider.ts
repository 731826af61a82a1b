// The auth settings a platform resolves to (client credentials, or CXone access keys), and the token provider for each.
import type { Secret } from "../secrets/secret.js";
import { createAccessKeyTokenProvider } from "./access-key.js";
import { createClientCredentialsTokenProvider } from "./client-credentials.js";
import type { TokenProvider } from "./token-provider.js";
import type { TokenTransportOptions } from "./token-request.js";

/** Resolved client-credentials settings. */
export interface ClientCredentialsAuth {
  mode: "client-credentials";
  tokenUrl: string;
  clientId: string;
  clientSecret: Secret;
  scope: string | undefined;
  /** Where the client id/secret came from, for messages: variable or option names, never values. */
  credentialsHint: string;
  /** How the client travels to the token URL. @default "form" */
  clientAuthentication?: "form" | "basic";
  /** The setting that holds the token URL, named when nothing answers there. */
  urlHint?: string;
}

/** Resolved CXone access-key settings. */
export interface AccessKeyAuth {
  mode: "access-key";
  issuerUrl: string;
  accessKeyId: string;
  accessKeySecret: Secret;
  clientId: string;
  clientSecret: Secret;
  tenantId: string | undefined;
  /** Names to check when the access key is refused. */
  credentialsHint: string;
  /** Names to check when the client (HTTP Basic) is refused. */
  clientHint: string;
}

/** The auth settings of one platform connection. */
type AuthSettings = ClientCredentialsAuth | AccessKeyAuth;

/**
 * The token provider for whichever auth mode `platform` resolved to.
 * @example
 * const tokens = createTokenProvider(resolvePlatformOptions());
 */
export function createTokenProvider(platform: { auth: AuthSettings }, options: TokenTransportOptions = {}): TokenProvider {
  const { auth } = platform;
  if (auth.mode === "client-credentials") {
    return createClientCredentialsTokenProvider({
      ...options,
      tokenUrl: auth.tokenUrl,
      clientId: auth.clientId,
      clientSecret: auth.clientSecret,
      credentialsHint: auth.credentialsHint,
      ...(auth.scope === undefined ? {} : { scope: auth.scope }),
      ...(auth.clientAuthentication === undefined ? {} : { clientAuthentication: auth.clientAuthentication }),
      ...(auth.urlHint === undefined ? {} : { urlHint: auth.urlHint }),
    });
  }
  return createAccessKeyTokenProvider({
    ...options,
    issuerUrl: auth.issuerUrl,
    accessKeyId: auth.accessKeyId,
    accessKeySecret: auth.accessKeySecret,
    clientId: auth.clientId,
    clientSecret: auth.clientSecret,
    credentialsHint: auth.credentialsHint,
    clientHint: auth.clientHint,
  });
}
