// The definitions the emulator serves: <id>.json files or action folders (with their transform bundled), plus ones set in memory.
import { createHash } from "node:crypto";
import { readdir, readFile, stat } from "node:fs/promises";
import { join } from "node:path";
import { build } from "esbuild";
import { TRANSFORM_FILES } from "../runner/find-action-dirs.js";

/** One definition as the emulator serves it. */
export interface ServedDefinition {
  id: string;
  /** The JSON body of `GET /data-actions/{id}`, with `transform` attached when built from a folder. */
  body: Record<string, unknown>;
  text: string;
  etag: string;
  /** Why the folder's transform could not be bundled, when it could not. */
  transformError?: string;
}

/** The suffix of a draft's id in the store: Genesys' `GET …/actions/{id}/draft` serves `<id>.draft`. */
const DRAFT_SUFFIX = ".draft";

/** Finds definitions by id. */
export interface DefinitionsStore {
  get(id: string): Promise<ServedDefinition | undefined>;
  /** Serves `raw` for `id` (over any file), or stops serving it with `undefined`. */
  set(id: string, raw: Record<string, unknown> | undefined): void;
  /** Ids currently known. */
  list(): Promise<string[]>;
}

interface Location {
  /** The definition file. */
  file: string;
  /** The action folder, when the definition is `<folder>/definition.json`. */
  folder?: string;
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

function serve(id: string, body: Record<string, unknown>, transformError?: string): ServedDefinition {
  const text = JSON.stringify(body, null, 2);
  const etag = `"${createHash("sha256").update(text).digest("hex").slice(0, 32)}"`;
  return { id, body, text, etag, ...(transformError === undefined ? {} : { transformError }) };
}

async function readObject(file: string): Promise<Record<string, unknown> | undefined> {
  try {
    const value: unknown = JSON.parse(await readFile(file, "utf8"));
    return isObject(value) ? value : undefined;
  } catch {
    return undefined;
  }
}

async function isFile(file: string): Promise<boolean> {
  return (await stat(file).catch(() => undefined))?.isFile() === true;
}

/** Bundles a folder's transform to one ES module (the same way cxda runs it locally), cached by mtime and size. */
const bundles = new Map<string, { stamp: string; result: Promise<{ source?: string; error?: string }> }>();
async function bundleTransform(file: string): Promise<{ source?: string; error?: string }> {
  const info = await stat(file);
  const stamp = `${info.mtimeMs}:${info.size}`;
  const known = bundles.get(file);
  if (known?.stamp === stamp) return known.result;
  const result = build({
    entryPoints: [file],
    bundle: true,
    format: "esm",
    platform: "node",
    target: "node20",
    write: false,
    logLevel: "silent",
  }).then(
    (out) => ({ source: out.outputFiles[0]?.text ?? "" }),
    (error: unknown) => ({ error: `cannot bundle ${file}: ${error instanceof Error ? (error.message.split("\n")[0] ?? "") : String(error)}` }),
  );
  bundles.set(file, { stamp, result });
  return result;
}

/**
 * A store over a folder (or none) plus in-memory definitions. In the folder, `<id>.json` files
 * and `<name>/definition.json` folders are found (also under an `actions/` subfolder), matched by
 * file or folder name or by the definition's own `id`; `<id>.draft.json` is the Genesys draft of `<id>`, found as
 * `<id>.draft`. Files are read on each request, so edits show up.
 * @example
 * const store = createDefinitionsStore("examples/billing-callback/actions", {});
 */
export function createDefinitionsStore(dir: string | undefined, initial: Record<string, Record<string, unknown>>): DefinitionsStore {
  const memory = new Map<string, Record<string, unknown>>(Object.entries(initial));
  const removed = new Set<string>();

  const scan = async (): Promise<Map<string, Location>> => {
    const found = new Map<string, Location>();
    if (dir === undefined) return found;
    for (const root of [dir, join(dir, "actions")]) {
      const entries = await readdir(root, { withFileTypes: true }).catch(() => []);
      for (const entry of entries) {
        if (entry.isFile() && entry.name.endsWith(".json")) {
          const file = join(root, entry.name);
          const raw = await readObject(file);
          if (raw === undefined) continue;
          const location = { file };
          const name = entry.name.slice(0, -".json".length);
          if (!found.has(name)) found.set(name, location);
          // A Genesys draft (`<id>.draft.json`) is served as `<id>.draft`, never as the published action its id names.
          const id = typeof raw.id === "string" ? (name.endsWith(DRAFT_SUFFIX) ? `${raw.id}${DRAFT_SUFFIX}` : raw.id) : undefined;
          if (id !== undefined && !found.has(id)) found.set(id, location);
        } else if (entry.isDirectory()) {
          const folder = join(root, entry.name);
          const file = join(folder, "definition.json");
          const raw = await readObject(file);
          if (raw === undefined) continue;
          const location = { file, folder };
          if (!found.has(entry.name)) found.set(entry.name, location);
          if (typeof raw.id === "string" && !found.has(raw.id)) found.set(raw.id, location);
        }
      }
    }
    return found;
  };

  return {
    async get(id) {
      if (removed.has(id)) return undefined;
      const inMemory = memory.get(id);
      if (inMemory !== undefined) return serve(id, inMemory);
      const location = (await scan()).get(id);
      if (location === undefined) return undefined;
      const raw = await readObject(location.file);
      if (raw === undefined) return undefined;
      if (location.folder === undefined) return serve(id, raw);
      for (const name of TRANSFORM_FILES) {
        const file = join(location.folder, name);
        if (!(await isFile(file))) continue;
        const bundled = await bundleTransform(file);
        // The folder's transform file wins over a script in definition.json: it is the logic under test.
        if (bundled.source !== undefined) return serve(id, { ...raw, transform: { language: "javascript", source: bundled.source } });
        return serve(id, raw, bundled.error);
      }
      return serve(id, raw);
    },

    set(id, raw) {
      if (raw === undefined) {
        memory.delete(id);
        removed.add(id);
      } else {
        memory.set(id, raw);
        removed.delete(id);
      }
    },

    async list() {
      const ids = new Set([...(await scan()).keys(), ...memory.keys()]);
      for (const id of removed) ids.delete(id);
      return [...ids].sort();
    },
  };
}
