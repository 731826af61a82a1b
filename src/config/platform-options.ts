// Platform credentials and URLs: explicit options, then the environment, then a .env file, resolved in one place.
import { readFileSync } from "node:fs";
import { resolve } from "node:path";
import { parseEnv } from "node:util";
import { Secret } from "../secrets/secret.js";
import { CxdaError } from "../core/errors.js";

/** How cxda authenticates against the platform. */
export type AuthMode = "client-credentials" | "access-key";

/**
 * The environment variables cxda reads for the platform side. Each is also accepted in a `.env` file.
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

/**
 * What a user may pass. Every field is optional; missing ones come from the environment or `.env`.
 * @example
 * resolvePlatformOptions({ apiUrl: "http://127.0.0.1:4010/api/v2", clientId: "id", clientSecret: "secret" });
 */
export interface PlatformOptions {
  /** Auth mode. @default "access-key" when an access key id is known, else "client-credentials" */
  auth?: AuthMode;
  clientId?: string;
  clientSecret?: string;
  /** A host such as `api-us-1.cxone.com` (a full origin is accepted too). */
  environment?: string;
  /** API base including `/api/v2`. @default "https://api-us-1.cxone.com/api/v2" (or tenant discovery in access-key mode) */
  apiUrl?: string;
  /** Token URL for client credentials. @default `${apiUrl}/oauth/token` */
  tokenUrl?: string;
  accessKeyId?: string;
  accessKeySecret?: string;
  /** Tenant id for `/.well-known/cxone-configuration` discovery (access-key mode, when no API URL is set). */
  tenantId?: string;
  /** OpenID issuer for access keys. @default "https://cxone.niceincontact.com" */
  issuerUrl?: string;
  /** `scope` sent with the client-credentials grant. @default none (the client's own scopes) */
  scope?: string;
  /** Data action ids to act on by default. @default from CXONE_DATA_ACTION_ID, else [] */
  dataActionIds?: string[];
  /** Allow `http://` to non-loopback hosts (credentials would travel in clear). @default false */
  allowInsecureHttp?: boolean;
  /** Environment to read. @default process.env */
  env?: Readonly<Record<string, string | undefined>>;
  /** `.env` file to read (relative to `cwd`), or false for none. @default ".env" */
  envFile?: string | false;
  /** Folder the `.env` path is relative to. @default process.cwd() */
  cwd?: string;
}

/** Resolved client-credentials settings. */
export interface ClientCredentialsAuth {
  mode: "client-credentials";
  tokenUrl: string;
  clientId: string;
  clientSecret: Secret;
  scope: string | undefined;
  /** Where the client id/secret came from, for messages: variable or option names, never values. */
  credentialsHint: string;
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

/** Platform options after defaults and checks. */
export interface ResolvedPlatformOptions {
  auth: ClientCredentialsAuth | AccessKeyAuth;
  /** API base (no trailing slash); `undefined` only in access-key mode, where tenant discovery supplies it. */
  apiUrl: string | undefined;
  dataActionIds: string[];
  /** The `.env` file that was read, when one was. */
  envFile: string | undefined;
}

type Key = keyof typeof PLATFORM_ENV;

/** One place a value can come from, with the name to show a user. */
interface Layer {
  get(key: Key): string | undefined;
  label(key: Key): string;
}

const OPTION_NAMES: Record<Key, string> = {
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
};

function clean(value: string | undefined): string | undefined {
  const trimmed = value?.trim();
  return trimmed === undefined || trimmed === "" ? undefined : trimmed;
}

function optionsLayer(options: PlatformOptions): Layer {
  const values: Partial<Record<Key, string>> = {
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
  } as Partial<Record<Key, string>>;
  return { get: (key) => clean(values[key]), label: (key) => `the ${OPTION_NAMES[key]} option` };
}

function envLayer(env: Readonly<Record<string, string | undefined>>, suffix: string): Layer {
  return { get: (key) => clean(env[PLATFORM_ENV[key]]), label: (key) => `${PLATFORM_ENV[key]}${suffix}` };
}

function readDotEnv(file: string): Record<string, string | undefined> | undefined {
  let text: string;
  try {
    text = readFileSync(file, "utf8");
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "ENOENT") return undefined;
    throw new CxdaError("E_CONFIG", `${file}: cannot read the .env file (${(error as NodeJS.ErrnoException).code ?? "error"})`, {
      cause: error,
      context: { file },
    });
  }
  return parseEnv(text);
}

function isLoopback(hostname: string): boolean {
  const host = hostname.replace(/^\[|\]$/g, "");
  return host === "localhost" || host === "::1" || /^127(\.\d{1,3}){3}$/.test(host);
}

/** Parses and checks a URL, naming where it came from when it is wrong; strips a trailing slash. */
function checkUrl(value: string, from: string, allowInsecure: boolean): string {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw new CxdaError("E_CONFIG", `${from} is not a valid URL: "${value}"`, { context: { setting: from } });
  }
  if (url.protocol !== "https:" && url.protocol !== "http:") {
    throw new CxdaError("E_CONFIG", `${from} must be an http(s) URL, got "${url.protocol}"`, { context: { setting: from } });
  }
  if (url.username !== "" || url.password !== "") {
    throw new CxdaError("E_CONFIG", `${from} must not carry credentials in the URL; use the credential variables instead`, {
      context: { setting: from },
    });
  }
  if (url.protocol === "http:" && !allowInsecure && !isLoopback(url.hostname)) {
    throw new CxdaError(
      "E_CONFIG",
      `${from} uses plain http to ${url.hostname}, which would send credentials in clear; use https, a loopback host, or set ${PLATFORM_ENV.allowInsecureHttp}=1`,
      { context: { setting: from } },
    );
  }
  url.search = "";
  url.hash = "";
  return url.toString().replace(/\/+$/, "");
}

