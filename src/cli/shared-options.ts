// Options several commands share (--var, --env, --workers, --timeout, --memory, --platform) and their parsing.
import { Option, type Command } from "commander";
import { MAX_MEMORY_MB, MAX_RETRY_ATTEMPTS, MAX_RETRY_MS, MAX_TIMEOUT_MS, MIN_MEMORY_MB } from "../config/run-limits.js";
import { DEFAULT_ENV, DEFAULT_MEMORY_MB, DEFAULT_TIMEOUT_MS } from "../config/defaults.js";
import { CxdaError } from "../core/errors.js";
import { didYouMean } from "../internal/did-you-mean.js";
import { PLATFORM_NAMES, type PlatformName } from "../config/platform-options.js";
import { parseAssignment } from "../payloads/dotted-path.js";
import type { WorkerPoolOptions } from "../executor/worker-pool.js";
import type { SandboxIsolation } from "../executor/sandbox-arguments.js";
import { escapeControls } from "../internal/control-characters.js";
import type { DefinitionResolution } from "../runner/load-action.js";
import type { RunCasesOptions } from "../runner/run-cases.js";
import type { CommandOptions } from "./config-options.js";
import type { RetryConfig } from "../config/cxda-config.js";

/** Collects a repeatable `k=v` flag into a list. */
export function collect(value: string, previous: string[] = []): string[] {
  return [...previous, value];
}

/** Parses a whole-number flag within `[min, max]`, or throws E_USAGE naming the flag and the range. */
export function integerFlag(flag: string, min = 1, max?: number) {
  return (value: string): number => {
    const number = Number(value);
    if (!Number.isInteger(number) || number < min || (max !== undefined && number > max)) {
      const range = max === undefined ? `>= ${min}` : `from ${min} to ${max}`;
      throw new CxdaError("E_USAGE", `${flag} must be a whole number ${range}, got "${value}"`, {
        context: { flag, min, ...(max === undefined ? {} : { max }) },
      });
    }
    return number;
  };
}

/** Adds the execution options to a command. */
export function addRunOptions(command: Command): Command {
  // One statement, then the platform and retry flags: a `return` on this chain once left those two unreachable.
  command
    .option("--var <key=value>", "inject a variable into ctx.vars (JSON values are parsed; repeatable)", collect, [])
    .option("--env <name>", "ctx.env seen by the transform", DEFAULT_ENV)
    .addOption(
      new Option(
        "--workers <n>",
        "at most this many sandboxed workers (default: the number of cores); a run of under 64 quick cases uses one",
      ).argParser(integerFlag("--workers")),
    )
    .addOption(
      new Option("--timeout <ms>", `per-case time limit in milliseconds, at most ${MAX_TIMEOUT_MS}`)
        .default(DEFAULT_TIMEOUT_MS)
        .argParser(integerFlag("--timeout", 1, MAX_TIMEOUT_MS)),
    )
    .addOption(
      new Option("--memory <mb>", `per-worker heap limit in MB, ${MIN_MEMORY_MB} to ${MAX_MEMORY_MB}`)
        .default(DEFAULT_MEMORY_MB)
        .argParser(integerFlag("--memory", MIN_MEMORY_MB, MAX_MEMORY_MB)),
    )
    .option("--cache-dir <dir>", "definitions cache, for actions without definition.json", ".cxda/cache")
    .option("--offline", "never pull a definition from the platform")
    .option("--allow-network", "let transforms use the network (fetch, http, net…)")
    .option("--allow-fs-write", "let transforms write files")
    .option(
      "--api-url <url>",
      "platform API base for pulls (default: CXONE_API_URL, CXONE_ENVIRONMENT; Genesys: GENESYSCLOUD_API_URL, GENESYSCLOUD_REGION)",
    )
    .option(
      "--token-url <url>",
      "OAuth token URL for pulls (default: CXONE_TOKEN_URL, <api-url>/oauth/token; Genesys: GENESYSCLOUD_TOKEN_URL, login.<region>)",
    );
  return addRetryOptions(addPlatformOption(command));
}

/**
 * Parses `--platform <name>`, or throws E_USAGE naming the platforms.
 * @example
 * platformFlag("genesys"); // "genesys"
 */
export function platformFlag(value: string): PlatformName {
  if ((PLATFORM_NAMES as readonly string[]).includes(value)) return value as PlatformName;
  throw new CxdaError("E_USAGE", `--platform ${value}: unknown platform${didYouMean(value, PLATFORM_NAMES)}; use ${PLATFORM_NAMES.join(" or ")}`, {
    context: { flag: "--platform" },
  });
}

/** `--platform <name>` of every command that may reach the platform (`test`, `run`, `pull`). */
export function addPlatformOption(command: Command): Command {
  return command.addOption(
    new Option(
      "--platform <name>",
      `the platform to pull from and run parity on: ${PLATFORM_NAMES.join(" or ")} (default: config platform, else cxone)`,
    ).argParser(platformFlag),
  );
}

