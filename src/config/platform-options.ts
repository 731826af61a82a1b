// Platform credentials and URLs, as the rest of cxda imports them: each platform resolves its own (src/platforms/),
// and this module keeps the names it always exported, for the CXone-style default and any platform by `platform`.
export {
  PLATFORM_NAMES,
  DEFAULT_PLATFORM,
  type PlatformName,
  type AuthMode,
  type PlatformOptions,
  type ResolvedPlatformOptions,
  type ClientCredentialsAuth,
  type AccessKeyAuth,
} from "../platforms/platform.js";
export { resolvePlatformOptions, hasPlatformCredentials, platformNamed } from "../platforms/resolve-platform.js";
export { PLATFORM_ENV, DEFAULT_API_URL, DEFAULT_ISSUER_URL } from "../platforms/cxone/cxone-options.js";
export { GENESYS_ENV } from "../platforms/genesys/genesys-options.js";
