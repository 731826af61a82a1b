// Settings for running cases from vitest: explicit options, then the project's cxda config, then the defaults.
import { CxdaError } from "../core/errors.js";
import { loadConfig } from "../config/load-config.js";

/** How cases run when started from vitest (`toPassCase`, `describeAction`). */
export interface CaseRunOptions {
  /**
   * Variables for `ctx.vars`, over the config's `vars`; a case's own `vars` win over both.
   * @default the config's vars, else {}
   * @example { region: "eu" }
   */
  vars?: Record<string, unknown>;
  /**
   * `ctx.env` seen by transforms.
   * @default the config's env, else "sandbox"
   * @example "production"
   */
  env?: string;
  /**
   * Milliseconds one case may run before its worker is stopped.
   * @default the config's timeoutMs, else 2000
   * @example 5000
   */
  timeoutMs?: number;
  /**
   * Heap limit of each worker in MB.
   * @default the config's memoryMb, else 256
   * @example 512
   */
  memoryMb?: number;
  /**
   * Let transforms use the network.
   * @default the config's sandbox.network, else false
   * @example true
   */
  allowNetwork?: boolean;
  /**
   * Let transforms write files.
   * @default the config's sandbox.fsWrite, else false
   * @example true
   */
  allowFsWrite?: boolean;
  /**
   * Where bundled transforms are written.
   * @default "<config folder>/.cxda/build"
   * @example "node_modules/.cache/cxda-build"
   */
  buildDir?: string;
  /**
   * Which cxda config supplies the settings not given here: a file path, `true` for the one in the working folder
   * (if any), `false` for none.
   * @default true
   * @example "cxda.config.ts"
   */
  config?: string | boolean;
}

/** The settings a case runs with, every one decided. */
export interface ResolvedCaseRunOptions {
  vars: Record<string, unknown>;
  env: string;
  timeoutMs: number;
  memoryMb: number;
  allowNetwork: boolean;
  allowFsWrite: boolean;
  buildDir: string;
}

function checkInteger(name: string, value: number | undefined, min: number): void {
  if (value !== undefined && (!Number.isInteger(value) || value < min)) {
    throw new CxdaError("E_USAGE", `${name} must be a whole number >= ${min}, got ${String(value)}`);
  }
}

/** Rejects values that cannot work before anything runs (the config part is checked when it is loaded). */
export function checkCaseRunOptions(options: CaseRunOptions, where: string): void {
  checkInteger(`${where}: timeoutMs`, options.timeoutMs, 1);
  checkInteger(`${where}: memoryMb`, options.memoryMb, 16);
}

/**
 * Loads the config named by `options.config` and lays the explicit options over it.
 * @example
 * const settings = await resolveCaseRunOptions({ vars: { region: "eu" } });
 */
export async function resolveCaseRunOptions(options: CaseRunOptions = {}): Promise<ResolvedCaseRunOptions> {
  const choice = options.config ?? true;
  const config = await loadConfig(typeof choice === "string" ? { configFile: choice } : choice ? {} : { configFile: false });
  return {
    vars: { ...config.vars, ...options.vars },
    env: options.env ?? config.env,
    timeoutMs: options.timeoutMs ?? config.timeoutMs,
    memoryMb: options.memoryMb ?? config.memoryMb,
    allowNetwork: options.allowNetwork ?? config.sandbox.network,
    allowFsWrite: options.allowFsWrite ?? config.sandbox.fsWrite,
    buildDir: options.buildDir ?? config.buildDir,
  };
}
