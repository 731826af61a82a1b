// `lintProject`: every Genesys declarative action found in the given paths, its templates rendered in worker threads
// under a time limit, the findings placed at their file:line:column and counted.
import { isAbsolute, resolve } from "node:path";
import { loadConfig } from "../config/load-config.js";
import { DEFAULT_MEMORY_MB, DEFAULT_SEED } from "../config/defaults.js";
import { MAX_MEMORY_MB, MAX_TIMEOUT_MS, MIN_MEMORY_MB } from "../config/run-limits.js";
import { CxdaError } from "../core/errors.js";
import { shownPath } from "../report/shown-path.js";
import type { ActionLint } from "./lint-action.js";
import { findLintSources, loadLintSource, type LoadedSource } from "./lint-targets.js";
import type { LintActionResult, LintFinding, LintReport, LintTarget } from "./lint-types.js";
import { lintInWorkers, lintWorkerCount } from "./lint-workers.js";
import { createPositionFinder } from "./template-positions.js";

/** Milliseconds one action's renders may take by default: far more than any real template needs (they take milliseconds). */
export const DEFAULT_LINT_TIMEOUT_MS = 5000;

/**
 * Options of {@link lintProject}.
 * @example
 * { paths: ["../shared/corpus/genesys"], timeoutMs: 5000, seed: "ci" }
 */
export interface LintOptions {
  /** Action folders, folders of them, export files or folders of exports. @default the config's `actions` */
  paths?: string[];
  /** The folder the config is searched in and paths are relative to. @default process.cwd() */
  cwd?: string;
  /** A config file to use instead of searching, or `false` for none. @default the cxda.config.* file in `cwd`, if any */
  configFile?: string | false;
  /** Milliseconds one action's renders may take before its worker is stopped and a `timeout` finding reported. @default 5000 */
  timeoutMs?: number;
  /** Seeds the generated inputs. @default "cxda" */
  seed?: string;
  /** Worker threads at most. @default the cores, at most 4 */
  workers?: number;
  /** Heap limit of each worker thread, in MB. @default 256 */
  memoryMb?: number;
  /** Called as each action is done, in the order they finish. */
  onAction?: (done: number, total: number) => void;
}

/** {@link LintOptions} with every default applied. */
export interface ResolvedLintOptions {
  paths: string[] | undefined;
  cwd: string;
  configFile: string | false | undefined;
  timeoutMs: number;
  seed: string;
  workers: number | undefined;
  memoryMb: number;
}

function wholeNumber(name: string, value: number | undefined, min: number, max: number, fallback: number): number {
  if (value === undefined) return fallback;
  if (!Number.isInteger(value) || value < min || value > max) {
    throw new CxdaError("E_USAGE", `${name} must be a whole number from ${min} to ${max}, got ${String(value)}`);
  }
  return value;
}

/**
 * Applies the defaults of {@link lintProject} and refuses bad values.
 * @throws CxdaError `E_USAGE` for a timeout, worker count or memory limit out of range, or an empty seed.
 * @example resolveLintOptions({}).timeoutMs; // 5000
 */
export function resolveLintOptions(options: LintOptions = {}): ResolvedLintOptions {
  if (options.seed !== undefined && (typeof options.seed !== "string" || options.seed === ""))
    throw new CxdaError("E_USAGE", "seed must be a non-empty string");
  return {
    paths: options.paths !== undefined && options.paths.length > 0 ? options.paths : undefined,
    cwd: resolve(options.cwd ?? process.cwd()),
    configFile: options.configFile,
    timeoutMs: wholeNumber("timeout", options.timeoutMs, 1, MAX_TIMEOUT_MS, DEFAULT_LINT_TIMEOUT_MS),
    seed: options.seed ?? DEFAULT_SEED,
    workers: options.workers === undefined ? undefined : wholeNumber("workers", options.workers, 1, 64, 1),
    memoryMb: wholeNumber("memory", options.memoryMb, MIN_MEMORY_MB, MAX_MEMORY_MB, DEFAULT_MEMORY_MB),
  };
}

