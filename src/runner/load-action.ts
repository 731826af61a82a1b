// Finds action folders and loads each one: its definition, its transform and its cases.
import { basename, join, relative } from "node:path";
import { performance } from "node:perf_hooks";
import { CxdaError, toProblem, type Problem } from "../core/errors.js";
import type { ActionDefinition, StrictMode, TraceStep } from "../core/types.js";
import { resolveDefinition, type ResolvedDefinition } from "../definitions/resolve-definition.js";
import type { PlatformOptions } from "../config/platform-options.js";
import type { RetryOptions } from "../http/retry-policy.js";
import { parseJsonText, readTextFile } from "../internal/json-file.js";
import { refuseDuplicateKeys } from "../internal/duplicate-keys.js";
import { MAX_CASE_DEPTH, loadCases, type LoadedCase } from "../cases/load-cases.js";
import { nestingDepth } from "../internal/nesting-depth.js";
import type { TransformSource } from "../executor/bundle-transform.js";
import { exists, TRANSFORM_FILES } from "./find-action-dirs.js";

export { findActionDirs } from "./find-action-dirs.js";

/** Everything known about one action folder before its cases run. */
export interface LoadedAction {
  dir: string;
  /** The definition's id, or the folder name when the definition could not be read. */
  id: string;
  definition?: ActionDefinition;
  /** Why the definition could not be used; every case then reports it. */
  definitionError?: Problem;
  /** The trace step shared by every case of this action. */
  definitionStep: TraceStep;
  /** The transform: `transform.ts` or `transform.js` in the folder, else the definition's own script. */
  transform?: TransformSource;
  cases: LoadedCase[];
  /** `trigger.json` in the folder: the trigger a case uses when it gives no `payload`. */
  defaultTrigger?: Record<string, unknown>;
}

/** How an action's definition is found when its folder has no definition.json. */
export interface DefinitionResolution {
  /** The definitions cache folder. @default ".cxda/cache" */
  cacheDir?: string;
  /** Platform options for a pull when neither the folder nor the cache has the definition (only with credentials). */
  platform?: PlatformOptions;
  /** Never pull. @default false */
  offline?: boolean;
  /** How a pull is retried (the config's `retry` and its flags). @default the client's defaults */
  retry?: RetryOptions;
  /** Unknown keys, schema keywords and formats in definitions: errors, or warnings kept in `meta.warnings`. @default true */
  strict?: StrictMode;
  /** Replaces the whole lookup (the demo reads the example's definition from the cache it just pulled into). */
  resolve?: (dir: string) => Promise<ResolvedDefinition>;
}

/**
 * The load's warnings as lines for the trace and the terminal: the cache's (a corrupt copy refetched), then what a
 * lenient definition load (`strict: "warn"`) let through, each with its JSON path and suggestion.
 */
function warningsOf(resolved: ResolvedDefinition): { warnings?: string[] } {
  const lines = resolved.warnings.map((warning) => warning.message);
  for (const finding of resolved.definition.meta.warnings ?? [])
    lines.push(`${finding.path === undefined ? "" : `${finding.path}: `}${finding.message}${finding.hint === undefined ? "" : ` (${finding.hint})`}`);
  return lines.length > 0 ? { warnings: lines } : {};
}

/**
 * Loads an action folder. Its definition is `definition.json`, else the cached copy of the action named like the
 * folder, else a pull. Problems with the definition or the cases are kept as data, not thrown.
 */
export async function loadAction(dir: string, resolution: DefinitionResolution = {}): Promise<LoadedAction> {
  const shown = relative(process.cwd(), dir) || ".";
  const startedAt = performance.timeOrigin + performance.now();
  let definition: ActionDefinition | undefined;
  let definitionError: LoadedAction["definitionError"];
  let resolved: ResolvedDefinition | undefined;
  try {
    resolved = resolution.resolve
      ? await resolution.resolve(dir)
      : await resolveDefinition({
          actionDir: dir,
          id: basename(dir),
          ...(resolution.cacheDir !== undefined ? { cache: { dir: resolution.cacheDir } } : {}),
          ...(resolution.platform !== undefined ? { platform: resolution.platform } : {}),
          ...(resolution.offline !== undefined ? { offline: resolution.offline } : {}),
          ...(resolution.retry !== undefined ? { retry: resolution.retry } : {}),
          ...(resolution.strict !== undefined ? { strict: resolution.strict } : {}),
        });
    definition = resolved.definition;
  } catch (error) {
    definitionError = toProblem(error, "E_DEFINITION");
  }
  const definitionStep: TraceStep = {
    step: "load-definition",
    name: "load definition",
    ok: definition !== undefined,
    startedAt,
    durationMs: Math.round((performance.timeOrigin + performance.now() - startedAt) * 1000) / 1000,
    detail: resolved
      ? {
          source: resolved.source,
          file: relative(process.cwd(), resolved.file),
          shape: resolved.definition.meta.shape,
          version: resolved.definition.version,
          ...warningsOf(resolved),
        }
      : { error: definitionError?.code },
  };
  const action: LoadedAction = { dir, id: definition?.id ?? basename(dir), definitionStep, cases: await loadCases(dir) };
  if (definition) action.definition = definition;
  if (definitionError) action.definitionError = definitionError;

  for (const name of TRANSFORM_FILES) {
    if (await exists(join(dir, name))) {
      action.transform = { kind: "file", file: join(dir, name) };
      break;
    }
  }
  if (action.transform === undefined && definition?.transform) {
    action.transform = { kind: "inline", source: definition.transform.source, name: `${shown}/definition.json#transform`, resolveDir: dir };
  }
  if (await exists(join(dir, "trigger.json"))) {
    try {
      const text = await readTextFile(join(dir, "trigger.json"), "E_CASE");
      const trigger = parseJsonText(text, join(dir, "trigger.json"), "E_CASE");
      refuseDuplicateKeys(text, `${shown}/trigger.json`, "E_CASE");
      if (typeof trigger !== "object" || trigger === null || Array.isArray(trigger))
        throw new CxdaError("E_CASE", `${shown}/trigger.json: the default trigger must be a JSON object`);
      if (nestingDepth(trigger, MAX_CASE_DEPTH) > MAX_CASE_DEPTH) {
        throw new CxdaError(
          "E_CASE",
          `${shown}/trigger.json: nested more than ${MAX_CASE_DEPTH} levels deep; a trigger may nest values up to that depth`,
        );
      }
      action.defaultTrigger = trigger as Record<string, unknown>;
    } catch (error) {
      // A broken default trigger breaks every case that relies on it; say so on each of them.
      const problem = toProblem(error, "E_CASE");
      action.cases = action.cases.map((entry) =>
        entry.ok && entry.case.payload === undefined
          ? { ok: false, name: entry.case.name, source: entry.case.source ?? shown, error: problem }
          : entry,
      );
    }
  }
  return action;
}