/** The retry flags of every command that may reach the platform (`test`, `run`, `pull`). */
export function addRetryOptions(command: Command): Command {
  return command
    .addOption(
      new Option(
        "--retry-attempts <n>",
        `attempts in all for a platform request, 1 for no retry (default: config retry.maxAttempts, else 4)`,
      ).argParser(integerFlag("--retry-attempts", 1, MAX_RETRY_ATTEMPTS)),
    )
    .addOption(
      new Option("--retry-max-delay <ms>", "the longest wait between two attempts (default: config retry.maxDelayMs, else 8000)").argParser(
        integerFlag("--retry-max-delay", 0, MAX_RETRY_MS),
      ),
    );
}

/** The parsed values of {@link addRunOptions}. */
export interface RunFlags {
  var: string[];
  env: string;
  workers?: number;
  timeout: number;
  memory: number;
  cacheDir?: string;
  offline?: boolean;
  /** `--platform <name>`. */
  platform?: PlatformName;
  apiUrl?: string;
  tokenUrl?: string;
  retryAttempts?: number;
  retryMaxDelay?: number;
  allowNetwork?: boolean;
  allowFsWrite?: boolean;
}

/**
 * Runner options from the merged command options (flags over `cxda.config.*` over defaults), with the definitions
 * lookup: the cache folder, the platform for pulls, and `--offline`.
 */
export function runnerOptions(options: CommandOptions, flags: { offline?: boolean }): Omit<RunCasesOptions, "actions"> & { actions: string[] } {
  return {
    ...options.run,
    definitions: {
      cacheDir: options.cacheDir,
      platform: options.platform,
      retry: options.retry,
      ...(flags.offline ? { offline: true } : {}),
      ...(options.strict === true ? {} : { strict: options.strict }),
    },
    ...(process.argv.includes("--debug") ? { onIsolation: printIsolation } : {}),
  };
}

/**
 * `--retry-attempts` and `--retry-max-delay` over a retry config (the config file's, or none).
 * @example
 * retryFromFlags({ retryAttempts: 1 }, { maxDelayMs: 20000 }); // { maxDelayMs: 20000, maxAttempts: 1 }
 */
export function retryFromFlags(flags: Pick<RunFlags, "retryAttempts" | "retryMaxDelay">, base: RetryConfig = {}): RetryConfig {
  return {
    ...base,
    ...(flags.retryAttempts === undefined ? {} : { maxAttempts: flags.retryAttempts }),
    ...(flags.retryMaxDelay === undefined ? {} : { maxDelayMs: flags.retryMaxDelay }),
  };
}

/** Turns the flags alone into runner options (no config file: the demo and embedders). */
export function runOptionsFrom(
  flags: RunFlags,
): WorkerPoolOptions & { vars: Record<string, unknown>; env: string; definitions: DefinitionResolution } {
  const vars: Record<string, unknown> = {};
  for (const text of flags.var) {
    const [key, value] = parseAssignment(text, "--var");
    vars[key] = value;
  }
  const definitions: DefinitionResolution = {
    platform: {
      ...(flags.platform !== undefined ? { platform: flags.platform } : {}),
      ...(flags.apiUrl !== undefined ? { apiUrl: flags.apiUrl } : {}),
      ...(flags.tokenUrl !== undefined ? { tokenUrl: flags.tokenUrl } : {}),
    },
    ...(flags.cacheDir !== undefined ? { cacheDir: flags.cacheDir } : {}),
    ...(flags.offline ? { offline: true } : {}),
    retry: retryFromFlags(flags),
  };
  return {
    vars,
    env: flags.env,
    timeoutMs: flags.timeout,
    memoryMb: flags.memory,
    definitions,
    ...(flags.workers !== undefined ? { workers: flags.workers } : {}),
    ...(flags.allowNetwork ? { allowNetwork: true } : {}),
    ...(flags.allowFsWrite ? { allowFsWrite: true } : {}),
    ...(process.argv.includes("--debug") ? { onIsolation: printIsolation } : {}),
  };
}

/** With `--debug`: how the transforms' sandbox is isolated, and what it lacks here. */
export function printIsolation(isolation: SandboxIsolation): void {
  const lines = [
    isolation.permissionModel
      ? "sandbox: empty environment; Node's permission model refuses file writes, processes, native addons and the inspector; the network is closed in the worker"
      : "sandbox: empty environment; the network, processes and file writes are refused by module stand-ins and guards in the worker",
    ...isolation.limits.map((limit) => `sandbox limit: ${limit}`),
    `sandbox reads: ${isolation.permissionModel ? isolation.readable.join(", ") : "anything this account can read"}`,
    ...(isolation.writable.length > 0 ? [`sandbox writes: ${isolation.writable.join(", ")}`] : []),
  ];
  process.stderr.write(`${lines.map((line) => `cxda: ${escapeControls(line)}`).join("\n")}\n`);
}
