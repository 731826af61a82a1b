// Reads an action's id and case files synchronously: vitest collects tests synchronously, so describeAction cannot await.
import { readdirSync, readFileSync, statSync } from "node:fs";
import { basename, join, relative } from "node:path";
import { CxdaError } from "../core/errors.js";
import { parseCase, type LoadedCase } from "../cases/load-cases.js";
import { parseJsonText } from "../internal/json-file.js";

/** What collection needs to know about an action folder. */
export interface ActionOutline {
  /** The definition's `id`, else the folder name (also when the definition cannot be read: running its cases says why). */
  id: string;
  /** The cases of `cases/*.json`, in the same order and with the same checks as `loadCases`. */
  cases: LoadedCase[];
}

function errorOf(error: unknown): { code: string; message: string } {
  if (error instanceof CxdaError) return { code: error.code, message: error.message };
  return { code: "E_CASE", message: error instanceof Error ? error.message : String(error) };
}

function definitionId(dir: string): string {
  try {
    const raw = JSON.parse(readFileSync(join(dir, "definition.json"), "utf8")) as { id?: unknown };
    if (typeof raw.id === "string" && raw.id.trim() !== "") return raw.id;
  } catch {
    // The runner reports a missing or broken definition on every case; the title falls back to the folder name.
  }
  return basename(dir);
}

/**
 * The synchronous twin of `loadCases`: the same file order, names, sources and per-case errors.
 * @example
 * readActionSync("actions/billing-callback").cases.length; // 13
 */
export function readActionSync(dir: string): ActionOutline {
  const info = statSync(dir, { throwIfNoEntry: false });
  if (info === undefined) throw new CxdaError("E_USAGE", `${dir}: no such folder; pass an action folder (with definition.json, transform.ts and cases/)`);
  if (!info.isDirectory()) throw new CxdaError("E_USAGE", `${dir}: not a folder; pass an action folder`);
  const folder = join(dir, "cases");
  let names: string[];
  try {
    names = readdirSync(folder).filter((name) => name.endsWith(".json")).sort();
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "ENOENT") names = [];
    else throw new CxdaError("E_CASE", `${folder}: cannot list case files (${(error as NodeJS.ErrnoException).code ?? String(error)})`);
  }
  const cases: LoadedCase[] = [];
  for (const name of names) {
    const file = join(folder, name);
    const shown = relative(process.cwd(), file) || file;
    let raw: unknown;
    try {
      raw = parseJsonText(readFileSync(file, "utf8"), file, "E_CASE");
    } catch (error) {
      cases.push({ ok: false, name: basename(name, ".json"), source: shown, error: errorOf(error) });
      continue;
    }
    const entries = Array.isArray(raw) ? raw : [raw];
    entries.forEach((entry: unknown, index) => {
      const source = Array.isArray(raw) ? `${shown}#${index}` : shown;
      const fallback = Array.isArray(raw) ? `${basename(name, ".json")} #${index}` : basename(name, ".json");
      try {
        cases.push({ ok: true, case: parseCase(entry, source, fallback) });
      } catch (error) {
        const named = typeof (entry as { name?: unknown } | null)?.name === "string" ? (entry as { name: string }).name : fallback;
        cases.push({ ok: false, name: named, source, error: errorOf(error) });
      }
    });
  }
  return { id: definitionId(dir), cases };
}
