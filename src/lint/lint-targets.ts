// What `cxda lint` is given, as actions: action folders (found as `cxda check` finds them) and Genesys export files,
// alone or in a folder of them, each read leniently into a LintTarget, or into the finding that says why it could not be.
import { readdir, readFile, stat } from "node:fs/promises";
import { basename, join, resolve } from "node:path";
import { CxdaError, hasErrorCode, isCxdaError, toProblem } from "../core/errors.js";
import type { ActionDefinition } from "../core/types.js";
import { loadDefinition } from "../definitions/load-definition.js";
import { resolveDefinition } from "../definitions/resolve-definition.js";
import { isRecord } from "../internal/json-data.js";
import { shownPath } from "../report/shown-path.js";
import { findActionDirs } from "../runner/find-action-dirs.js";
import type { LintFinding, LintTarget } from "./lint-types.js";

/** A place lint was given: an action folder, or one definition file. */
export type LintSource = { kind: "folder"; dir: string } | { kind: "file"; file: string };

/** One source read: its target (when it has templates), the file's text (for positions), or why there is nothing to lint. */
export interface LoadedSource {
  label: string;
  file?: string;
  name?: string;
  target?: LintTarget;
  /** The definition file's text, to place findings at their line:column. */
  text?: string;
  /** A definition that did not load. */
  failure?: LintFinding;
  /** Why there is nothing to lint (no declarative config). */
  skipped?: string;
}

async function jsonFiles(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { withFileTypes: true });
  return entries
    .filter((entry) => entry.isFile() && entry.name.toLowerCase().endsWith(".json"))
    .map((entry) => resolve(dir, entry.name))
    .sort();
}

/**
 * Expands paths into what to lint: a file is a definition (a Genesys export); a folder is an action folder, a folder
 * of them, or, when it holds none, a folder of export files (`*.json`).
 * @throws CxdaError `E_USAGE` for a path that does not exist, a file that is not `.json`, or a folder with neither.
 */
export async function findLintSources(paths: readonly string[]): Promise<LintSource[]> {
  const sources: LintSource[] = [];
  for (const path of paths) {
    const info = await stat(path).catch(() => undefined);
    if (info === undefined)
      throw new CxdaError("E_USAGE", `${path}: no such file or folder; pass an action folder, a folder of them, or a definition (.json export)`);
    if (info.isFile()) {
      if (!path.toLowerCase().endsWith(".json")) throw new CxdaError("E_USAGE", `${path}: not a definition; pass a .json export or an action folder`);
      sources.push({ kind: "file", file: resolve(path) });
      continue;
    }
    try {
      for (const dir of await findActionDirs([path])) sources.push({ kind: "folder", dir });
    } catch (error) {
      if (!hasErrorCode(error, "E_USAGE")) throw error;
      const files = await jsonFiles(path);
      if (files.length === 0) {
        throw new CxdaError(
          "E_USAGE",
          `${path}: no action folders and no definition files (.json exports) found; pass an action folder, a folder of them, or exports`,
        );
      }
      for (const file of files) sources.push({ kind: "file", file });
    }
  }
  const seen = new Set<string>();
  return sources.filter((source) => {
    const key = source.kind === "file" ? source.file : source.dir;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}

/** A definition that did not load, as a finding on its file (the message without the file it starts with). */
function failureOf(error: unknown, file: string): LintFinding {
  const problem = toProblem(error, "E_DEFINITION");
  const context = isCxdaError(error) ? (error.context ?? {}) : {};
  let message = problem.message;
  const prefix = [file, resolve(file)].find((name) => message.startsWith(`${name}:`) || message.startsWith(`${name} `));
  if (prefix !== undefined) message = message.slice(prefix.length).replace(/^:(\d+:\d+:)?\s*/, "");
  const line = typeof context["line"] === "number" ? { line: context["line"], column: Number(context["column"] ?? 1) } : {};
  return { severity: "error", code: problem.code, file, ...line, message, count: 1 };
}

function integrationTypeOf(text: string): string | undefined {
  try {
    const raw: unknown = JSON.parse(text);
    return isRecord(raw) && typeof raw["integrationType"] === "string" ? raw["integrationType"] : undefined;
  } catch {
    return undefined;
  }
}

function loaded(label: string, file: string, definition: ActionDefinition, text: string | undefined): LoadedSource {
  const base = { label, file, name: definition.name, ...(text === undefined ? {} : { text }) };
  if (definition.config === undefined) return { ...base, skipped: "no declarative config (config.request, config.response): no templates to lint" };
  const integrationType = text === undefined ? undefined : integrationTypeOf(text);
  return {
    ...base,
    target: {
      label,
      file,
      name: definition.name,
      ...(integrationType === undefined ? {} : { integrationType }),
      inputSchema: definition.inputSchema,
      outputSchema: definition.outputSchema,
      config: definition.config,
    },
  };
}

/**
 * Reads one source leniently (unknown keys are `cxda check`'s business, not lint's): an action folder as `cxda check`
 * reads it (its definition.json, else the definitions cache, never a pull), a file as a definition of its own.
 */
export async function loadLintSource(source: LintSource, cacheDir: string): Promise<LoadedSource> {
  if (source.kind === "file") {
    const label = shownPath(source.file);
    try {
      const definition = await loadDefinition(source.file, { strict: "warn", fallbackId: basename(source.file, ".json") });
      return loaded(label, label, definition, await readFile(source.file, "utf8"));
    } catch (error) {
      return { label, file: label, failure: failureOf(error, label) };
    }
  }
  const label = shownPath(source.dir);
  const own = shownPath(join(source.dir, "definition.json"));
  try {
    const resolved = await resolveDefinition({
      actionDir: source.dir,
      id: basename(source.dir),
      cache: { dir: cacheDir },
      offline: true,
      strict: "warn",
    });
    // Positions only in the action's own file: a cache file wraps the definition in an entry of its own.
    const text = resolved.source === "file" ? await readFile(resolved.file, "utf8") : undefined;
    return loaded(label, shownPath(resolved.file), resolved.definition, text);
  } catch (error) {
    return { label, file: own, failure: failureOf(error, own) };
  }
}
