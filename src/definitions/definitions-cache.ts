// The pulled-definitions cache: .cxda/cache/<id>.json, written atomically, checked whole before any use.
import { createHash, randomBytes } from "node:crypto";
import * as fs from "node:fs/promises";
import { join, resolve } from "node:path";
import { CxdaError } from "../core/errors.js";

/** Cache folder, relative to the project root, unless configured otherwise. */
export const DEFAULT_CACHE_DIR = ".cxda/cache";

/** One cached definition: the raw JSON as the platform sent it, and what is needed to revalidate it. */
export interface CachedDefinition {
  id: string;
  version: string | number | null;
  etag: string | null;
  /** ISO time of the last fetch or successful revalidation. */
  fetchedAt: string;
  /** The URL it was fetched from. */
  url: string | null;
  /** `sha256-<hex>` of `JSON.stringify(definition)`, checked on every read. */
  integrity: string;
  definition: Record<string, unknown>;
}

/** Something a user should hear about that did not stop the work (a corrupt file that was replaced, say). */
export interface CacheWarning {
  code: "cache-corrupt" | "cache-unreadable";
  id: string;
  file: string;
  message: string;
}

/** The outcome of reading one entry. */
export type CacheReadResult =
  | { status: "hit"; entry: CachedDefinition; file: string }
  | { status: "miss"; file: string }
  /** The file exists but cannot be trusted; nothing from it is returned. */
  | { status: "corrupt"; file: string; warning: CacheWarning };

/** File operations the cache uses; injectable so tests can simulate a crash between write and rename. */
export interface CacheFileSystem {
  readFile(file: string, encoding: "utf8"): Promise<string>;
  writeFile(file: string, data: string): Promise<void>;
  rename(from: string, to: string): Promise<void>;
  unlink(file: string): Promise<void>;
  mkdir(dir: string, options: { recursive: true }): Promise<unknown>;
}

/**
 * Options of {@link createDefinitionsCache}.
 * @example
 * createDefinitionsCache({ dir: ".cxda/cache", cwd: projectRoot });
 */
export interface DefinitionsCacheOptions {
  /** Cache folder, relative to `cwd`. @default ".cxda/cache" */
  dir?: string;
  /** Project root. @default process.cwd() */
  cwd?: string;
  /** Clock for `fetchedAt`. @default () => new Date() */
  now?: () => Date;
  /** File operations. @default node:fs/promises */
  fs?: Partial<CacheFileSystem>;
}

/** Definitions cache with every default applied. */
export interface ResolvedDefinitionsCacheOptions {
  dir: string;
  now: () => Date;
  fs: CacheFileSystem;
}

/** What a caller supplies to store a definition. */
export interface CacheEntryInput {
  definition: Record<string, unknown>;
  version?: string | number | null;
  etag?: string | null;
  url?: string | null;
  fetchedAt?: string;
}

/** Reads and writes cached definitions. */
export interface DefinitionsCache {
  readonly dir: string;
  /** Path of an id's cache file (the id is checked first). */
  fileFor(id: string): string;
  read(id: string): Promise<CacheReadResult>;
  /** Writes atomically: a temp file in the cache folder, then a rename over the old file. */
  write(id: string, input: CacheEntryInput): Promise<CachedDefinition>;
  /** Records a successful revalidation (304) by refreshing `fetchedAt`. */
  touch(entry: CachedDefinition): Promise<CachedDefinition>;
}

const nodeFs: CacheFileSystem = {
  readFile: (file, encoding) => fs.readFile(file, encoding),
  writeFile: (file, data) => fs.writeFile(file, data, { encoding: "utf8", flag: "wx" }),
  rename: (from, to) => fs.rename(from, to),
  unlink: (file) => fs.unlink(file),
  mkdir: (dir, options) => fs.mkdir(dir, options),
};

/**
 * Checks that a data action id is safe to use as a file name: no path separators, no `..`,
 * no control characters, not empty, at most 200 characters. Throws `E_USAGE` otherwise.
 * @example
 * assertSafeActionId("da-test-12345"); // ok
 * assertSafeActionId("../etc/passwd"); // throws
 */
