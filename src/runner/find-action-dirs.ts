// Which folders are actions: what a run is given, expanded before anything heavier (definitions, schemas) loads.
import { readdir, stat } from "node:fs/promises";
import { join, resolve } from "node:path";
import { CxdaError } from "../core/errors.js";

/** The names a transform file may have in an action folder, in the order one is looked for. */
export const TRANSFORM_FILES = ["transform.ts", "transform.mts", "transform.js", "transform.mjs"];

const MARKERS = ["definition.json", ...TRANSFORM_FILES, "cases"];

/** Whether anything is at `path`. */
export async function exists(path: string): Promise<boolean> {
  return (await stat(path).catch(() => undefined)) !== undefined;
}

async function isActionDir(dir: string): Promise<boolean> {
  for (const marker of MARKERS) if (await exists(join(dir, marker))) return true;
  return false;
}

/**
 * Expands the given paths into action folders: a path that is an action folder (it holds `definition.json`,
 * a transform or `cases/`) counts as itself, any other folder contributes its action subfolders.
 * A path that does not exist, or holds no action, is an `E_USAGE` error.
 */
export async function findActionDirs(paths: string[]): Promise<string[]> {
  const found: string[] = [];
  for (const path of paths) {
    const info = await stat(path).catch(() => undefined);
    if (info === undefined)
      throw new CxdaError(
        "E_USAGE",
        `${path}: no such folder; pass an action folder (with definition.json, transform.ts and cases/) or a folder of them`,
      );
    if (!info.isDirectory()) throw new CxdaError("E_USAGE", `${path}: not a folder; pass an action folder or a folder of them`);
    if (await isActionDir(path)) {
      found.push(resolve(path));
      continue;
    }
    const children = (await readdir(path, { withFileTypes: true }))
      .filter((entry) => entry.isDirectory())
      .map((entry) => join(path, entry.name))
      .sort();
    const actions: string[] = [];
    for (const child of children) if (await isActionDir(child)) actions.push(resolve(child));
    if (actions.length === 0)
      throw new CxdaError("E_USAGE", `${path}: no action folders found (an action folder holds definition.json, a transform and cases/)`);
    found.push(...actions);
  }
  return [...new Set(found)];
}
