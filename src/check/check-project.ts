// `checkProject`: the config and every action's definition, case files and transform checked, no case run.
import { isAbsolute, resolve } from "node:path";
import { hasErrorCode, isCxdaError } from "../core/errors.js";
import type { Finding } from "../core/types.js";
import { findConfigFile, loadConfig } from "../config/load-config.js";
import { resolveCxdaConfig, type ResolvedCxdaConfig } from "../config/cxda-config.js";
import { findActionDirs } from "../runner/find-action-dirs.js";
import { checkAction, findingOf, shownPath } from "./check-action.js";

/**
 * Options of {@link checkProject}.
 * @example
 * { paths: ["actions/billing-callback"], configFile: "cxda.config.ts" }
 */
export interface CheckOptions {
  /**
   * Action folders, or folders of them, as `cxda test` takes them (relative to the working folder).
   * @default the config's `actions`
   */
  paths?: string[];
  /**
   * The folder the config is searched in.
   * @default process.cwd()
   */
  cwd?: string;
  /**
   * A config file to check and use instead of searching (`--config`), or `false` for none.
   * @default the cxda.config.* file in `cwd`, if any
   */
  configFile?: string | false;
}

/** The findings of one part of the project: the config, or one action folder. */
export interface CheckGroup {
  /** `config`, or the action folder as shown (relative to the working folder). */
  label: string;
  findings: Finding[];
}

/** Counts of a check. */
export interface CheckSummary {
  /** Action folders checked. */
  actions: number;
  errors: number;
  warnings: number;
}

/** What {@link checkProject} found: every finding in order, the same grouped by config and action, and the counts. */
export interface CheckReport {
  findings: Finding[];
  groups: CheckGroup[];
  summary: CheckSummary;
}

/** The config, or its problem as a finding and the defaults in its place (so the actions are still checked). */
async function configOf(options: CheckOptions, cwd: string): Promise<{ config: ResolvedCxdaConfig; findings: Finding[] }> {
  try {
    return { config: await loadConfig({ cwd, ...(options.configFile === undefined ? {} : { configFile: options.configFile }) }), findings: [] };
  } catch (error) {
    if (!hasErrorCode(error, "E_CONFIG")) throw error;
    const named = typeof options.configFile === "string" ? resolve(cwd, options.configFile) : await findConfigFile(cwd).catch(() => undefined);
    const file = named === undefined ? "config" : shownPath(named);
    const context = isCxdaError(error) ? (error.context ?? {}) : {};
    const label = typeof context["file"] === "string" ? context["file"] : file;
    return { config: resolveCxdaConfig({}, { rootDir: cwd }), findings: [{ ...findingOf(error, label, "E_CONFIG"), file }] };
  }
}

/**
 * Checks a project without running a case: the config (unknown keys with a suggestion, wrong values), then each action
 * folder's definition (unknown keys, schema keywords and formats with their JSON path, `line:column` and a suggestion;
 * errors, or warnings with the config's `strict: "warn"`), case files and transform (compiled as a run compiles it).
 * A problem is a finding, never a throw; a config that does not load is one finding, and the defaults stand in for it.
 * @throws CxdaError `E_USAGE` for a path that does not exist or holds no action folder.
 * @example
 * const report = await checkProject({ paths: ["actions"] });
 * if (report.summary.errors > 0) console.log(report.findings.map((f) => `${f.file}: ${f.message}`).join("\n"));
 */
export async function checkProject(options: CheckOptions = {}): Promise<CheckReport> {
  const cwd = resolve(options.cwd ?? process.cwd());
  const { config, findings: configFindings } = await configOf(options, cwd);
  const paths = options.paths !== undefined && options.paths.length > 0 ? options.paths : config.actions;
  // The config's folders are absolute: show them as the user would type them in a "no such folder" message.
  const dirs = await findActionDirs(paths.map((path) => (isAbsolute(path) ? shownPath(path) : path)));
  const groups: CheckGroup[] = configFindings.length > 0 ? [{ label: "config", findings: configFindings }] : [];
  const context = {
    strict: config.strict,
    cacheDir: config.cacheDir,
    buildDir: config.buildDir,
    allow: { network: config.sandbox.network, fsWrite: config.sandbox.fsWrite },
  };
  for (const dir of dirs) {
    const findings = await checkAction(dir, context);
    if (findings.length > 0) groups.push({ label: shownPath(dir), findings });
  }
  const findings = groups.flatMap((group) => group.findings);
  const errors = findings.filter((finding) => finding.severity === "error").length;
  return { findings, groups, summary: { actions: dirs.length, errors, warnings: findings.length - errors } };
}