export function assertSafeActionId(id: string): void {
  const problem =
    typeof id !== "string" || id === ""
      ? "it is empty"
      : id.length > 200
        ? "it is longer than 200 characters"
        : /[/\\]/.test(id)
          ? "it contains a path separator"
          : id === "." || id === ".." || id.startsWith(".")
            ? "it starts with a dot"
            : // eslint-disable-next-line no-control-regex
              /[\u0000-\u001f\u007f:*?"<>|]/.test(id)
              ? "it contains a character not allowed in file names"
              : undefined;
  if (problem !== undefined) {
    throw new CxdaError("E_USAGE", `invalid data action id ${JSON.stringify(id)}: ${problem}`, { context: { id: String(id) } });
  }
}

/** `sha256-<hex>` of the definition's JSON text. */
export function definitionIntegrity(definition: unknown): string {
  return `sha256-${createHash("sha256").update(JSON.stringify(definition)).digest("hex")}`;
}

/**
 * Applies the cache defaults.
 * @example
 * resolveDefinitionsCacheOptions({ dir: "tmp/cache" }).dir; // absolute path
 */
export function resolveDefinitionsCacheOptions(options: DefinitionsCacheOptions = {}): ResolvedDefinitionsCacheOptions {
  return {
    dir: resolve(options.cwd ?? process.cwd(), options.dir ?? DEFAULT_CACHE_DIR),
    now: options.now ?? (() => new Date()),
    fs: { ...nodeFs, ...options.fs },
  };
}

/** Why a parsed cache file cannot be used, or undefined when it is whole. */
function problemWith(value: unknown, id: string): string | undefined {
  if (typeof value !== "object" || value === null || Array.isArray(value)) return "not a JSON object";
  const entry = value as Partial<Record<keyof CachedDefinition, unknown>>;
  if (entry.id !== id) return `its id is ${JSON.stringify(entry.id)}, not ${JSON.stringify(id)}`;
  if (typeof entry.fetchedAt !== "string") return "fetchedAt is missing";
  if (typeof entry.integrity !== "string") return "integrity is missing";
  if (typeof entry.definition !== "object" || entry.definition === null || Array.isArray(entry.definition)) return "the definition is missing";
  if (definitionIntegrity(entry.definition) !== entry.integrity) return "the definition does not match its integrity hash";
  if (entry.etag !== null && typeof entry.etag !== "string") return "etag is malformed";
  return undefined;
}

/** What an errno means for a cache write, in words; undefined when there is nothing better than the error's message. */
function writeFailure(code: string | undefined, step: "mkdir" | "write" | "rename", dir: string, file: string): string | undefined {
  switch (code) {
    case "EACCES":
    case "EPERM":
      return "permission denied";
    case "EROFS":
      return "the file system is read-only";
    case "ENOSPC":
      return "no space left on the device";
    case "EDQUOT":
      return "the disk quota is exhausted";
    case "ENOTDIR":
      return `a file is in the way: ${dir} or a folder above it is a file, not a folder`;
    case "EEXIST":
      // mkdir -p reports a file where the folder should be as EEXIST.
      return step === "mkdir" ? `a file is in the way: ${dir} is a file, not a folder` : undefined;
    case "EISDIR":
      return `${file} is a folder, not a file`;
    default:
      return code;
  }
}

/**
 * Creates the cache over a folder (created on first write).
 * @example
 * const cache = createDefinitionsCache();
 * const found = await cache.read("da-test-12345");
 * if (found.status === "hit") console.log(found.entry.version);
 */
export function createDefinitionsCache(options: DefinitionsCacheOptions = {}): DefinitionsCache {
  const { dir, now, fs: files } = resolveDefinitionsCacheOptions(options);
  const fileFor = (id: string): string => {
    assertSafeActionId(id);
    return join(dir, `${id}.json`);
  };

  const store = async (entry: CachedDefinition): Promise<CachedDefinition> => {
    const file = fileFor(entry.id);
    const temp = join(dir, `.${entry.id}.${process.pid}.${randomBytes(6).toString("hex")}.tmp`);
    let step: "mkdir" | "write" | "rename" = "mkdir";
    try {
      await files.mkdir(dir, { recursive: true });
      step = "write";
      await files.writeFile(temp, `${JSON.stringify(entry, null, 2)}\n`);
      step = "rename";
      // rename() replaces the target in one step on the same file system: readers see the old file or the new one.
      await files.rename(temp, file);
    } catch (error) {
      await files.unlink(temp).catch(() => undefined);
      const code = (error as NodeJS.ErrnoException).code;
      const reason = writeFailure(code, step, dir, file) ?? (error instanceof Error ? error.message : String(error));
      throw new CxdaError(
        "E_CACHE",
        `${file}: cannot write the cache file: ${reason}${code === undefined ? "" : ` (${code})`}; the previous copy, if any, is unchanged; make ${dir} a writable folder or use another cache folder`,
        { cause: error, context: { file, id: entry.id, dir, ...(code === undefined ? {} : { errno: code }) } },
      );
    }
    return entry;
  };

  return {
    dir,
    fileFor,

    async read(id) {
      const file = fileFor(id);
      let text: string;
      try {
        text = await files.readFile(file, "utf8");
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code === "ENOENT") return { status: "miss", file };
        const reason = (error as NodeJS.ErrnoException).code ?? String(error);
        return {
          status: "corrupt",
          file,
          warning: { code: "cache-unreadable", id, file, message: `${file}: cannot read the cache file (${reason}); it will be fetched again` },
        };
      }
      let parsed: unknown;
      let problem: string | undefined;
      try {
        parsed = JSON.parse(text);
        problem = problemWith(parsed, id);
      } catch {
        problem = text.trim() === "" ? "the file is empty" : "the JSON is truncated or malformed";
      }
      if (problem !== undefined) {
        return {
          status: "corrupt",
          file,
          warning: { code: "cache-corrupt", id, file, message: `${file}: corrupt cache file (${problem}); ignored, and fetched again when possible` },
        };
      }
      return { status: "hit", entry: parsed as CachedDefinition, file };
    },

    write(id, input) {
      assertSafeActionId(id);
      return store({
        id,
        version: input.version ?? null,
        etag: input.etag ?? null,
        fetchedAt: input.fetchedAt ?? now().toISOString(),
        url: input.url ?? null,
        integrity: definitionIntegrity(input.definition),
        definition: input.definition,
      });
    },

    touch(entry) {
      return store({ ...entry, fetchedAt: now().toISOString() });
    },
  };
}
