// The emulator's options: what a caller may set, the defaults, and the checks that refuse bad values early.
import { randomBytes } from "node:crypto";
import { CxdaError } from "../core/errors.js";
import { allowedHostNames } from "../internal/host-header.js";
import { DEFAULT_ENV } from "../config/defaults.js";
import { CXONE_SCOPES } from "../platforms/cxone/cxone-emulator.js";
import { PLATFORMS } from "../platforms/resolve-platform.js";
import { checkFaultRules, type FaultRule } from "./faults.js";
import type { EmulatorRequest } from "./request-log.js";

/** The scopes of the CXone-style contract the emulator serves (OpenID's `scopes_supported`). */
export const EMULATOR_SCOPES = CXONE_SCOPES;

/** What a client or access key carries unless it names its own: every platform's grants (CXone scopes, Genesys permissions). */
const DEFAULT_SCOPES: readonly string[] = [...new Set(Object.values(PLATFORMS).flatMap((platform) => platform.emulator.defaultScopes))];

/** A registered OAuth client. */
export interface EmulatorClient {
  clientId: string;
  clientSecret: string;
  /**
   * Scopes its tokens carry (Genesys routes read them as permissions).
   * @default both data-actions scopes, and integrations:action:view and integrations:action:execute
   */
  scopes?: string[];
}

/** A registered CXone access key (for the password grant). */
export interface EmulatorAccessKey {
  accessKeyId: string;
  accessKeySecret: string;
  /** @default both data-actions scopes */
  scopes?: string[];
}

/**
 * Options of {@link startEmulator}. Everything has a default: `startEmulator()` serves on a free
 * loopback port with one generated client and access key and no definitions.
 * @example
 * const emulator = await startEmulator({ definitions: "examples/billing-callback/actions", faults: [{ route: "token", status: 503, count: 1 }] });
 */
export interface EmulatorOptions {
  /** Port; 0 picks a free one. @default 0 */
  port?: number;
  /** Address to listen on. @default "127.0.0.1" */
  host?: string;
  /**
   * Host header names the emulator answers besides `localhost`, `127.x.x.x` and `[::1]` (any other gets 403, a
   * defence against DNS rebinding). `host` is always among them when it is not a loopback address, so
   * `--host 192.168.1.20` serves `http://192.168.1.20:<port>`; a wildcard `host` (`0.0.0.0`, `::`) names no machine,
   * so list the names clients use (`--allow-host emulator` for a container reached as `http://emulator:4010`).
   * @default []
   */
  allowedHosts?: string[];
  /** A folder of `<id>.json` files or `<name>/definition.json` action folders, and/or definitions by id. */
  definitions?: string | Record<string, Record<string, unknown>>;
  /** OAuth clients. @default one with id "cxda-emulator" and a random secret */
  clients?: EmulatorClient[];
  /** Access keys. @default one with id "emulator-access-key" and a random secret */
  accessKeys?: EmulatorAccessKey[];
  /** The tenant served by `/.well-known/cxone-configuration`. @default "emulator-tenant" */
  tenantId?: string;
  /** Access token lifetime in seconds. @default 3600 */
  tokenTtlSeconds?: number;
  /** Refresh token lifetime in seconds. @default 43200 */
  refreshTokenTtlSeconds?: number;
  /** Faults active from the start: rules, or a JSON file of rules. @default none */
  faults?: FaultRule[] | string;
  /** Clock for token expiry, in epoch ms. @default Date.now */
  now?: () => number;
  /** Random source for fault probabilities. @default Math.random */
  random?: () => number;
  /** `ctx.env` when the trigger has no `environment`. @default "sandbox" */
  env?: string;
  /** Time limit for one transform run, in ms. @default 2000 */
  transformTimeoutMs?: number;
  /**
   * Time limit for one test of a Genesys declarative action (`POST …/integrations/actions/{id}/test`), its upstream
   * call included, in ms; a test past it answers with a failed step. @default 10000
   */
  testTimeoutMs?: number;
  /** Called after each request with its log entry. */
  onRequest?: (entry: EmulatorRequest) => void;
  /** Response header carrying the correlation id. @default "x-correlation-id" */
  correlationHeader?: string;
  /** Entries the request log keeps; older ones are dropped (their `seq` numbers show the gap). @default 10000 */
  requestLogLimit?: number;
  /**
   * Time a client has to send a whole request (headers and body). A slower one (a slowloris) gets 408 and its
   * connection is closed, checked every quarter of this time. @default 30000
   */
  requestTimeoutMs?: number;
}

