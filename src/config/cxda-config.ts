// The cxda config file's shape (`defineConfig`), and resolveCxdaConfig: every default in one place, bad values rejected early.
import { availableParallelism } from "node:os";
import { isAbsolute, join, resolve } from "node:path";
import type { StrictMode } from "../core/types.js";
import { DEFAULT_PLATFORM, PLATFORM_NAMES, type AuthMode, type PlatformName, type PlatformOptions } from "./platform-options.js";
import { MAX_MEMORY_MB, MAX_RETRY_ATTEMPTS, MAX_RETRY_MS, MAX_TIMEOUT_MS, MIN_MEMORY_MB } from "./run-limits.js";
import { DEFAULT_ACTIONS_DIR, DEFAULT_ENV, DEFAULT_MEMORY_MB, DEFAULT_REPORTS_DIR, DEFAULT_TIMEOUT_MS } from "./defaults.js";
import {
  booleanAt,
  child,
  integerAt,
  isPlainObject,
  numberAt,
  objectAt,
  oneOfAt,
  stringAt,
  stringListAt,
  wrongType,
  type ConfigLocation,
} from "./config-checks.js";

/** The reporters a run can write to: the terminal (`default`, or `dot` for one mark per case), or a file. */
export type ReporterName = "default" | "dot" | "json" | "junit" | "html";

/** Every reporter name, in the order they are documented. */
export const REPORTER_NAMES: readonly ReporterName[] = ["default", "dot", "json", "junit", "html"];

/** The reporters that write a file (`json`, `junit`, `html`); the others print to the terminal. */
export type FileReporterName = Exclude<ReporterName, "default" | "dot">;

/**
 * Whether a reporter writes a file, rather than printing to the terminal.
 * @example
 * writesFile("junit"); // true
 */
export function writesFile(name: ReporterName): name is FileReporterName {
  return name !== "default" && name !== "dot";
}

/** A reporter with settings. */
export interface ReporterConfig {
  /**
   * Which reporter.
   * @example "junit"
   */
  name: ReporterName;
  /**
   * The file a `json`, `junit` or `html` reporter writes, relative to the config file. The `default` and `dot` reporters
   * print to the terminal and take none.
   * @default "<reportsDir>/run.json", "<reportsDir>/junit.xml" or "<reportsDir>/report.html"
   * @example "reports/junit.xml"
   */
  outputFile?: string;
}

/**
 * How cxda reaches the platform (for `pull` and parity runs): the settings of the platform options, minus the
 * environment and working folder, which cxda supplies. Anything left out is read from the environment, then `.env`.
 * Keep secrets out of a committed config file: set `CXONE_CLIENT_SECRET` / `CXONE_ACCESS_KEY_SECRET` in the
 * environment or `.env` instead.
 * @example
 * auth: { environment: "api-eu-1.cxone.com", dataActionIds: ["da-billing-callback"] }
 */
