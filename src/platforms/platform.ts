// The seam between cxda and a platform: what one platform (CXone-style default, Genesys Cloud…) supplies, in one interface.
// Each platform lives in a folder of its own (`cxone/`, `genesys/`) and is listed in `resolve-platform.ts`. This folder
// sits below config/, client/, definitions/ and emulator/, which all reach a platform through this interface; it
// imports only core/, internal/, secrets/, http/, auth/ and server/.
import type { IncomingMessage } from "node:http";
import type { AccessKeyAuth, ClientCredentialsAuth } from "../auth/create-token-provider.js";
import type { TokenProvider } from "../auth/token-provider.js";
import type { TokenTransportOptions } from "../auth/token-request.js";
import type { Reply } from "../server/reply.js";
import type { DeclarativeStepName } from "../core/types.js";

export type { AccessKeyAuth, ClientCredentialsAuth } from "../auth/create-token-provider.js";

/** The platforms cxda speaks, by the name `--platform` and the config's `platform` take. */
export const PLATFORM_NAMES = ["cxone", "genesys"] as const;

/** One of {@link PLATFORM_NAMES}. */
export type PlatformName = (typeof PLATFORM_NAMES)[number];

/** The platform used when none is named: the CXone-style contract of the tutorial. */
export const DEFAULT_PLATFORM: PlatformName = "cxone";

/** How cxda authenticates against the CXone-style platform. */
export type AuthMode = "client-credentials" | "access-key";

/**
 * What a user may pass. Every field is optional; missing ones come from the environment or `.env`, under the names of
 * the chosen platform (`CXONE_*`, or `GENESYSCLOUD_*` for Genesys Cloud).
 * @example
 * resolvePlatformOptions({ apiUrl: "http://127.0.0.1:4010/api/v2", clientId: "id", clientSecret: "secret" });
 * resolvePlatformOptions({ platform: "genesys", region: "usw2.pure.cloud" });
 */
