// The CXone-style platform's settings: its environment variables, defaults, and the resolution of its two auth modes.
import { CxdaError } from "../../core/errors.js";
import { Secret } from "../../secrets/secret.js";
import type { AuthMode, PlatformOptions, ResolvedPlatformOptions } from "../platform.js";
import { parseIds, readSettings, refuseForeignOptions, type SettingNames } from "../platform-settings.js";

/**
 * The environment variables cxda reads for the CXone-style platform. Each is also accepted in a `.env` file.
 * An explicit option always wins over the process environment, which wins over `.env`.
 */
export const PLATFORM_ENV = {
  clientId: "CXONE_CLIENT_ID",
  clientSecret: "CXONE_CLIENT_SECRET",
  /** A host (`api-us-1.cxone.com`) giving `https://<host>/api/v2` and `https://<host>/api/v2/oauth/token`. */
  environment: "CXONE_ENVIRONMENT",
  apiUrl: "CXONE_API_URL",
  tokenUrl: "CXONE_TOKEN_URL",
  /** `client-credentials` or `access-key`; when unset, `access-key` is chosen if an access key id is set. */
  authMode: "CXONE_AUTH_MODE",
  accessKeyId: "CXONE_ACCESS_KEY_ID",
  accessKeySecret: "CXONE_ACCESS_KEY_SECRET",
  tenantId: "CXONE_TENANT_ID",
  issuerUrl: "CXONE_ISSUER_URL",
  /** Optional `scope` sent with the client-credentials grant. */
  scope: "CXONE_SCOPE",
  /** One id, or several separated by commas or spaces. */
  dataActionId: "CXONE_DATA_ACTION_ID",
  /** `1`/`true` allows plain `http://` to hosts other than loopback. */
  allowInsecureHttp: "CXONE_ALLOW_INSECURE_HTTP",
} as const;

/** Default API base: the tutorial's contract. */
export const DEFAULT_API_URL = "https://api-us-1.cxone.com/api/v2";
/** Default OpenID issuer for CXone access keys. */
export const DEFAULT_ISSUER_URL = "https://cxone.niceincontact.com";

type Key = keyof typeof PLATFORM_ENV;

const NAMES: SettingNames<Key> = {
  env: PLATFORM_ENV,
  options: {
    clientId: "clientId",
    clientSecret: "clientSecret",
    environment: "environment",
    apiUrl: "apiUrl",
    tokenUrl: "tokenUrl",
    authMode: "auth",
    accessKeyId: "accessKeyId",
    accessKeySecret: "accessKeySecret",
    tenantId: "tenantId",
    issuerUrl: "issuerUrl",
    scope: "scope",
    dataActionId: "dataActionIds",
    allowInsecureHttp: "allowInsecureHttp",
  },
  insecureKey: "allowInsecureHttp",
};

/** `api-us-1.cxone.com` → `https://api-us-1.cxone.com/api/v2`; a full origin keeps its scheme. */
function apiUrlFromEnvironment(environment: string): string {
  const origin = /^[a-z][a-z0-9+.-]*:\/\//i.test(environment) ? environment : `https://${environment}`;
  return `${origin.replace(/\/+$/, "")}/api/v2`;
}

/**
 * Applies every default and check for the CXone-style platform, reading explicit options first, then the environment,
 * then `.env` in `cwd`. A missing credential is an `E_CONFIG` error naming the variable to set; secrets are wrapped in
 * {@link Secret} so the result is safe to print.
 * @example
 * resolveCxoneOptions({ env: { CXONE_API_URL: "http://127.0.0.1:4010/api/v2", CXONE_CLIENT_ID: "id", CXONE_CLIENT_SECRET: "s" } });
 */
