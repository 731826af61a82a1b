// Builds throwaway action folders in a temp dir for tests, and removes them afterwards.
import { mkdir, mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";

/** The repository root. */
export const REPO_ROOT = resolve(import.meta.dirname, "..", "..");
/** The bundled example action. */
export const EXAMPLE_DIR = join(REPO_ROOT, "examples", "billing-callback");

/** The example's definition, as a plain object to build variants from. */
export async function exampleDefinition(): Promise<Record<string, unknown>> {
  return JSON.parse(await readFile(join(EXAMPLE_DIR, "definition.json"), "utf8")) as Record<string, unknown>;
}

/** What an action folder holds; strings are written as they are, objects as JSON. */
export interface ActionFiles {
  definition?: Record<string, unknown> | string;
  transform?: string;
  transformName?: string;
  cases?: Record<string, unknown[] | Record<string, unknown> | string>;
  trigger?: Record<string, unknown>;
}

/** A temp folder that tests put actions in. */
export interface TempProject {
  root: string;
  addAction(name: string, files: ActionFiles): Promise<string>;
  remove(): Promise<void>;
}

/** Creates a temp folder for action folders. */
export async function createTempProject(): Promise<TempProject> {
  const root = await mkdtemp(join(tmpdir(), "cxda-test-"));
  return {
    root,
    async addAction(name, files) {
      const dir = join(root, name);
      await mkdir(join(dir, "cases"), { recursive: true });
      const text = (value: unknown): string => (typeof value === "string" ? value : JSON.stringify(value, null, 2));
      if (files.definition !== undefined) await writeFile(join(dir, "definition.json"), text(files.definition));
      if (files.transform !== undefined) await writeFile(join(dir, files.transformName ?? "transform.ts"), files.transform);
      if (files.trigger !== undefined) await writeFile(join(dir, "trigger.json"), text(files.trigger));
      for (const [file, content] of Object.entries(files.cases ?? {})) await writeFile(join(dir, "cases", file), text(content));
      return dir;
    },
    remove: () => rm(root, { recursive: true, force: true }),
  };
}