/** One action's findings placed in its file: `line:column` of the reference itself, in the JSON text. */
function placed(source: LoadedSource, lint: ActionLint): LintFinding[] {
  const find = source.text === undefined ? undefined : createPositionFinder(source.text);
  const findings = lint.findings.map((finding): LintFinding => {
    const { pointer, ...rest } = finding;
    const at = pointer === undefined ? undefined : find?.(pointer, finding.templateLine, finding.templateColumn);
    return {
      ...rest,
      ...(source.file === undefined ? {} : { file: source.file }),
      ...(at === undefined ? {} : { line: at.line, column: at.column }),
    };
  });
  // Errors first, each kind in the order found.
  return [...findings.filter((finding) => finding.severity === "error"), ...findings.filter((finding) => finding.severity === "warning")];
}

function resultOf(source: LoadedSource, lint: ActionLint | undefined): LintActionResult {
  const base = {
    label: source.label,
    ...(source.file === undefined ? {} : { file: source.file }),
    ...(source.name === undefined ? {} : { name: source.name }),
  };
  if (source.failure !== undefined) return { ...base, renders: 0, findings: [source.failure] };
  if (lint === undefined) return { ...base, renders: 0, ...(source.skipped === undefined ? {} : { skipped: source.skipped }), findings: [] };
  return { ...base, renders: lint.renders, findings: placed(source, lint) };
}

/**
 * Lints the Genesys declarative actions in `paths`: each action's URL, header and body templates rendered with
 * generated, boundary and tricky inputs and with optional inputs absent, and its translation map and success template
 * checked. Renders run in worker threads with an empty environment, one action at a time per thread under
 * `timeoutMs`. Actions without a declarative config are counted and skipped.
 * @throws CxdaError `E_USAGE` for a path that does not exist or holds nothing to lint, or a bad option; `E_CONFIG` for
 * a config that does not load.
 * @example
 * const report = await lintProject({ paths: ["../shared/corpus/genesys"] });
 * report.summary; // { actions: 20, linted: 20, renders: …, errors: …, warnings: … }
 */
export async function lintProject(options: LintOptions = {}): Promise<LintReport> {
  const resolved = resolveLintOptions(options);
  const config = await loadConfig({ cwd: resolved.cwd, ...(resolved.configFile === undefined ? {} : { configFile: resolved.configFile }) });
  // Paths as the user typed them (messages repeat them), resolved only when they are relative to another folder.
  const given = resolved.paths?.map((path) => (isAbsolute(path) || resolved.cwd === process.cwd() ? path : resolve(resolved.cwd, path)));
  const paths = given ?? config.actions.map((path) => shownPath(path));
  const sources = await findLintSources(paths);
  const loadedSources: LoadedSource[] = [];
  for (const source of sources) loadedSources.push(await loadLintSource(source, config.cacheDir));
  const targets = loadedSources.map((source) => source.target).filter((target): target is LintTarget => target !== undefined);
  let done = 0;
  const lints = await lintInWorkers(
    targets,
    { timeoutMs: resolved.timeoutMs, seed: resolved.seed, memoryMb: resolved.memoryMb, workers: resolved.workers ?? lintWorkerCount(targets.length) },
    () => options.onAction?.(++done, targets.length),
  );
  const byTarget = new Map(targets.map((target, index) => [target, lints[index]]));
  const actions = loadedSources.map((source) => resultOf(source, source.target === undefined ? undefined : byTarget.get(source.target)));
  const findings = actions.flatMap((action) => action.findings);
  const errors = findings.filter((finding) => finding.severity === "error").length;
  return {
    actions,
    findings,
    summary: {
      actions: actions.length,
      linted: targets.length,
      renders: actions.reduce((sum, action) => sum + action.renders, 0),
      errors,
      warnings: findings.length - errors,
    },
  };
}