export interface AuthConfig {
  /**
   * The auth flow: the tutorial's client credentials, or CXone access keys (password grant).
   * @default "access-key" when an access key id is known, else "client-credentials"
   * @example "access-key"
   */
  auth?: AuthMode;
  /**
   * OAuth client id.
   * @default CXONE_CLIENT_ID
   * @example "my-client"
   */
  clientId?: string;
  /**
   * OAuth client secret. Prefer the environment or `.env`.
   * @default CXONE_CLIENT_SECRET
   * @example process.env.MY_SECRET
   */
  clientSecret?: string;
  /**
   * The API host; gives `https://<host>/api/v2` and its token URL.
   * @default CXONE_ENVIRONMENT
   * @example "api-eu-1.cxone.com"
   */
  environment?: string;
  /**
   * The API base including `/api/v2`; wins over `environment`.
   * @default CXONE_API_URL, else "https://api-us-1.cxone.com/api/v2"
   * @example "http://127.0.0.1:4010/api/v2"
   */
  apiUrl?: string;
  /**
   * The client-credentials token URL.
   * @default CXONE_TOKEN_URL, else `${apiUrl}/oauth/token`
   * @example "https://auth.example.com/oauth/token"
   */
  tokenUrl?: string;
  /**
   * CXone access key id (access-key mode).
   * @default CXONE_ACCESS_KEY_ID
   * @example "AKIA-EXAMPLE"
   */
  accessKeyId?: string;
  /**
   * CXone access key secret. Prefer the environment or `.env`.
   * @default CXONE_ACCESS_KEY_SECRET
   * @example process.env.CXONE_ACCESS_KEY_SECRET
   */
  accessKeySecret?: string;
  /**
   * Tenant id for CXone tenant discovery (access-key mode without an API URL).
   * @default CXONE_TENANT_ID
   * @example "11eb0358-a2a0-1fc0-b1a5-0242ac110003"
   */
  tenantId?: string;
  /**
   * OpenID issuer for access keys.
   * @default CXONE_ISSUER_URL, else "https://cxone.niceincontact.com"
   * @example "https://cxone.niceincontact.com"
   */
  issuerUrl?: string;
  /**
   * `scope` sent with the client-credentials grant.
   * @default CXONE_SCOPE, else none (the client's own scopes)
   * @example "data-actions:read data-actions:execute"
   */
  scope?: string;
  /**
   * Genesys Cloud's region (with `platform: "genesys"`): its domain or AWS name; gives `https://api.<domain>/api/v2` and
   * `https://login.<domain>/oauth/token`.
   * @default GENESYSCLOUD_REGION, else "mypurecloud.com"
   * @example "usw2.pure.cloud"
   */
  region?: string;
  /**
   * Data action ids that `cxda pull` fetches when given none.
   * @default CXONE_DATA_ACTION_ID, else []
   * @example ["da-test-12345"]
   */
  dataActionIds?: string[];
  /**
   * Allow plain `http://` to hosts other than loopback (credentials would travel in clear).
   * @default false
   * @example true
   */
  allowInsecureHttp?: boolean;
  /**
   * The `.env` file to read, relative to the config file, or `false` for none.
   * @default ".env"
   * @example ".env.staging"
   */
  envFile?: string | false;
}

/** Coverage of transforms, measured by `cxda test --coverage`. */
export interface CoverageConfig {
  /**
   * Measure coverage on every `cxda test` run, as if `--coverage` were given.
   * @default false
   * @example true
   */
  enabled?: boolean;
  /**
   * Minimum percentages (0 to 100); a run below any of them fails. 0 means no minimum.
   * @default { branches: 0, lines: 0, functions: 0, statements: 0 }
   * @example { branches: 80, lines: 90 }
   */
  thresholds?: CoverageThresholds;
}

/** Minimum coverage percentages. */
export interface CoverageThresholds {
  /**
   * Percentage of branches taken.
   * @default 0
   * @example 80
   */
  branches?: number;
  /**
   * Percentage of lines run.
   * @default 0
   * @example 90
   */
  lines?: number;
  /**
   * Percentage of functions called.
   * @default 0
   * @example 90
   */
  functions?: number;
  /**
   * Percentage of statements run.
   * @default 0
   * @example 90
   */
  statements?: number;
}

/**
 * How requests to the platform (pulls, parity runs) are tried again after a 429, a 5xx or a network fault. Unset keys
 * keep the client's defaults.
 * @example { maxAttempts: 6, maxDelayMs: 20000 }
 */
export interface RetryConfig {
  /**
   * Attempts in all, the first included; 1 means no retry.
   * @default 4
   */
  maxAttempts?: number;
  /**
   * The longest single wait between two attempts, in ms (backoff and `Retry-After` alike, within the budget).
   * @default 8000
   */
  maxDelayMs?: number;
  /**
   * The budget for all attempts and waits of one request together, in ms.
   * @default 30000
   */
  maxElapsedMs?: number;
}

/** What a transform may do beyond pure computation. Both are refused by default with `E_SANDBOX`. */
export interface SandboxConfig {
  /**
   * Let transforms use the network (`fetch`, `http`, `net`…).
   * @default false
   * @example true
   */
  network?: boolean;
  /**
   * Let transforms write files (reads are always allowed).
   * @default false
   * @example true
   */
  fsWrite?: boolean;
}

