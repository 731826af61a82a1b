// Reads an action's id and case files synchronously: vitest collects tests synchronously, so describeAction cannot await.
import { readFileSync, statSync } from "node:fs";
import { basename, join } from "node:path";
import { CxdaError } from "../core/errors.js";
import { loadCasesSync, type LoadedCase } from "../cases/load-cases.js";

/** What collection needs to know about an action folder. */
export interface ActionOutline {
  /** The definition's `id`, else the folder name (also when the definition cannot be read: running its cases says why). */
  id: string;
  /** The cases of `cases/*.json`, in the same order and with the same checks as `loadCases`. */
  cases: LoadedCase[];
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
 * The action's id and its cases, read synchronously (`loadCasesSync`): the same file order, names, sources and per-case errors.
 * @example
 * readActionSync("actions/billing-callback").cases.length; // 13
 */
export function readActionSync(dir: string): ActionOutline {
  const info = statSync(dir, { throwIfNoEntry: false });
  if (info === undefined)
    throw new CxdaError("E_USAGE", `${dir}: no such folder; pass an action folder (with definition.json, transform.ts and cases/)`);
  if (!info.isDirectory()) throw new CxdaError("E_USAGE", `${dir}: not a folder; pass an action folder`);
  const cases = loadCasesSync(dir);
  return { id: definitionId(dir), cases };
}