/** `api-us-1.cxone.com` → `https://api-us-1.cxone.com/api/v2`; a full origin keeps its scheme. */
function apiUrlFromEnvironment(environment: string): string {
  const origin = /^[a-z][a-z0-9+.-]*:\/\//i.test(environment) ? environment : `https://${environment}`;
  return `${origin.replace(/\/+$/, "")}/api/v2`;
}

function parseIds(value: string | undefined): string[] {
  return (value ?? "").split(/[\s,]+/).filter((id) => id !== "");
}

/**
 * Applies every default and check for the platform side, reading explicit options first, then
 * the environment, then `.env` in `cwd`. A missing credential is an `E_CONFIG` error naming the
 * variable to set; secrets are wrapped in {@link Secret} so the result is safe to print.
 * @example
 * const platform = resolvePlatformOptions({ env: { CXONE_API_URL: "http://127.0.0.1:4010/api/v2", CXONE_CLIENT_ID: "id", CXONE_CLIENT_SECRET: "s" } });
 */
export function resolvePlatformOptions(options: PlatformOptions = {}): ResolvedPlatformOptions {
  const cwd = options.cwd ?? process.cwd();
  const envFile = options.envFile === false ? undefined : resolve(cwd, options.envFile ?? ".env");
  const dotEnv = envFile === undefined ? undefined : readDotEnv(envFile);
  const layers: Layer[] = [optionsLayer(options), envLayer(options.env ?? process.env, "")];
  if (dotEnv !== undefined && envFile !== undefined) {
    layers.push(envLayer(dotEnv, ` (in ${typeof options.envFile === "string" ? options.envFile : ".env"})`));
  }

  const find = (key: Key): { value: string; from: string } | undefined => {
    for (const layer of layers) {
      const value = layer.get(key);
      if (value !== undefined) return { value, from: layer.label(key) };
    }
    return undefined;
  };
  const labelOf = (key: Key): string => find(key)?.from ?? PLATFORM_ENV[key];
  const need = (key: Key, why: string): string => {
    const found = find(key);
    if (found !== undefined) return found.value;
    throw new CxdaError("E_CONFIG", `${why}: set ${PLATFORM_ENV[key]} (in the environment or .env) or pass the ${OPTION_NAMES[key]} option`, {
      context: { setting: PLATFORM_ENV[key], missing: true },
    });
  };

  const insecureFlag = find("allowInsecureHttp")?.value.toLowerCase();
  const allowInsecure = insecureFlag === "1" || insecureFlag === "true" || insecureFlag === "yes";

  // Per layer, a specific API URL beats one derived from the environment host; an earlier layer beats a later one.
  let apiUrl: string | undefined;
  for (const layer of layers) {
    const explicit = layer.get("apiUrl");
    if (explicit !== undefined) {
      apiUrl = checkUrl(explicit, layer.label("apiUrl"), allowInsecure);
      break;
    }
    const environment = layer.get("environment");
    if (environment !== undefined) {
      apiUrl = checkUrl(apiUrlFromEnvironment(environment), layer.label("environment"), allowInsecure);
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

  const dataActionIds = parseIds(find("dataActionId")?.value);
  const clientHint = `${labelOf("clientId")} and ${labelOf("clientSecret")}`;

  if (mode === "client-credentials") {
    const clientId = need("clientId", "no client id for the platform");
    const clientSecret = new Secret(need("clientSecret", "no client secret for the platform"));
    const base = apiUrl ?? DEFAULT_API_URL;
    const tokenFound = find("tokenUrl");
    const tokenUrl = tokenFound !== undefined ? checkUrl(tokenFound.value, tokenFound.from, allowInsecure) : `${base}/oauth/token`;
    return {
      auth: { mode, tokenUrl, clientId, clientSecret, scope: find("scope")?.value, credentialsHint: clientHint },
      apiUrl: base,
      dataActionIds,
      envFile: dotEnv === undefined ? undefined : envFile,
    };
  }

  const accessKeyId = need("accessKeyId", "no CXone access key id");
  const accessKeySecret = new Secret(need("accessKeySecret", "no CXone access key secret"));
  const clientId = need("clientId", "no client id for the CXone token endpoint (sent as HTTP Basic with the access key)");
  const clientSecret = new Secret(need("clientSecret", "no client secret for the CXone token endpoint"));
  const issuerFound = find("issuerUrl");
  const issuerUrl = issuerFound !== undefined ? checkUrl(issuerFound.value, issuerFound.from, allowInsecure) : DEFAULT_ISSUER_URL;
  const tenantId = find("tenantId")?.value;
  if (apiUrl === undefined && tenantId === undefined) {
    throw new CxdaError(
      "E_CONFIG",
      `access-key mode needs the API base: set ${PLATFORM_ENV.tenantId} (for tenant discovery) or ${PLATFORM_ENV.apiUrl}`,
      { context: { setting: PLATFORM_ENV.tenantId, missing: true } },
    );
  }
  return {
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
    dataActionIds,
    envFile: dotEnv === undefined ? undefined : envFile,
  };
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
