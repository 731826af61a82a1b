// A run's plan: each action loaded, its cases found (lazily), its transform bundled, and a row for its results.
import { stampFiles } from "../internal/file-stamp.js";
import { join, relative } from "node:path";
import { toProblem, type Problem } from "../core/errors.js";
import type { CaseResult, DeclarativeConfig } from "../core/types.js";
import type { LoadedCase } from "../cases/load-cases.js";
import { bundleTransform, TransformCompileError } from "../executor/bundle-transform.js";
import type { DeclarativeAction, PoolCase, WorkerAction, WorkerCaseResult } from "../executor/protocol.js";
import { credentialNames, credentialPlaceholder } from "../platforms/genesys/declarative/credentials.js";
import { TRANSFORM_FILES } from "./find-action-dirs.js";
import type { LoadedAction } from "./load-action.js";
import type { ResolvedRunCasesOptions, RunCasesOptions } from "./run-cases.js";

/**
 * One action's results in case order. A result is held only from its arrival until its turn to be yielded, so a
 * row's memory follows the cases in flight, not the cases run.
 */
export class ResultRow {
  /** Positions handed out so far: one per case, in case order. */
  length = 0;
  /** The next position to yield. */
  next = 0;
  /** Whether every case of the row has a position (the feeder pulls cases lazily). */
  complete = false;
  /** Whether the feeder fills this row (its results count towards the feeder's bound). */
  fed = false;
  private readonly arrived = new Map<number, CaseResult>();

  /** A position for a case whose result comes later. */
  reserve(): number {
    return this.length++;
  }

  /** A position for a result known now. */
  push(result: CaseResult): number {
    const position = this.length++;
    this.arrived.set(position, result);
    return position;
  }

  set(position: number, result: CaseResult): void {
    this.arrived.set(position, result);
  }

  /** The result at `position`, which must have arrived and not been taken. */
  get(position: number): CaseResult {
    return this.arrived.get(position)!;
  }

  /** The result whose turn it is, when it has arrived; taking it moves the turn on. */
  take(): CaseResult | undefined {
    const result = this.arrived.get(this.next);
    if (result !== undefined) {
      this.arrived.delete(this.next);
      this.next++;
    }
    return result;
  }

  /** Results that arrived before the run started (errors found while loading). */
  waiting(): IterableIterator<CaseResult> {
    return this.arrived.values();
  }

  /** Whether every result has been taken. */
  get done(): boolean {
    return this.complete && this.next >= this.length;
  }
}

/** The files of an action folder its loading reads, beside its case files: what an {@link ActionCache} watches. */
const LOADED_FILES = ["definition.json", "trigger.json", ...TRANSFORM_FILES];

/**
 * Actions kept loaded between runs given their cases (as `createBus`'s publishes are): one is loaded again only when
 * its definition, default trigger or transform file changes, appears or goes (six `stat`s, no file read). What the
 * transform imports is checked by each run's bundling, as always. A load that failed is not kept; a definition taken
 * from the cache or a pull is kept until one of those files changes.
 * @example
 * const actionCache = new ActionCache();
 * for await (const result of runCases({ actions: [dir], cases: [one], actionCache })) …
 */
export class ActionCache {
  private readonly loaded = new Map<string, { stamp: string; action: Promise<LoadedAction> }>();

  /** The action of `dir`: the one loaded before while its files are unchanged, else `load(dir)`. */
  async load(dir: string, load: (dir: string) => Promise<LoadedAction>): Promise<LoadedAction> {
    const stamp = [...(await stampFiles(LOADED_FILES.map((name) => join(dir, name)))).values()].join("\n");
    const kept = this.loaded.get(dir);
    if (kept !== undefined && kept.stamp === stamp) return kept.action;
    const action = load(dir);
    this.loaded.set(dir, { stamp, action });
    action.catch(() => {
      if (this.loaded.get(dir)?.action === action) this.loaded.delete(dir);
    });
    return action;
  }
}

/** One action of a run whose cases go to the workers. */
export interface PlannedRun {
  action: WorkerAction;
  /** The action's cases, selected, pulled as the feeder needs them. */
  entries: Iterator<LoadedCase>;
  /** The action's index in {@link RunPlan.actions} and {@link RunPlan.rows}. */
  actionIndex: number;
}

