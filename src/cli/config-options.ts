// Merges the config file and command-line flags into a command's options: flags override the config, which overrides defaults.
import { isAbsolute, relative, resolve } from "node:path";
import type { Command } from "commander";
import { CxdaError } from "../core/errors.js";
import { didYouMean } from "../internal/did-you-mean.js";
import { parseAssignment } from "../payloads/dotted-path.js";
import type { PlatformName, PlatformOptions } from "../config/platform-options.js";
import {
  REPORTER_FILES,
  REPORTER_NAMES,
  writesFile,
  type ReporterName,
  type ResolvedCxdaConfig,
  type ResolvedReporter,
  type RetryConfig,
} from "../config/cxda-config.js";
import { loadConfig } from "../config/load-config.js";
import { retryFromFlags } from "./shared-options.js";

/**
 * The flags a command may pass, each optional: only flags the user actually gave should be here (see
 * {@link explicitFlags}), since any value present overrides the config.
 */
export interface CommandFlags {
  /** `--config <file>`. */
  config?: string;
  /** Action folders given as arguments; they replace the config's `actions`. Relative to the working folder. */
  paths?: string[];
  /** `--var k=v` (repeatable): added to the config's `vars`, winning on the same key. */
  var?: string[];
  env?: string;
  workers?: number;
  /** `--timeout <ms>`. */
  timeout?: number;
  /** `--memory <mb>`. */
  memory?: number;
  /** `--reporter <name>` (repeatable, or comma-separated): replaces the config's reporters. */
  reporter?: string[];
  /** `--output-file [reporter=]path` (repeatable): where a file reporter writes. */
  outputFile?: string[];
  coverage?: boolean;
  allowNetwork?: boolean;
  allowFsWrite?: boolean;
  cacheDir?: string;
  /** `--platform <name>`: over the config's `platform`. */
  platform?: PlatformName;
  apiUrl?: string;
  tokenUrl?: string;
  /** `--retry-attempts <n>`: over the config's `retry.maxAttempts`. */
  retryAttempts?: number;
  /** `--retry-max-delay <ms>`: over the config's `retry.maxDelayMs`. */
  retryMaxDelay?: number;
}

/** Runner options, ready to spread into `runCases` (and `createWorkerPool`). */
export interface CommandRunOptions {
  actions: string[];
  vars: Record<string, unknown>;
  env: string;
  workers: number;
  timeoutMs: number;
  memoryMb: number;
  allowNetwork: boolean;
  allowFsWrite: boolean;
  buildDir: string;
}

/** Everything a command needs, merged from flags, the config and the defaults. */
export interface CommandOptions {
  run: CommandRunOptions;
  /** Reporters in the order given; file reporters carry their output file. */
  reporters: ResolvedReporter[];
  reportsDir: string;
  coverage: ResolvedCxdaConfig["coverage"];
  cacheDir: string;
  /** For `resolvePlatformOptions` / `createApiClient`: the config's `auth` (and `platform`) with `--platform`, `--api-url` and `--token-url` over it. */
  platform: PlatformOptions;
  /** How platform requests are retried: the config's `retry` with `--retry-attempts` / `--retry-max-delay` over it. */
  retry: RetryConfig;
  /** The config file that was read, if any. */
  configFile: string | undefined;
  /** How definitions treat unknown keys, keywords and formats (the config's `strict`). */
  strict: ResolvedCxdaConfig["strict"];
}

/** Extra settings of {@link resolveCommandOptions}. */
export interface CommandContext {
  /**
   * The folder that relative command-line paths are resolved against.
   * @default process.cwd()
   * @example "/work/my-project"
   */
  cwd?: string;
}

/**
 * A path as the runner and messages should see it: relative to the process's working folder when it lies inside it
 * (what a user typed, `actions` rather than `/home/u/project/actions`), else absolute.
 */
function shown(path: string, cwd: string): string {
  const absolute = resolve(cwd, path);
  const near = relative(process.cwd(), absolute);
  return near === "" ? "." : near.startsWith("..") || isAbsolute(near) ? absolute : near;
}

function reporterNames(flags: string[]): ReporterName[] {
  const names = flags
    .flatMap((entry) => entry.split(","))
    .map((name) => name.trim())
    .filter((name) => name !== "");
  for (const name of names) {
    if (!(REPORTER_NAMES as readonly string[]).includes(name)) {
      throw new CxdaError("E_USAGE", `--reporter ${name}: unknown reporter${didYouMean(name, REPORTER_NAMES)}; use ${REPORTER_NAMES.join(", ")}`);
    }
  }
  return [...new Set(names as ReporterName[])];
}