/**
 * A cxda config file's contents (`cxda.config.ts`, `.mts`, `.mjs`, `.js` or `.json`). Every key is optional; relative
 * paths are relative to the config file. Command-line flags override these values.
 * @example
 * export default defineConfig({ actions: ["actions"], timeoutMs: 5000, vars: { region: "eu" }, reporters: ["default", "junit"] });
 */
export interface CxdaConfig {
  /**
   * Action folders, or folders holding action folders, that `cxda test` runs when given no paths.
   * @default ["actions"]
   * @example ["actions", "legacy/actions"]
   */
  actions?: string | string[];
  /**
   * The platform to speak for `pull` and parity runs (`--platform` wins over it): the CXone-style contract, or Genesys
   * Cloud (credentials then come from GENESYSCLOUD_* variables).
   * @default "cxone"
   * @example "genesys"
   */
  platform?: PlatformName;
  /**
   * Platform connection for `pull` and parity runs.
   * @default {} (everything from the environment and `.env`)
   * @example { environment: "api-eu-1.cxone.com" }
   */
  auth?: AuthConfig;
  /**
   * Where pulled definitions are cached.
   * @default ".cxda/cache"
   * @example ".cache/cxda"
   */
  cacheDir?: string;
  /**
   * Where reports (run.json, junit.xml, coverage/, report.html) are written unless a reporter names its own file.
   * @default "reports"
   * @example "out/reports"
   */
  reportsDir?: string;
  /**
   * Milliseconds one case may run before its worker is stopped (`--timeout`), 1 to 600000.
   * @default 2000
   * @example 5000
   */
  timeoutMs?: number;
  /**
   * Heap limit of each worker in MB (`--memory`), 16 to 32768.
   * @default 256
   * @example 512
   */
  memoryMb?: number;
  /**
   * Worker threads running cases (`--workers`).
   * @default the number of cores
   * @example 2
   */
  workers?: number;
  /**
   * Coverage measurement and its minimums.
   * @default { enabled: false, thresholds: {} }
   * @example { thresholds: { branches: 80 } }
   */
  coverage?: CoverageConfig;
  /**
   * Where results go (`--reporter`): names, or objects with an `outputFile`.
   * @default ["default"]
   * @example ["default", { name: "junit", outputFile: "reports/junit.xml" }]
   */
  reporters?: Array<ReporterName | ReporterConfig>;
  /**
   * Variables for `ctx.vars` (`--var` adds to and overrides them; a case's own `vars` win over both).
   * @default {}
   * @example { region: "eu", featureFlags: { fastPath: true } }
   */
  vars?: Record<string, unknown>;
  /**
   * `ctx.env` seen by transforms (`--env`).
   * @default "sandbox"
   * @example "production"
   */
  env?: string;
  /**
   * What transforms may do beyond computing their output.
   * @default { network: false, fsWrite: false }
   * @example { network: true }
   */
  sandbox?: SandboxConfig;
  /**
   * Unknown keys, schema keywords and formats in definitions: `true` makes them errors (a typo such as `minLenght` would
   * otherwise switch a check off); `"warn"` reports them as warnings, for definitions exported from a platform that
   * adds keywords of its own (known ones, such as Genesys' `integrationId` or `secure`, are accepted either way).
   * @default true
   * @example "warn"
   */
  strict?: StrictMode;
  /**
   * How platform requests (pulls, parity runs) are retried; `--retry-attempts` and `--retry-max-delay` win over it.
   * @default { maxAttempts: 4, maxDelayMs: 8000, maxElapsedMs: 30000 }
   * @example { maxAttempts: 6, maxDelayMs: 20000 }
   */
  retry?: RetryConfig;
}

/** A reporter after defaults: file reporters always have an absolute `outputFile`. */
export interface ResolvedReporter {
  name: ReporterName;
  /** Absolute path; `undefined` for the terminal's reporters (`default`, `dot`). */
  outputFile: string | undefined;
}