export function resolveCxoneOptions(options: PlatformOptions = {}): ResolvedPlatformOptions {
  refuseForeignOptions(options, ["region"], "CXone", "for Genesys Cloud choose the platform genesys (--platform genesys)");
  const settings = readSettings<Key>(
    {
      clientId: options.clientId,
      clientSecret: options.clientSecret,
      environment: options.environment,
      apiUrl: options.apiUrl,
      tokenUrl: options.tokenUrl,
      authMode: options.auth,
      accessKeyId: options.accessKeyId,
      accessKeySecret: options.accessKeySecret,
      tenantId: options.tenantId,
      issuerUrl: options.issuerUrl,
      scope: options.scope,
      dataActionId: options.dataActionIds?.join(","),
      allowInsecureHttp: options.allowInsecureHttp === undefined ? undefined : String(options.allowInsecureHttp),
    },
    NAMES,
    options,
  );
  const { find, need, labelOf } = settings;

  // Per layer, a specific API URL beats one derived from the environment host; an earlier layer beats a later one.
  let apiUrl: string | undefined;
  for (const layer of settings.layers) {
    const explicit = layer.get("apiUrl");
    if (explicit !== undefined) {
      apiUrl = settings.url({ value: explicit, from: layer.label("apiUrl") });
      break;
    }
    const environment = layer.get("environment");
    if (environment !== undefined) {
      apiUrl = settings.url({ value: apiUrlFromEnvironment(environment), from: layer.label("environment") });
      break;
    }
  }

  const modeValue = find("authMode");
  let mode: AuthMode;
  if (modeValue !== undefined) {
    if (modeValue.value !== "client-credentials" && modeValue.value !== "access-key") {
      throw new CxdaError("E_CONFIG", `${modeValue.from} must be "client-credentials" or "access-key", got "${modeValue.value}"`, {
        context: { setting: modeValue.from },
      });
    }
    mode = modeValue.value;
  } else {
    mode = find("accessKeyId") !== undefined ? "access-key" : "client-credentials";
  }

  const common = { platform: "cxone" as const, dataActionIds: parseIds(find("dataActionId")?.value), envFile: settings.envFile };
  const clientHint = `${labelOf("clientId")} and ${labelOf("clientSecret")}`;

  if (mode === "client-credentials") {
    const clientId = need("clientId", "no client id for the platform");
    const clientSecret = new Secret(need("clientSecret", "no client secret for the platform"));
    const base = apiUrl ?? DEFAULT_API_URL;
    const tokenFound = find("tokenUrl");
    const tokenUrl = tokenFound !== undefined ? settings.url(tokenFound) : `${base}/oauth/token`;
    return { ...common, auth: { mode, tokenUrl, clientId, clientSecret, scope: find("scope")?.value, credentialsHint: clientHint }, apiUrl: base };
  }

  const accessKeyId = need("accessKeyId", "no CXone access key id");
  const accessKeySecret = new Secret(need("accessKeySecret", "no CXone access key secret"));
  const clientId = need("clientId", "no client id for the CXone token endpoint (sent as HTTP Basic with the access key)");
  const clientSecret = new Secret(need("clientSecret", "no client secret for the CXone token endpoint"));
  const issuerFound = find("issuerUrl");
  const issuerUrl = issuerFound !== undefined ? settings.url(issuerFound) : DEFAULT_ISSUER_URL;
  const tenantId = find("tenantId")?.value;
  if (apiUrl === undefined && tenantId === undefined) {
    throw new CxdaError(
      "E_CONFIG",
      `access-key mode needs the API base: set ${PLATFORM_ENV.tenantId} (for tenant discovery) or ${PLATFORM_ENV.apiUrl}`,
      { context: { setting: PLATFORM_ENV.tenantId, missing: true } },
    );
  }
  return {
    ...common,
    auth: {
      mode,
      issuerUrl,
      accessKeyId,
      accessKeySecret,
      clientId,
      clientSecret,
      tenantId,
      credentialsHint: `${labelOf("accessKeyId")} and ${labelOf("accessKeySecret")}`,
      clientHint,
    },
    apiUrl,
  };
}
