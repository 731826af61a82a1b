// The list of platforms, and the choice of one: by name, by options (`platform`), or by resolved options.
import { CxdaError } from "../core/errors.js";
import { didYouMean } from "../internal/did-you-mean.js";
import { cxonePlatform } from "./cxone/cxone-platform.js";
import { genesysPlatform } from "./genesys/genesys-platform.js";
import {
  DEFAULT_PLATFORM,
  PLATFORM_NAMES,
  type Platform,
  type PlatformName,
  type PlatformOptions,
  type ResolvedPlatformOptions,
} from "./platform.js";

/** Every platform by name; adding one is a folder beside `cxone/` and one line here. */
export const PLATFORMS: Readonly<Record<PlatformName, Platform>> = {
  cxone: cxonePlatform,
  genesys: genesysPlatform,
};

/**
 * The platform named `name` (`undefined`: the default, `cxone`); `E_CONFIG` for a name cxda does not know.
 * @example
 * platformNamed("genesys").api.paths.getDataAction; // "integrations/actions/{id}"
 */
export function platformNamed(name: string | undefined): Platform {
  if (name === undefined) return PLATFORMS[DEFAULT_PLATFORM];
  if ((PLATFORM_NAMES as readonly string[]).includes(name)) return PLATFORMS[name as PlatformName];
  throw new CxdaError("E_CONFIG", `unknown platform "${name}"${didYouMean(name, PLATFORM_NAMES)}; use ${PLATFORM_NAMES.join(" or ")}`, {
    context: { setting: "platform" },
  });
}

/**
 * Applies every default and check for the platform side, for the platform `options.platform` names (the CXone-style
 * default when none): explicit options first, then the environment, then `.env` in `cwd`. A missing credential is an
 * `E_CONFIG` error naming the variable to set; secrets are wrapped in `Secret` so the result is safe to print.
 * @example
 * const platform = resolvePlatformOptions({ env: { CXONE_API_URL: "http://127.0.0.1:4010/api/v2", CXONE_CLIENT_ID: "id", CXONE_CLIENT_SECRET: "s" } });
 * const genesys = resolvePlatformOptions({ platform: "genesys", region: "usw2.pure.cloud" });
 */
export function resolvePlatformOptions(options: PlatformOptions = {}): ResolvedPlatformOptions {
  return platformNamed(options.platform).resolveOptions(options);
}

/**
 * True when platform credentials are configured (so a pull is possible); false when one is missing; throws for a malformed setting.
 * @example
 * if (hasPlatformCredentials()) await pullDefinition("da-1", { client: createApiClient() });
 */
export function hasPlatformCredentials(options: PlatformOptions = {}): boolean {
  try {
    resolvePlatformOptions(options);
    return true;
  } catch (error) {
    // Only a missing credential means "none"; a malformed URL or mode is still an error to report.
    if (error instanceof CxdaError && error.code === "E_CONFIG" && error.context.missing === true) return false;
    throw error;
  }
}