/** A config with every default applied and every path absolute. */
export interface ResolvedCxdaConfig {
  /** The config file, when one was read. */
  file: string | undefined;
  /** The folder relative paths are resolved against: the config file's folder, else the working folder. */
  rootDir: string;
  actions: string[];
  /** The platform named by `platform`. */
  platform: PlatformName;
  /** Platform options to hand to `resolvePlatformOptions` (after any command-line overrides); `cwd` is `rootDir`, `platform` the config's. */
  auth: PlatformOptions;
  cacheDir: string;
  /** Where bundled transforms are written: `<rootDir>/.cxda/build`. */
  buildDir: string;
  reportsDir: string;
  timeoutMs: number;
  memoryMb: number;
  workers: number;
  coverage: { enabled: boolean; thresholds: Required<CoverageThresholds> };
  reporters: ResolvedReporter[];
  vars: Record<string, unknown>;
  env: string;
  sandbox: Required<SandboxConfig>;
  strict: StrictMode;
  /** Only the keys the config set (checked); the client applies its defaults to the rest. */
  retry: RetryConfig;
}

/** Where a resolved config came from. */
export interface ConfigSource {
  /** The config file (absolute), when there is one; its folder becomes the root. */
  file?: string;
  /** The file as shown in messages. @default the file, else "defineConfig()" */
  label?: string;
  /** The root for relative paths when there is no file. @default process.cwd() */
  rootDir?: string;
}

/**
 * Types a config file's contents; returns its argument unchanged.
 * @example
 * // cxda.config.ts
 * import { defineConfig } from "cxda";
 * export default defineConfig({ actions: ["actions"], timeoutMs: 5000, sandbox: { network: false } });
 */
export function defineConfig(config: CxdaConfig): CxdaConfig {
  return config;
}

/**
 * The config's keys, in the order messages list them: the one list unknown keys are checked against. The record type
 * makes the compiler insist on every key of CxdaConfig, so a new setting is one line here (beside its type and reader).
 */
const CONFIG_KEYS = Object.keys({
  actions: true,
  platform: true,
  auth: true,
  cacheDir: true,
  reportsDir: true,
  timeoutMs: true,
  memoryMb: true,
  workers: true,
  coverage: true,
  reporters: true,
  vars: true,
  env: true,
  sandbox: true,
  strict: true,
  retry: true,
} satisfies Record<keyof CxdaConfig, true>) as ReadonlyArray<keyof CxdaConfig>;
const COVERAGE_KEYS = ["enabled", "thresholds"] as const satisfies ReadonlyArray<keyof CoverageConfig>;
const THRESHOLD_KEYS = ["branches", "lines", "functions", "statements"] as const satisfies ReadonlyArray<keyof CoverageThresholds>;
const SANDBOX_KEYS = ["network", "fsWrite"] as const satisfies ReadonlyArray<keyof SandboxConfig>;
const REPORTER_KEYS = ["name", "outputFile"] as const satisfies ReadonlyArray<keyof ReporterConfig>;
const RETRY_KEYS = ["maxAttempts", "maxDelayMs", "maxElapsedMs"] as const satisfies ReadonlyArray<keyof RetryConfig>;

function readRetry(at: ConfigLocation, value: unknown): RetryConfig {
  const raw = objectAt(at, value, RETRY_KEYS);
  const retry: RetryConfig = {};
  if (raw.maxAttempts !== undefined) retry.maxAttempts = integerAt(child(at, "maxAttempts"), raw.maxAttempts, 1, MAX_RETRY_ATTEMPTS);
  if (raw.maxDelayMs !== undefined) retry.maxDelayMs = integerAt(child(at, "maxDelayMs"), raw.maxDelayMs, 0, MAX_RETRY_MS);
  if (raw.maxElapsedMs !== undefined) retry.maxElapsedMs = integerAt(child(at, "maxElapsedMs"), raw.maxElapsedMs, 0, MAX_RETRY_MS);
  return retry;
}

/** Default output file of each file reporter, inside `reportsDir`. */
export const REPORTER_FILES: Readonly<Record<FileReporterName, string>> = {
  json: "run.json",
  junit: "junit.xml",
  html: "report.html",
};

type AuthReaders = { [K in keyof Required<AuthConfig>]: (at: ConfigLocation, value: unknown) => AuthConfig[K] };

