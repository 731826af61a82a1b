// One action the listener serves, loaded once (definition, input validator, bundled transform) and loaded again only when a file of its folder changes.
import { basename, relative, resolve } from "node:path";
import { CxdaError, toProblem, type CxdaErrorCode, type Problem } from "../core/errors.js";
import type { ActionDefinition } from "../core/types.js";
import { bundleTransform } from "../executor/bundle-transform.js";
import type { WorkerAction } from "../executor/protocol.js";
import { loadAction, type LoadedAction } from "../runner/load-action.js";
import { createValidator, type Validator } from "../validation/create-validator.js";
import { folderStamp } from "../internal/folder-stamp.js";
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
export type LoadSettings = Pick<ResolvedListenerOptions, "env" | "allowNetwork" | "buildDir" | "recordDir">;

/** Bundles the action's transform; a transform that is missing or does not compile is kept as the bundle's error. */
async function bundleOf(loaded: LoadedAction, settings: LoadSettings, buildDir: string): Promise<WorkerAction["bundle"]> {
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
    return { file: (await bundleTransform(loaded.transform, { buildDir, allow: { network: settings.allowNetwork, fsWrite: false } })).file };
  } catch (error) {
    return { error: toProblem(error, "E_TRANSFORM") };
  }
}

/**
 * An action folder the listener serves. `current()` gives the loaded action, reading the folder again only when its
 * fingerprint ({@link folderStamp}: every file's times, size and inode, `cases/` left out) has changed since the last
 * load. Concurrent requests share one load. A change outside the folder (a module it imports from elsewhere, a
 * package under `node_modules`) is seen on the next change inside it, or after a restart.
 */
export class ServedAction {
  readonly dir: string;
  /** The folder name, accepted in the URL beside the id. */
  readonly folder: string;
  readonly public: ListenerAction;
  readonly #settings: LoadSettings;
  readonly #buildDir: string;
  readonly #skip: ReadonlySet<string>;
  #latest: { stamp: string; version: Promise<ActionVersion> } | undefined;

  private constructor(dir: string, settings: LoadSettings) {
    this.dir = dir;
    this.folder = basename(dir);
    this.#settings = settings;
    this.#buildDir = resolve(settings.buildDir ?? ".cxda/build");
    this.#skip = new Set([this.#buildDir, ...(settings.recordDir === undefined ? [] : [resolve(settings.recordDir)])]);
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

  /** The action as its folder holds it now. */
  async current(): Promise<ActionVersion> {
    const stamp = await folderStamp(this.dir, this.#skip);
    // The stamp is taken before the load: a file changed during it changes the next stamp, and so loads again.
    if (this.#latest?.stamp !== stamp) this.#latest = { stamp, version: this.#load() };
    return this.#latest.version;
  }

  async #load(): Promise<ActionVersion> {
    try {
      const loaded = await loadAction(this.dir, { offline: true });
      const definition = loaded.definition;
      if (definition === undefined)
        return { ok: false, error: loaded.definitionError ?? { code: "E_DEFINITION", message: `${this.dir}: no definition` } };
      const input = createValidator(definition.inputSchema, { side: "input", draft: definition.meta.inputDraft });
      const worker: WorkerAction = {
        actionId: definition.id,
        env: this.#settings.env,
        bundle: await bundleOf(loaded, this.#settings, this.#buildDir),
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