export interface PlatformOptions {
  /** The platform to speak. @default "cxone" */
  platform?: PlatformName;
  /** Auth mode (CXone only). @default "access-key" when an access key id is known, else "client-credentials" */
  auth?: AuthMode;
  clientId?: string;
  clientSecret?: string;
  /** CXone: a host such as `api-us-1.cxone.com` (a full origin is accepted too). */
  environment?: string;
  /**
   * Genesys Cloud: the region's domain (`mypurecloud.com`, `usw2.pure.cloud`) or its AWS name (`us-west-2`), giving
   * `https://api.<domain>/api/v2` and `https://login.<domain>/oauth/token`. @default "mypurecloud.com"
   */
  region?: string;
  /** API base including `/api/v2`. @default from `environment` or `region`, else the platform's default host */
  apiUrl?: string;
  /** Token URL for client credentials. @default CXone: `${apiUrl}/oauth/token`; Genesys: `https://login.<region>/oauth/token` */
  tokenUrl?: string;
  accessKeyId?: string;
  accessKeySecret?: string;
  /** Tenant id for `/.well-known/cxone-configuration` discovery (access-key mode, when no API URL is set). */
  tenantId?: string;
  /** OpenID issuer for access keys. @default "https://cxone.niceincontact.com" */
  issuerUrl?: string;
  /** `scope` sent with the client-credentials grant. @default none (the client's own scopes) */
  scope?: string;
  /** Data action ids to act on by default. @default from CXONE_DATA_ACTION_ID (GENESYSCLOUD_DATA_ACTION_ID), else [] */
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

/** Platform options after defaults and checks. */
export interface ResolvedPlatformOptions {
  /** The platform these options are for. */
  platform: PlatformName;
  auth: ClientCredentialsAuth | AccessKeyAuth;
  /** API base (no trailing slash); `undefined` only in access-key mode, where tenant discovery supplies it. */
  apiUrl: string | undefined;
  dataActionIds: string[];
  /** The `.env` file that was read, when one was. */
  envFile: string | undefined;
}

/** The calls cxda makes on a platform's API. */
export type PlatformCall = "read" | "execute";

/** Where a platform keeps data actions, and what its API calls them and needs for them. */
export interface PlatformApi {
  /** Paths relative to the API base; `{id}` is replaced by the encoded id. `undefined`: the platform has no such call (yet). */
  paths: {
    getDataAction: string;
    /** The unpublished draft of an action, when the platform keeps drafts. */
    getDraft: string | undefined;
    executeDataAction: string | undefined;
    /**
     * Running an action in test mode, with each step's intermediate result (Genesys: `integrations/actions/{id}/test`);
     * absent where the platform has no such call (CXone).
     */
    testDataAction?: string;
    /** Test mode for the unpublished draft (Genesys: `integrations/actions/{id}/draft/test`). */
    testDraft?: string;
  };
  /** Query parameters every definition GET carries (Genesys: the contract and config, which it leaves out by default). */
  definitionQuery: Readonly<Record<string, string>>;
  /** The grant each call needs, as the platform names it (a scope, or a permission). */
  grants: Readonly<Record<PlatformCall, string>>;
  /** What the platform calls a data action, in messages: "data action", "Genesys Cloud data action". */
  noun: string;
  /** The 403 message: what the token or client lacks for `call`, and what to do about it (`clientHint` names the settings). */
  missingGrant(call: PlatformCall, clientHint: string): string;
  /** Where the settings to fix a 404 live, in messages: "the API base URL" or the like. */
  notFoundHint: string;
}

/** What a definition GET answered, read for the cache and the definitions loader. */
export interface ParsedDefinition {
  /** The definition as the definitions loader takes it (`normaliseDefinition`), kept whole (Genesys' `config` too). */
  definition: Record<string, unknown>;
  version?: string | number;
}

/** A platform: its names, how its options resolve, how it authenticates, its API and its emulator routes. */
export interface Platform {
  readonly name: PlatformName;
  /** For messages and help: "CXone-style (the tutorial's contract)", "Genesys Cloud". */
  readonly title: string;
  /** The environment variables it reads, by option name. */
  readonly env: Readonly<Record<string, string>>;
  /** Every default and check for its options (explicit options, then the environment, then `.env`). */
  resolveOptions(options: PlatformOptions): ResolvedPlatformOptions;
  /** The token provider for resolved options. */
  createTokenProvider(resolved: ResolvedPlatformOptions, options: TokenTransportOptions): TokenProvider;
  readonly api: PlatformApi;
  /** A definition GET's JSON body → what the cache stores and the loader reads; `id` is the one requested. */
  parseDefinition(body: Record<string, unknown>, id: string): ParsedDefinition;
  /** The routes the emulator serves for this platform. */
  readonly emulator: PlatformEmulator;
}

// ——— The emulator side: what a platform's routes get from the emulator, which serves every platform at once. ———

/** A definition as the emulator has it (from a folder or set in memory). */
export interface EmulatedDefinition {
  /** The JSON object of the file (with `transform` attached when built from an action folder). */
  body: Record<string, unknown>;
  /** `body` as served JSON text. */
  text: string;
  /** A strong ETag of `text`. */
  etag: string;
  /** Why the folder's transform could not be bundled, when it could not. */
  transformError?: string;
}

/** What running a transform source gave, in the emulator. */
export type EmulatedRun = { ok: true; output: unknown; logs: string[] } | { ok: false; code: string; message: string; logs: string[] };

/** The steps of a declarative action tested in the emulator, in the order they run. */
export type EmulatedTestStepName = DeclarativeStepName | "validate-output";

/** Why a step of an emulated test failed: a cxda code, a message, and the upstream's status when it answered one. */
export interface EmulatedTestError {
  code: string;
  message: string;
  status?: number;
}

/** One step of an emulated test: what it made, or why it failed. Steps after a failed one are not listed. */
export interface EmulatedTestStep {
  step: EmulatedTestStepName;
  ok: boolean;
  /**
   * What the step made: the request (`{ method, url, headers, body? }`), the upstream's answer (`{ status, headers,
   * body }`, a JSON body parsed), the translated values by key, the rendered output, the validated output.
   */
  result?: unknown;
  error?: EmulatedTestError;
}

/** What testing a declarative action in the emulator gave: each step, and the output when every step succeeded. */
export interface EmulatedTest {
  ok: boolean;
  steps: EmulatedTestStep[];
  output?: unknown;
  /** Why the test failed: the failed step's error, or a definition that cannot run at all (then `steps` is empty). */
  error?: EmulatedTestError;
}

/** A registered OAuth client, as routes see it. */
export interface EmulatedClient {
  clientId: string;
  scopes: string[];
}

/** What the bearer token of a request is worth: its grants, or why it is refused. */
export type BearerCheck = { ok: true; clientId: string; scopes: ReadonlySet<string> } | { ok: false; reason: string };

/**
 * The emulator's parts a platform's routes may use, bound to one request: token and scope faults drawn for that request
 * already apply (a withheld scope is not granted, an expired token is refused).
 */
export interface EmulatorServices {
  /** Origin of the server, e.g. `http://127.0.0.1:40123`. */
  readonly origin: string;
  readonly tokenTtlSeconds: number;
  /** The tenant of CXone tenant discovery. */
  readonly tenantId: string;
  /** `ctx.env` for a trigger without `environment`. */
  readonly env: string;
  now(): number;
  /** The registered client with this id and secret (compared in constant time). */
  client(id: string | undefined, secret: string | undefined): EmulatedClient | undefined;
  /** The registered access key with this id and secret. */
  accessKey(id: string | undefined, secret: string | undefined): { accessKeyId: string; scopes: string[] } | undefined;
  /** A new access token for `clientId` with `scopes` (less any a fault withholds), and the scopes it carries. */
  issueAccess(clientId: string, scopes: string[]): { token: string; granted: string[] };
  /** A new refresh token (CXone's password grant). */
  issueRefresh(entry: { clientId: string; accessKeyId: string; scopes: string[] }): string;
  /** Spends a refresh token issued to `clientId`. */
  takeRefresh(token: string, clientId: string): { clientId: string; accessKeyId: string; scopes: string[] } | undefined;
  /** Reads the request's `Authorization: Bearer` token. */
  bearer(request: IncomingMessage): BearerCheck;
  /** The definition served as `id`. */
  definition(id: string): Promise<EmulatedDefinition | undefined>;
  /** Runs a definition's `transform.source` on a trigger, under the emulator's time limit. */
  runTransform(source: string, trigger: Record<string, unknown>, actionId: string, env: string): Promise<EmulatedRun>;
  /**
   * Tests a Genesys declarative action (a definition with `config`) on `input`: its request resolved and really sent
   * (an absolute http(s) URL as it is, a `/api/v2/…` path to this emulator with `authorization`), the translation map,
   * the success template and the output checked against the success schema, in a worker thread under the emulator's
   * time limit, so that a template that never ends cannot hang the emulator.
   */
  testDeclarative(
    definition: Record<string, unknown>,
    id: string,
    input: Record<string, unknown>,
    authorization: string | undefined,
  ): Promise<EmulatedTest>;
}

/** One request, matched to one of a platform's routes. */
export interface EmulatorCall {
  request: IncomingMessage;
  url: URL;
  body: Buffer;
  /** The action id taken from the path, on routes with `{id}`. */
  id: string | undefined;
  services: EmulatorServices;
}

/** One route of a platform's emulator. */
export interface EmulatorRouteSpec {
  /** Its name in fault rules and the request log (`token`, `genesys-get-action`…); unique across platforms. */
  name: string;
  method: "GET" | "POST";
  /** The exact path, or a pattern whose first group is the action id (percent-encoded). */
  path: string | RegExp;
  /** A token route: the log records its grant type and client id (never secrets). */
  token?: boolean;
  handle(call: EmulatorCall): Reply | Promise<Reply>;
}

/** Credentials the emulator hands out, for a platform to put into environment variables. */
export interface EmulatorCredentialsView {
  clientId: string;
  clientSecret: string;
  accessKeyId: string;
  accessKeySecret: string;
  tenantId: string;
}

/** A platform's part of the emulator. */
export interface PlatformEmulator {
  readonly routes: readonly EmulatorRouteSpec[];
  /** The scopes (or permissions) a registered client carries unless it names its own. */
  readonly defaultScopes: readonly string[];
  /** Environment variables that point cxda at an emulator at `origin` for this platform. */
  env(origin: string, credentials: EmulatorCredentialsView): Record<string, string>;
}
