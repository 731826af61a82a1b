// One action the listener serves, loaded once (definition, input validator, bundled transform) and loaded again only when a file it was built from changes.
import { basename, join, relative, resolve } from "node:path";
import { CxdaError, toProblem, type CxdaErrorCode, type Problem } from "../core/errors.js";
import { stampFiles } from "../internal/file-stamp.js";
import type { ActionDefinition } from "../core/types.js";
import { DEFAULT_CACHE_DIR } from "../definitions/definitions-cache.js";
import { bundleTransform, TransformCompileError } from "../executor/bundle-transform.js";
import type { WorkerAction } from "../executor/protocol.js";
import { loadAction, type LoadedAction } from "../runner/load-action.js";
import { TRANSFORM_FILES } from "../runner/find-action-dirs.js";
import { createValidator, type Validator } from "../validation/create-validator.js";
import type { ListenerAction, ResolvedListenerOptions } from "./listener-options.js";

/** The action as loaded from its folder at one moment: ready to run, or why it cannot. */
export type ActionVersion =
  | {
      ok: true;
      loaded: LoadedAction & { definition: ActionDefinition };
      /** What the workers receive: schemas, the bundle (or why it could not be built), the base trigger. */
      worker: WorkerAction;
      input: Validator;
    }
  | { ok: false; error: Problem };

/** What loading needs from the listener's settings. */
export type LoadSettings = Pick<ResolvedListenerOptions, "env" | "allowNetwork" | "buildDir">;

/**
 * Bundles the action's transform; a transform that is missing or does not compile is kept as the bundle's error.
 * `read` gets every path the bundle was built from (or, for one that does not compile, the files esbuild had read).
 */
async function bundleOf(loaded: LoadedAction, settings: LoadSettings, read: Set<string>): Promise<WorkerAction["bundle"]> {
  if (loaded.transform === undefined) {
    const shown = relative(process.cwd(), loaded.dir) || ".";
    return {
      error: {
        code: "E_TRANSFORM",
        message: `${shown}: no transform found; add transform.ts (export default function transform(trigger, ctx) { … }) or a transform.source in the definition`,
      },
    };
  }
  try {
    const bundle = await bundleTransform(loaded.transform, {
      buildDir: settings.buildDir,
      allow: { network: settings.allowNetwork, fsWrite: false },
    });
    // The bundle itself too: one removed from the build folder is built again rather than failing in the worker.
    for (const path of [...bundle.inputs, ...bundle.context, bundle.file]) read.add(path);
    return { file: bundle.file };
  } catch (error) {
    if (error instanceof TransformCompileError) for (const path of error.inputs) read.add(path);
    return { error: toProblem(error, "E_TRANSFORM") };
  }
}

/**
 * An action folder the listener serves. `current()` gives the loaded action, loading it again only when a file the
 * last load read has changed (times, size or inode): the definition (`definition.json`, or the cached copy it came
 * from), `trigger.json`, which transform file exists, and every file and config the bundle was built from, wherever
 * they are (a helper in another folder, a package under `node_modules`, a tsconfig above). Nothing else in the folder
 * is looked at, so fixtures, recordings and reports written there cost nothing. Requests that arrive while a check
 * or a load runs share it.
 */
export class ServedAction {
  readonly dir: string;
  /** The folder name, accepted in the URL beside the id. */
  readonly folder: string;
  readonly public: ListenerAction;
  readonly #settings: LoadSettings;
  /** The last load and the facts of every file it read, as they were before it read them. */
  #latest: { stamp: Map<string, string>; version: ActionVersion } | undefined;
  /** The check under way, shared by the requests that arrive meanwhile. */
  #checking: Promise<ActionVersion> | undefined;

  private constructor(dir: string, settings: LoadSettings) {
    this.dir = dir;
    this.folder = basename(dir);
    this.#settings = settings;
    this.public = { id: this.folder, name: this.folder, dir, transform: "none", executeUrl: "" };
  }

  /**
   * Loads the action in `dir`.
   * @throws CxdaError with the definition's problem (`E_DEFINITION`, `E_SCHEMA`…) when it cannot be served at all.
   * @example
   * const action = await ServedAction.load("actions/billing-callback", settings);
   */
  static async load(dir: string, settings: LoadSettings): Promise<ServedAction> {
    const action = new ServedAction(dir, settings);
    const version = await action.current();
    if (!version.ok) throw new CxdaError(version.error.code as CxdaErrorCode, version.error.message, { context: { dir } });
    const { definition, transform } = version.loaded;
    action.public.id = definition.id;
    action.public.name = definition.name;
    action.public.transform = transform === undefined ? "none" : transform.kind === "file" ? "file" : "definition";
    return action;
  }

  /** The action as its files hold it now. */
  current(): Promise<ActionVersion> {
    this.#checking ??= this.#check().finally(() => (this.#checking = undefined));
    return this.#checking;
  }

  async #check(): Promise<ActionVersion> {
    const latest = this.#latest;
    const now = await stampFiles(latest?.stamp.keys() ?? this.#alwaysRead());
    if (latest !== undefined && [...now].every(([path, facts]) => latest.stamp.get(path) === facts)) return latest.version;
    const read = new Set(this.#alwaysRead());
    const version = await this.#load(read);
    // Facts taken before the load: a file saved during it differs from them next time, and so loads again. A file
    // this load read for the first time gets its facts now.
    const added = await stampFiles([...read].filter((path) => !now.has(path)));
    const stamp = new Map([...[...now].filter(([path]) => read.has(path)), ...added]);
    this.#latest = { stamp, version };
    return version;
  }

  /** What every load reads or looks for, whatever it finds. */
  #alwaysRead(): string[] {
    return [
      join(this.dir, "definition.json"),
      // Where the definition comes from when the folder has none (the listener loads offline, from the default cache).
      resolve(DEFAULT_CACHE_DIR, `${this.folder}.json`),
      join(this.dir, "trigger.json"),
      ...TRANSFORM_FILES.map((name) => join(this.dir, name)),
    ];
  }

  async #load(read: Set<string>): Promise<ActionVersion> {
    try {
      const loaded = await loadAction(this.dir, { offline: true });
      const definition = loaded.definition;
      if (definition === undefined)
        return { ok: false, error: loaded.definitionError ?? { code: "E_DEFINITION", message: `${this.dir}: no definition` } };
      const input = createValidator(definition.inputSchema, { side: "input", draft: definition.meta.inputDraft });
      const worker: WorkerAction = {
        actionId: definition.id,
        env: this.#settings.env,
        bundle: await bundleOf(loaded, this.#settings, read),
        inputSchema: definition.inputSchema,
        outputSchema: definition.outputSchema,
        inputDraft: definition.meta.inputDraft,
        outputDraft: definition.meta.outputDraft,
        ...(loaded.defaultTrigger !== undefined ? { baseTrigger: JSON.stringify(loaded.defaultTrigger) } : {}),
      };
      return { ok: true, loaded: { ...loaded, definition }, worker, input };
    } catch (error) {
      return { ok: false, error: toProblem(error, "E_DEFINITION") };
    }
  }
}