function mergeReporters(flags: CommandFlags, config: ResolvedCxdaConfig, cwd: string): ResolvedReporter[] {
  const fromFlags = reporterNames(flags.reporter ?? []);
  const configured = new Map(config.reporters.map((reporter) => [reporter.name, reporter.outputFile]));
  const reporters: ResolvedReporter[] =
    fromFlags.length === 0
      ? config.reporters.map((reporter) => ({ ...reporter }))
      : fromFlags.map((name) => ({
          name,
          outputFile: writesFile(name) ? (configured.get(name) ?? resolve(config.reportsDir, REPORTER_FILES[name])) : undefined,
        }));
  const fileReporters = reporters.filter((reporter) => writesFile(reporter.name));
  for (const entry of flags.outputFile ?? []) {
    const pair = /^([a-z]+)=(.+)$/.exec(entry);
    const named = pair !== null && (REPORTER_NAMES as readonly string[]).includes(pair[1]!) ? (pair[1] as ReporterName) : undefined;
    const target =
      named !== undefined ? reporters.find((reporter) => reporter.name === named) : fileReporters.length === 1 ? fileReporters[0] : undefined;
    if (named !== undefined && !writesFile(named))
      throw new CxdaError("E_USAGE", `--output-file ${entry}: the ${named} reporter prints to the terminal and writes no file`);
    if (target === undefined) {
      throw new CxdaError(
        "E_USAGE",
        named !== undefined
          ? `--output-file ${entry}: the ${named} reporter is not in use; add --reporter ${named}`
          : `--output-file ${entry}: with ${fileReporters.length === 0 ? "no file reporter" : "several file reporters"}, write reporter=path (like junit=reports/junit.xml)`,
      );
    }
    target.outputFile = resolve(cwd, named !== undefined ? pair![2]! : entry);
  }
  return reporters.map((reporter) => ({
    name: reporter.name,
    outputFile: reporter.outputFile === undefined ? undefined : shown(reporter.outputFile, cwd),
  }));
}

/**
 * Merges command-line flags over a resolved config: a flag that is present wins, else the config's value (which is
 * already the default when the config did not set it). Command-line paths are relative to the working folder; the
 * config's were made absolute against the config file's folder. Paths inside the process's working folder come back
 * relative to it, so messages show them as typed. `--var`s are added to the config's `vars`.
 * @throws CxdaError `E_USAGE` for a malformed `--var`, an unknown `--reporter` or an `--output-file` that names no reporter in use.
 * @example
 * const config = await loadConfig({ configFile: flags.config });
 * const options = resolveCommandOptions({ ...explicitFlags(command), paths }, config);
 * for await (const result of runCases(options.run)) { … }
 */
export function resolveCommandOptions(flags: CommandFlags, config: ResolvedCxdaConfig, context: CommandContext = {}): CommandOptions {
  const cwd = resolve(context.cwd ?? process.cwd());
  const vars: Record<string, unknown> = { ...config.vars };
  for (const text of flags.var ?? []) {
    const [key, value] = parseAssignment(text, "--var");
    vars[key] = value;
  }
  const platform: PlatformOptions = { ...config.auth };
  if (flags.platform !== undefined) platform.platform = flags.platform;
  if (flags.apiUrl !== undefined) platform.apiUrl = flags.apiUrl;
  if (flags.tokenUrl !== undefined) platform.tokenUrl = flags.tokenUrl;
  return {
    run: {
      actions: (flags.paths !== undefined && flags.paths.length > 0 ? flags.paths : config.actions).map((path) => shown(path, cwd)),
      vars,
      env: flags.env ?? config.env,
      workers: flags.workers ?? config.workers,
      timeoutMs: flags.timeout ?? config.timeoutMs,
      memoryMb: flags.memory ?? config.memoryMb,
      allowNetwork: flags.allowNetwork ?? config.sandbox.network,
      allowFsWrite: flags.allowFsWrite ?? config.sandbox.fsWrite,
      buildDir: config.buildDir,
    },
    reporters: mergeReporters(flags, config, cwd),
    reportsDir: shown(config.reportsDir, cwd),
    coverage: { enabled: flags.coverage ?? config.coverage.enabled, thresholds: { ...config.coverage.thresholds } },
    cacheDir: shown(flags.cacheDir ?? config.cacheDir, cwd),
    platform,
    retry: retryFromFlags(flags, config.retry),
    configFile: config.file,
    strict: config.strict,
  };
}

/**
 * A command's parsed options without the ones that only hold commander defaults, so that a default such as
 * `--timeout 2000` does not hide the config's `timeoutMs`. Options of parent commands (a global `--config`) are included.
 * @example
 * program.command("test").action(async (paths, _flags, command: Command) => {
 *   const options = resolveCommandOptions({ ...explicitFlags<CommandFlags>(command), paths }, await loadConfig());
 * });
 */
export function explicitFlags<T extends object = CommandFlags>(command: Command): Partial<T> {
  const all = command.optsWithGlobals<Record<string, unknown>>();
  const given: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(all)) {
    const source = command.getOptionValueSourceWithGlobals(key);
    if (source !== "default" && source !== undefined && value !== undefined) given[key] = value;
  }
  return given as Partial<T>;
}

/**
 * Adds `--config <file>` to a command.
 * @example
 * addConfigOption(program.command("test"));
 */
export function addConfigOption(command: Command): Command {
  return command.option("--config <file>", "the config file (default: cxda.config.{ts,mts,mjs,js,json} in the current folder)");
}

/**
 * Loads the config (`--config`, else the one in the working folder) and merges the command's explicit flags over it:
 * {@link loadConfig}, {@link explicitFlags} and {@link resolveCommandOptions} in one call.
 * @example
 * .action(async (paths: string[], _flags, command: Command) => {
 *   const options = await loadCommandOptions(command, { paths });
 *   for await (const result of runCases(options.run)) { … }
 * })
 */
export async function loadCommandOptions(command: Command, extra: { paths?: string[] } & CommandContext = {}): Promise<CommandOptions> {
  const flags = explicitFlags<CommandFlags>(command);
  const cwd = extra.cwd ?? process.cwd();
  const config = await loadConfig({ cwd, ...(flags.config === undefined ? {} : { configFile: flags.config }) });
  return resolveCommandOptions({ ...flags, ...(extra.paths === undefined ? {} : { paths: extra.paths }) }, config, { cwd });
}
