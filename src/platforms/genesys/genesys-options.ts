// Genesys Cloud's settings: the variables Genesys' own tools read, its regions, and where the API and login live.
import { CxdaError } from "../../core/errors.js";
import { didYouMean } from "../../internal/did-you-mean.js";
import { Secret } from "../../secrets/secret.js";
import type { PlatformOptions, ResolvedPlatformOptions } from "../platform.js";
import { parseIds, readSettings, refuseForeignOptions, type Found, type SettingNames } from "../platform-settings.js";

/**
 * The environment variables cxda reads for Genesys Cloud (each also accepted in `.env`). The first three are the names
 * Genesys' own tools read: the `gc` CLI (MyPureCloud/platform-client-sdk-cli, build/gc/config/config.go,
 * applyEnvironmentVariableOverrides) and the CX as Code Terraform provider. The others are cxda's: URL overrides (for
 * the emulator on loopback, or a proxy), the default action ids, and plain http to a non-loopback host.
 */
export const GENESYS_ENV = {
  clientId: "GENESYSCLOUD_OAUTHCLIENT_ID",
  clientSecret: "GENESYSCLOUD_OAUTHCLIENT_SECRET",
  /** The region's domain (`mypurecloud.com`, `usw2.pure.cloud`) or its AWS name (`us-west-2`), as `gc` takes it. */
  region: "GENESYSCLOUD_REGION",
  /** API base including `/api/v2`; wins over the region. */
  apiUrl: "GENESYSCLOUD_API_URL",
  /** The login's token URL; wins over the region. */
  tokenUrl: "GENESYSCLOUD_TOKEN_URL",
  /** One action id, or several separated by commas or spaces. */
  dataActionId: "GENESYSCLOUD_DATA_ACTION_ID",
  /** `1`/`true` allows plain `http://` to hosts other than loopback. */
  allowInsecureHttp: "GENESYSCLOUD_ALLOW_INSECURE_HTTP",
} as const;

/** The region of Genesys' SDKs when none is named (their default base path is `https://api.mypurecloud.com`). */
const DEFAULT_GENESYS_REGION = "mypurecloud.com";

/**
 * Genesys Cloud regions by AWS name → their domain. The same table as the `gc` CLI's `regionMappings`
 * (MyPureCloud/platform-client-sdk-cli, build/gc/config/config.go), which accepts either form in GENESYSCLOUD_REGION.
 */
const GENESYS_REGIONS: Readonly<Record<string, string>> = {
  "us-east-1": "mypurecloud.com",
  "us-east-2": "use2.us-gov-pure.cloud",
  "us-west-2": "usw2.pure.cloud",
  "ca-central-1": "cac1.pure.cloud",
  "sa-east-1": "sae1.pure.cloud",
  "eu-west-1": "mypurecloud.ie",
  "eu-west-2": "euw2.pure.cloud",
  "eu-central-1": "mypurecloud.de",
  "eu-central-2": "euc2.pure.cloud",
  "me-central-1": "mec1.pure.cloud",
  "ap-south-1": "aps1.pure.cloud",
  "ap-southeast-2": "mypurecloud.com.au",
  "ap-northeast-1": "mypurecloud.jp",
  "ap-northeast-2": "apne2.pure.cloud",
  "ap-northeast-3": "apne3.pure.cloud",
};

type Key = keyof typeof GENESYS_ENV;

const NAMES: SettingNames<Key> = {
  env: GENESYS_ENV,
  options: {
    clientId: "clientId",
    clientSecret: "clientSecret",
    region: "region",
    apiUrl: "apiUrl",
    tokenUrl: "tokenUrl",
    dataActionId: "dataActionIds",
    allowInsecureHttp: "allowInsecureHttp",
  },
  insecureKey: "allowInsecureHttp",
};

/**
 * A region setting as a domain: `usw2.pure.cloud` stays, `us-west-2` (or `us_west_2`, as `gc` spells some) maps through
 * {@link GENESYS_REGIONS}; a scheme or an `api.`/`login.` prefix is dropped, since the setting names the region, not a host.
 */