/** What a run will do, loaded before any case runs: problems (a broken definition) are already results in their rows. */
export interface RunPlan {
  actions: LoadedAction[];
  rows: ResultRow[];
  runs: PlannedRun[];
  /** Case-file cases known before the run: enough to size the pool when nothing else is known. */
  known: number;
}

/**
 * Loads the actions of `dirs` into a plan: definitions, case files, bundles. Broken definitions become error results
 * in their rows; the other actions' cases are found lazily, as the run pulls them.
 */
export async function planRun(options: ResolvedRunCasesOptions, dirs: string[]): Promise<RunPlan> {
  // Definitions (and the schema compiler they load) come after the first sandbox has been started: its start-up is the
  // longest wait of a small run, and it no longer waits for them.
  const { loadAction } = await import("./load-action.js");
  const load = (dir: string): Promise<LoadedAction> => loadAction(dir, options.definitions);
  const actions = await Promise.all(dirs.map((dir) => (options.actionCache === undefined ? load(dir) : options.actionCache.load(dir, load))));
  const buildDir = options.buildDir;
  const plan: RunPlan = { actions, rows: [], runs: [], known: 0 };
  for (const [actionIndex, action] of actions.entries()) {
    const entries = selected(caseEntries(action, options), action, options.select);
    const row = new ResultRow();
    plan.rows.push(row);
    if (action.definitionError) {
      notRun(row, action, entries, action.definitionError, "(definition)");
      continue;
    }
    const workerAction = await workerActionFor(action, options, buildDir);
    if (workerAction === undefined) {
      row.complete = true;
      continue;
    }
    // A transform that does not compile (or is missing) fails the action, not each case: its cases are not sent.
    if ("error" in workerAction.bundle) {
      notRun(row, action, entries, workerAction.bundle.error, "(transform)");
      continue;
    }
    plan.known += options.cases?.length ?? action.cases.length;
    row.fed = true;
    plan.runs.push({ action: workerAction, entries: entries[Symbol.iterator](), actionIndex });
  }
  return plan;
}

/**
 * Fills a row whose action cannot run with one result per selected case, each marked {@link CaseResult.notRun} with
 * the action's problem; an action without cases still gets one result (`placeholder`), so the problem is seen.
 */
function notRun(row: ResultRow, action: LoadedAction, entries: Iterable<LoadedCase>, problem: Problem, placeholder: string): void {
  for (const entry of entries) {
    const result = entry.ok
      ? errorResult(action, entry.case.name, problem, entry.case.source)
      : errorResult(action, entry.name, entry.error, entry.source);
    // A case file that does not parse keeps its own problem: that one is the case's, not the action's.
    if (entry.ok) result.notRun = true;
    // Each case still names its own file:line:column, as every other failure does.
    const location = entry.ok ? entry.case.location : entry.location;
    if (location !== undefined) result.location = location;
    row.push(result);
  }
  if (row.length === 0) row.push({ ...errorResult(action, placeholder, problem), notRun: true });
  row.complete = true;
}

/** The result of a case that could not run: its problem (a broken definition, case file or bundle) as its error. */
export function errorResult(action: LoadedAction, name: string, error: Problem, source?: string): CaseResult {
  const result: CaseResult = {
    action: action.id,
    case: name,
    status: "error",
    issues: [],
    failures: [],
    error,
    logs: [],
    trace: { steps: [action.definitionStep] },
    durationMs: 0,
  };
  if (source !== undefined) result.source = source;
  return result;
}

export function toCaseResult(action: LoadedAction, prepared: PoolCase, result: WorkerCaseResult): CaseResult {
  const caseResult: CaseResult = {
    action: action.id,
    case: prepared.name,
    status: result.status,
    issues: result.issues,
    failures: result.failures,
    logs: result.logs,
    trace: { steps: [action.definitionStep, ...result.steps] },
    durationMs: result.durationMs,
  };
  if (result.output !== undefined) caseResult.output = result.output;
  if (result.error !== undefined) caseResult.error = result.error;
  if (prepared.source !== undefined) caseResult.source = prepared.source;
  if (prepared.location !== undefined) caseResult.location = prepared.location;
  if (result.trigger !== undefined) caseResult.trigger = result.trigger;
  return caseResult;
}