// One reader per auth key: the record type makes the compiler insist on every key of AuthConfig.
const AUTH_READERS: AuthReaders = {
  auth: (at, value) => oneOfAt(at, value, ["client-credentials", "access-key"] as const),
  clientId: stringAt,
  clientSecret: stringAt,
  environment: stringAt,
  apiUrl: stringAt,
  tokenUrl: stringAt,
  accessKeyId: stringAt,
  accessKeySecret: stringAt,
  tenantId: stringAt,
  issuerUrl: stringAt,
  scope: stringAt,
  region: stringAt,
  dataActionIds: (at, value) => stringListAt(at, value),
  allowInsecureHttp: booleanAt,
  envFile: (at, value) => (value === false ? false : stringAt(at, value)),
};

// AuthConfig must stay the platform options minus what cxda supplies itself; this fails to compile if they drift apart.
type SameKeys<A, B> = [Exclude<keyof A, keyof B>, Exclude<keyof B, keyof A>] extends [never, never] ? true : never;
// (`platform` is the config's own top-level key, copied into the resolved `auth`.)
const authMatchesPlatformOptions: SameKeys<AuthConfig, Omit<PlatformOptions, "env" | "cwd" | "platform">> = true;
void authMatchesPlatformOptions;

function readAuth(at: ConfigLocation, value: unknown, rootDir: string): PlatformOptions {
  const raw = objectAt(at, value, Object.keys(AUTH_READERS));
  const auth: PlatformOptions = { cwd: rootDir };
  for (const [key, read] of Object.entries(AUTH_READERS) as Array<[keyof AuthConfig, (at: ConfigLocation, value: unknown) => unknown]>) {
    if (raw[key] !== undefined) (auth as Record<string, unknown>)[key] = read(child(at, key), raw[key]);
  }
  return auth;
}

function readReporters(at: ConfigLocation, value: unknown, rootDir: string, reportsDir: string): ResolvedReporter[] {
  if (!Array.isArray(value) || value.length === 0)
    return wrongType(at, `a non-empty list of reporters (${REPORTER_NAMES.join(", ")}, or { name, outputFile })`, value);
  const seen = new Set<ReporterName>();
  return value.map((entry: unknown, i) => {
    const where = child(at, i);
    let name: ReporterName;
    let outputFile: string | undefined;
    if (isPlainObject(entry)) {
      const raw = objectAt(where, entry, REPORTER_KEYS);
      name = oneOfAt(child(where, "name"), raw.name, REPORTER_NAMES);
      if (raw.outputFile !== undefined) {
        if (!writesFile(name)) wrongType(child(where, "outputFile"), `absent: the ${name} reporter prints to the terminal`, raw.outputFile);
        outputFile = resolve(rootDir, stringAt(child(where, "outputFile"), raw.outputFile));
      }
    } else {
      name = oneOfAt(where, entry, REPORTER_NAMES);
    }
    if (seen.has(name)) wrongType(where, `a reporter not listed before ("${name}" is already in the list)`, entry);
    seen.add(name);
    if (writesFile(name)) outputFile ??= join(reportsDir, REPORTER_FILES[name]);
    return { name, outputFile };
  });
}

/** Definitions are strict unless the config says otherwise: a typo must not switch a check off without a word. */
const DEFAULT_STRICT: StrictMode = true;

function strictAt(at: ConfigLocation, value: unknown): StrictMode {
  if (value === true || value === "warn") return value;
  // false is not offered: unknown names would pass without a word, which is what strictness is for.
  return wrongType(at, 'true or "warn" (warnings instead of errors for unknown keys, keywords and formats)', value);
}

/**
 * Checks a config (as written by a user, or loaded from a file) and applies every default: unknown keys are errors
 * with the key path and a suggestion, wrong types name the key and what it must be, and relative paths become absolute
 * against the config file's folder.
 * @throws CxdaError `E_CONFIG` with `context.file` and `context.key`.
 * @example
 * resolveCxdaConfig({ timeoutMs: 5000 }, { file: "/work/project/cxda.config.ts" }).timeoutMs; // 5000
 * resolveCxdaConfig({ sandbox: { netwrok: true } }); // E_CONFIG: unknown key "sandbox.netwrok" (did you mean "sandbox.network"?)
 */
