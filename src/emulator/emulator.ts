// The platform emulator: a loopback node:http server speaking every platform's contract at once (the CXone-style default
// with the CXone access-key flow, and Genesys Cloud), with faults. Its rooms: options (emulator-options.ts), one
// request's way through (emulator-handler.ts), the route table (route-table.ts; the routes live with their platform in
// src/platforms/), what routes may use (emulator-services.ts), tokens (token-store.ts), the request log (request-log.ts).
import { CxdaError } from "../core/errors.js";
import { cxoneAccessKeyEnv } from "../platforms/cxone/cxone-emulator.js";
import { PLATFORMS } from "../platforms/resolve-platform.js";
import { HttpServer } from "../server/http-server.js";
import { createDeclarativeTester } from "./declarative-test.js";
import { createDefinitionsStore } from "./definitions-store.js";
import { EmulatorHandler } from "./emulator-handler.js";
import { resolveEmulatorOptions, type EmulatorOptions } from "./emulator-options.js";
import { checkFaultRules, FaultSet, readFaultsFile, type FaultRule } from "./faults.js";
import { RequestLog, type EmulatorRequest } from "./request-log.js";
import { API_PREFIX } from "./route-table.js";
import { TokenStore } from "./token-store.js";

export { EMULATOR_SCOPES, resolveEmulatorOptions } from "./emulator-options.js";
export type { EmulatorAccessKey, EmulatorClient, EmulatorOptions, ResolvedEmulatorOptions } from "./emulator-options.js";
export type { EmulatorRequest } from "./request-log.js";

/** Credentials to use against a running emulator. */
export interface EmulatorCredentials {
  clientId: string;
  clientSecret: string;
  accessKeyId: string;
  accessKeySecret: string;
  tenantId: string;
}

/** A running emulator. */
export interface Emulator {
  /** Origin, e.g. `http://127.0.0.1:40123`; also the OpenID issuer. */
  readonly url: string;
  readonly port: number;
  /** API base: `${url}/api/v2`. */
  readonly apiUrl: string;
  /** Client-credentials token URL: `${url}/api/v2/oauth/token`. */
  readonly tokenUrl: string;
  /** The first client and access key. */
  readonly credentials: EmulatorCredentials;
  /** Environment variables for client-credentials mode against this emulator. */
  readonly env: Record<string, string>;
  /** Environment variables for access-key mode (discovery, password grant, tenant discovery). */
  readonly accessKeyEnv: Record<string, string>;
  /** Environment variables for Genesys Cloud (`--platform genesys`): its API and login URLs on this emulator, and the client. */
  readonly genesysEnv: Record<string, string>;
  /** A copy of the request log, oldest first (the last `requestLogLimit` requests). */
  readonly requests: EmulatorRequest[];
  clearRequests(): void;
  /** Replaces the active faults. */
  setFaults(rules: FaultRule[]): void;
  clearFaults(): void;
  /** The active faults with their remaining counts. */
  faults(): Array<FaultRule & { remaining: number | null }>;
  /** Expires every access token issued so far (refresh tokens stay valid). */
  expireTokens(): void;
  /** Serves `raw` as data action `id` (or stops serving it with `undefined`); `<id>.draft` is the Genesys draft of `<id>`. */
  setDefinition(id: string, raw: Record<string, unknown> | undefined): void;
  /** Stops the server and drops open connections. */
  close(): Promise<void>;
}

/** The environment variables that point cxda's platform client at an emulator, for each platform and auth mode. */
function platformEnv(origin: string, credentials: EmulatorCredentials): Pick<Emulator, "env" | "accessKeyEnv" | "genesysEnv"> {
  return {
    env: PLATFORMS.cxone.emulator.env(origin, credentials),
    accessKeyEnv: cxoneAccessKeyEnv(origin, credentials),
    genesysEnv: PLATFORMS.genesys.emulator.env(origin, credentials),
  };
}

/**
 * Starts the emulator on loopback and resolves once it listens.
 * @example
 * const emulator = await startEmulator({ definitions: { "da-1": definition } });
 * const client = createApiClient({ env: emulator.env, envFile: false });
 * await emulator.close();
 */
export async function startEmulator(options: EmulatorOptions = {}): Promise<Emulator> {
  const config = resolveEmulatorOptions(options);
  const store = createDefinitionsStore(config.definitionsDir, config.definitions);
  const faults = new FaultSet(config.random);
  faults.set(typeof config.faults === "string" ? await readFaultsFile(config.faults) : config.faults);
  const tokens = new TokenStore(config);
  const log = new RequestLog(config.requestLogLimit, config.onRequest);
  const tester = createDeclarativeTester({ timeoutMs: config.testTimeoutMs });
  const handler = new EmulatorHandler({ config, faults, log, tokens, store, tester });
  let server: HttpServer;
  try {
    server = await HttpServer.start({
      port: config.port,
      host: config.host,
      headersTimeoutMs: config.requestTimeoutMs,
      requestTimeoutMs: config.requestTimeoutMs,
      handle: (request, response) => handler.handle(request, response),
      internalErrorCode: "emulator_error",
    });
  } catch (error) {
    const reason = (error as NodeJS.ErrnoException).code ?? (error as Error).message;
    throw new CxdaError("E_CONFIG", `the emulator cannot listen on ${config.host}:${config.port} (${reason})`, { cause: error });
  }
  const origin = server.origin;
  handler.origin = origin;
  const [client] = config.clients as [(typeof config.clients)[number]];
  const key = config.accessKeys[0] ?? { accessKeyId: "", accessKeySecret: "" };
  const credentials: EmulatorCredentials = {
    clientId: client.clientId,
    clientSecret: client.clientSecret,
    accessKeyId: key.accessKeyId,
    accessKeySecret: key.accessKeySecret,
    tenantId: config.tenantId,
  };
  return {
    url: origin,
    port: server.port,
    apiUrl: `${origin}${API_PREFIX}`,
    tokenUrl: `${origin}${API_PREFIX}/oauth/token`,
    credentials,
    ...platformEnv(origin, credentials),
    get requests() {
      return log.list();
    },
    clearRequests: () => log.clear(),
    setFaults: (rules) => faults.set(checkFaultRules(rules, "setFaults")),
    clearFaults: () => faults.clear(),
    faults: () => faults.list(),
    expireTokens: () => tokens.expireAll(),
    setDefinition: (id, raw) => store.set(id, raw),
    close: async () => {
      await server.close("drop");
      await tester.close();
    },
  };
}