/** A declarative action as the workers run it: its config, `--strict`, `--live`, and placeholders for its credentials. */
function declarativeAction(config: DeclarativeConfig, options: ResolvedRunCasesOptions): DeclarativeAction {
  const { request, response } = config;
  const names = credentialNames([request.requestUrlTemplate, request.requestTemplate, ...Object.values(request.headers), response.successTemplate]);
  return {
    config,
    strict: options.declarative?.strict === true,
    live: options.declarative?.live === true,
    credentials: Object.fromEntries(names.map((name) => [name, credentialPlaceholder(name)])),
  };
}

/** The action's cases in order: its case files, then the extra cases, pulled lazily (they may be many). */
function* caseEntries(action: LoadedAction, options: RunCasesOptions): Generator<LoadedCase> {
  if (options.cases) {
    for (const definition of options.cases) yield { ok: true, case: definition };
    return;
  }
  yield* action.cases;
  if (options.extraCases === undefined || action.definition === undefined) return;
  try {
    for (const definition of options.extraCases(action.definition)) yield { ok: true, case: definition };
  } catch (error) {
    yield { ok: false, name: "(extra cases)", source: action.dir, error: toProblem(error, "E_CASE") };
  }
}

/** Applies `select`; `index` counts every entry, selected or not, for a source-less case's `#index`. */
function* selected(entries: Iterable<LoadedCase>, action: LoadedAction, select: RunCasesOptions["select"]): Generator<LoadedCase> {
  let index = 0;
  for (const entry of entries) {
    const i = index++;
    if (
      select === undefined ||
      (entry.ok ? select(action.id, entry.case.name, entry.case.source ?? `#${i}`) : select(action.id, entry.name, entry.source))
    )
      yield entry;
  }
}

async function workerActionFor(action: LoadedAction, options: ResolvedRunCasesOptions, buildDir: string): Promise<WorkerAction | undefined> {
  const definition = action.definition;
  if (definition === undefined) return undefined;
  let bundle: WorkerAction["bundle"];
  if (action.transform === undefined && definition.config !== undefined) {
    bundle = { declarative: declarativeAction(definition.config, options) };
  } else if (action.transform === undefined && definition.meta.shape === "genesys-contract") {
    const shown = relative(process.cwd(), action.dir) || ".";
    bundle = {
      error: {
        code: "E_TRANSFORM",
        message: `${shown}: this Genesys export has no config.request and config.response to run; export the action with its configuration (or pull it: cxda pull --platform genesys <action id>), or add transform.ts`,
      },
    };
  } else if (action.transform === undefined) {
    const shown = relative(process.cwd(), action.dir) || ".";
    bundle = {
      error: {
        code: "E_TRANSFORM",
        message: `${shown}: no transform found; add transform.ts (export default function transform(trigger, ctx) { … }) or a transform.source in the definition`,
      },
    };
  } else {
    try {
      const built = await bundleTransform(action.transform, { buildDir, allow: { network: options.allowNetwork, fsWrite: options.allowFsWrite } });
      options.onBundle?.(action.dir, { inputs: built.inputs, context: built.context });
      bundle = { file: built.file };
    } catch (error) {
      // A fix in any file read before the failure may make it compile: a watch must see those files too.
      if (error instanceof TransformCompileError) options.onBundle?.(action.dir, { inputs: error.inputs, context: error.lookedFor });
      bundle = { error: toProblem(error, "E_TRANSFORM") };
    }
  }
  return {
    actionId: definition.id,
    env: options.env,
    bundle,
    inputSchema: definition.inputSchema,
    outputSchema: definition.outputSchema,
    inputDraft: definition.meta.inputDraft,
    outputDraft: definition.meta.outputDraft,
    ...(action.defaultTrigger !== undefined ? { baseTrigger: JSON.stringify(action.defaultTrigger) } : {}),
  };
}