export function resolveCxdaConfig(config: CxdaConfig | undefined = {}, source: ConfigSource = {}): ResolvedCxdaConfig {
  const file = source.file === undefined ? undefined : resolve(source.file);
  const rootDir = file === undefined ? resolve(source.rootDir ?? process.cwd()) : resolve(file, "..");
  const root: ConfigLocation = { file: source.label ?? file ?? "defineConfig()", path: "" };
  const raw = objectAt(root, config, CONFIG_KEYS);
  const at = (key: string): ConfigLocation => child(root, key);
  const path = (key: "cacheDir" | "reportsDir", fallback: string): string => {
    const value = raw[key] === undefined ? fallback : stringAt(at(key), raw[key]);
    return isAbsolute(value) ? value : resolve(rootDir, value);
  };

  const reportsDir = path("reportsDir", DEFAULT_REPORTS_DIR);
  const platform: PlatformName = raw.platform === undefined ? DEFAULT_PLATFORM : oneOfAt(at("platform"), raw.platform, PLATFORM_NAMES);
  const coverage = raw.coverage === undefined ? {} : objectAt(at("coverage"), raw.coverage, COVERAGE_KEYS);
  const thresholdsAt = child(at("coverage"), "thresholds");
  const thresholds = coverage.thresholds === undefined ? {} : objectAt(thresholdsAt, coverage.thresholds, THRESHOLD_KEYS);
  const threshold = (key: keyof CoverageThresholds): number =>
    thresholds[key] === undefined ? 0 : numberAt(child(thresholdsAt, key), thresholds[key], 0, 100);
  const sandbox = raw.sandbox === undefined ? {} : objectAt(at("sandbox"), raw.sandbox, SANDBOX_KEYS);
  const allowed = (key: keyof SandboxConfig): boolean => (sandbox[key] === undefined ? false : booleanAt(child(at("sandbox"), key), sandbox[key]));
  let vars: Record<string, unknown> = {};
  if (raw.vars !== undefined) {
    if (!isPlainObject(raw.vars)) wrongType(at("vars"), "an object of variables", raw.vars);
    vars = { ...raw.vars };
  }

  return {
    file,
    rootDir,
    actions: (raw.actions === undefined ? [DEFAULT_ACTIONS_DIR] : stringListAt(at("actions"), raw.actions, true)).map((dir) => resolve(rootDir, dir)),
    platform,
    auth: {
      ...(raw.auth === undefined ? { cwd: rootDir } : readAuth(at("auth"), raw.auth, rootDir)),
      ...(raw.platform === undefined ? {} : { platform }),
    },
    cacheDir: path("cacheDir", join(".cxda", "cache")),
    buildDir: join(rootDir, ".cxda", "build"),
    reportsDir,
    timeoutMs: raw.timeoutMs === undefined ? DEFAULT_TIMEOUT_MS : integerAt(at("timeoutMs"), raw.timeoutMs, 1, MAX_TIMEOUT_MS),
    memoryMb: raw.memoryMb === undefined ? DEFAULT_MEMORY_MB : integerAt(at("memoryMb"), raw.memoryMb, MIN_MEMORY_MB, MAX_MEMORY_MB),
    workers: raw.workers === undefined ? availableParallelism() : integerAt(at("workers"), raw.workers, 1),
    coverage: {
      enabled: coverage.enabled === undefined ? false : booleanAt(child(at("coverage"), "enabled"), coverage.enabled),
      thresholds: {
        branches: threshold("branches"),
        lines: threshold("lines"),
        functions: threshold("functions"),
        statements: threshold("statements"),
      },
    },
    reporters:
      raw.reporters === undefined ? [{ name: "default", outputFile: undefined }] : readReporters(at("reporters"), raw.reporters, rootDir, reportsDir),
    vars,
    env: raw.env === undefined ? DEFAULT_ENV : stringAt(at("env"), raw.env),
    sandbox: { network: allowed("network"), fsWrite: allowed("fsWrite") },
    strict: raw.strict === undefined ? DEFAULT_STRICT : strictAt(at("strict"), raw.strict),
    retry: raw.retry === undefined ? {} : readRetry(at("retry"), raw.retry),
  };
}
