// Picks the auth mode from resolved platform options and builds its token provider.
import type { ResolvedPlatformOptions } from "../config/platform-options.js";
import { createAccessKeyTokenProvider } from "./access-key.js";
import { createClientCredentialsTokenProvider } from "./client-credentials.js";
import type { TokenProvider } from "./token-provider.js";
import type { TokenTransportOptions } from "./token-request.js";

/**
 * The token provider for whichever auth mode `platform` resolved to.
 * @example
 * const tokens = createTokenProvider(resolvePlatformOptions());
 */
export function createTokenProvider(platform: ResolvedPlatformOptions, options: TokenTransportOptions = {}): TokenProvider {
  const { auth } = platform;
  if (auth.mode === "client-credentials") {
    return createClientCredentialsTokenProvider({
      ...options,
      tokenUrl: auth.tokenUrl,
      clientId: auth.clientId,
      clientSecret: auth.clientSecret,
      credentialsHint: auth.credentialsHint,
      ...(auth.scope === undefined ? {} : { scope: auth.scope }),
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