function regionDomain(found: Found): string {
  const value = found.value
    .trim()
    .toLowerCase()
    .replace(/^https?:\/\//, "")
    .replace(/\/+$/, "")
    .replace(/^(api|login)\./, "");
  if (/^[a-z0-9-]+(\.[a-z0-9-]+)+$/.test(value)) return value;
  const mapped = GENESYS_REGIONS[value.replace(/_/g, "-")];
  if (mapped !== undefined) return mapped;
  throw new CxdaError(
    "E_CONFIG",
    `${found.from} is not a Genesys Cloud region: "${found.value}"${didYouMean(value, Object.keys(GENESYS_REGIONS))}; use the region's domain (mypurecloud.com, usw2.pure.cloud…) or its AWS name (${Object.keys(GENESYS_REGIONS).join(", ")})`,
    { context: { setting: found.from } },
  );
}

/**
 * The login's token URL beside an explicit API URL: `https://api.X/api/v2` → `https://login.X/oauth/token`; any other
 * host (the emulator on loopback, a proxy) serves the login at its own origin, as the emulator does.
 */
function tokenUrlBeside(apiUrl: string): string {
  const url = new URL(apiUrl);
  const host = url.host.startsWith("api.") ? `login.${url.host.slice("api.".length)}` : url.host;
  return `${url.protocol}//${host}/oauth/token`;
}

/**
 * Applies every default and check for Genesys Cloud: client credentials (sent as HTTP Basic to
 * `https://login.<region>/oauth/token`), the API at `https://api.<region>/api/v2`, each overridable by URL.
 * @example
 * resolveGenesysOptions({ env: { GENESYSCLOUD_REGION: "usw2.pure.cloud", GENESYSCLOUD_OAUTHCLIENT_ID: "id", GENESYSCLOUD_OAUTHCLIENT_SECRET: "s" } });
 */
export function resolveGenesysOptions(options: PlatformOptions = {}): ResolvedPlatformOptions {
  refuseForeignOptions(
    options,
    ["auth", "environment", "accessKeyId", "accessKeySecret", "tenantId", "issuerUrl", "scope"],
    "Genesys Cloud",
    `Genesys Cloud takes an OAuth client (${GENESYS_ENV.clientId}, ${GENESYS_ENV.clientSecret}) and a region (${GENESYS_ENV.region})`,
  );
  const settings = readSettings<Key>(
    {
      clientId: options.clientId,
      clientSecret: options.clientSecret,
      region: options.region,
      apiUrl: options.apiUrl,
      tokenUrl: options.tokenUrl,
      dataActionId: options.dataActionIds?.join(","),
      allowInsecureHttp: options.allowInsecureHttp === undefined ? undefined : String(options.allowInsecureHttp),
    },
    NAMES,
    options,
  );
  const { find, need, labelOf } = settings;

  // Per layer, an explicit URL beats one derived from the region; an earlier layer beats a later one.
  let apiUrl = `https://api.${DEFAULT_GENESYS_REGION}/api/v2`;
  let loginUrl = `https://login.${DEFAULT_GENESYS_REGION}/oauth/token`;
  for (const layer of settings.layers) {
    const explicit = layer.get("apiUrl");
    if (explicit !== undefined) {
      apiUrl = settings.url({ value: explicit, from: layer.label("apiUrl") });
      loginUrl = tokenUrlBeside(apiUrl);
      break;
    }
    const region = layer.get("region");
    if (region !== undefined) {
      const domain = regionDomain({ value: region, from: layer.label("region") });
      apiUrl = `https://api.${domain}/api/v2`;
      loginUrl = `https://login.${domain}/oauth/token`;
      break;
    }
  }
  const tokenFound = find("tokenUrl");
  const tokenUrl = tokenFound !== undefined ? settings.url(tokenFound) : loginUrl;
  // A derived login has the API URL's scheme and host kind, which the API URL's own check already allowed.

  const clientId = need("clientId", "no Genesys Cloud OAuth client id");
  const clientSecret = new Secret(need("clientSecret", "no Genesys Cloud OAuth client secret"));
  return {
    platform: "genesys",
    auth: {
      mode: "client-credentials",
      tokenUrl,
      clientId,
      clientSecret,
      scope: undefined,
      credentialsHint: `${labelOf("clientId")} and ${labelOf("clientSecret")}`,
      clientAuthentication: "basic",
      urlHint: `${GENESYS_ENV.tokenUrl} (or ${GENESYS_ENV.region})`,
    },
    apiUrl,
    dataActionIds: parseIds(find("dataActionId")?.value),
    envFile: settings.envFile,
  };
}