/** Emulator options with every default applied. */
export interface ResolvedEmulatorOptions {
  port: number;
  host: string;
  /** Every non-loopback Host header name answered: `allowedHosts` and `host`. */
  allowedHosts: ReadonlySet<string>;
  definitionsDir: string | undefined;
  definitions: Record<string, Record<string, unknown>>;
  clients: Array<Required<EmulatorClient>>;
  accessKeys: Array<Required<EmulatorAccessKey>>;
  tenantId: string;
  tokenTtlSeconds: number;
  refreshTokenTtlSeconds: number;
  faults: FaultRule[] | string;
  now: () => number;
  random: () => number;
  env: string;
  transformTimeoutMs: number;
  testTimeoutMs: number;
  onRequest: ((entry: EmulatorRequest) => void) | undefined;
  correlationHeader: string;
  requestLogLimit: number;
  requestTimeoutMs: number;
}

function positiveNumber(name: string, value: number | undefined, fallback: number): number {
  if (value === undefined) return fallback;
  if (!Number.isFinite(value) || value <= 0) throw new CxdaError("E_CONFIG", `emulator ${name} must be a positive number, got ${String(value)}`);
  return value;
}

function wholeNumber(name: string, value: number | undefined, fallback: number): number {
  if (value === undefined) return fallback;
  if (!Number.isInteger(value) || value < 0) throw new CxdaError("E_CONFIG", `emulator ${name} must be a whole number >= 0, got ${String(value)}`);
  return value;
}

/**
 * Applies the emulator defaults and rejects bad values.
 * @example
 * resolveEmulatorOptions({ port: 4010 }).clients[0]?.clientId; // "cxda-emulator"
 */
export function resolveEmulatorOptions(options: EmulatorOptions = {}): ResolvedEmulatorOptions {
  const port = options.port ?? 0;
  if (!Number.isInteger(port) || port < 0 || port > 65535)
    throw new CxdaError("E_CONFIG", `emulator port must be 0–65535, got ${String(options.port)}`);
  const secret = (): string => randomBytes(18).toString("base64url");
  const clients = (options.clients ?? [{ clientId: "cxda-emulator", clientSecret: `emu-cs-${secret()}` }]).map((c) => ({
    ...c,
    scopes: c.scopes ?? [...DEFAULT_SCOPES],
  }));
  const accessKeys = (options.accessKeys ?? [{ accessKeyId: "emulator-access-key", accessKeySecret: `emu-ak-${secret()}` }]).map((k) => ({
    ...k,
    scopes: k.scopes ?? [...DEFAULT_SCOPES],
  }));
  if (clients.length === 0) throw new CxdaError("E_CONFIG", "the emulator needs at least one client");
  if (typeof options.faults !== "string" && options.faults !== undefined) checkFaultRules(options.faults, "emulator faults");
  const host = options.host ?? "127.0.0.1";
  return {
    port,
    host,
    allowedHosts: allowedHostNames([...(options.allowedHosts ?? []), host]),
    definitionsDir: typeof options.definitions === "string" ? options.definitions : undefined,
    definitions: typeof options.definitions === "object" ? options.definitions : {},
    clients,
    accessKeys,
    tenantId: options.tenantId ?? "emulator-tenant",
    tokenTtlSeconds: positiveNumber("tokenTtlSeconds", options.tokenTtlSeconds, 3600),
    refreshTokenTtlSeconds: positiveNumber("refreshTokenTtlSeconds", options.refreshTokenTtlSeconds, 43_200),
    faults: options.faults ?? [],
    now: options.now ?? Date.now,
    random: options.random ?? Math.random,
    env: options.env ?? DEFAULT_ENV,
    transformTimeoutMs: positiveNumber("transformTimeoutMs", options.transformTimeoutMs, 2_000),
    testTimeoutMs: positiveNumber("testTimeoutMs", options.testTimeoutMs, 10_000),
    onRequest: options.onRequest,
    correlationHeader: (options.correlationHeader ?? "x-correlation-id").toLowerCase(),
    requestLogLimit: wholeNumber("requestLogLimit", options.requestLogLimit, 10_000),
    requestTimeoutMs: positiveNumber("requestTimeoutMs", options.requestTimeoutMs, 30_000),
  };
}
