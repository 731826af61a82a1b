// Where an action's definition comes from: its folder's definition.json, else the cache, else a pull from the platform.
import { readFile } from "node:fs/promises";
import { basename, join } from "node:path";
import type { ApiClient } from "../client/api-client.js";
import { hasPlatformCredentials, platformNamed, type PlatformOptions } from "../config/platform-options.js";
import type { RetryOptions } from "../http/retry-policy.js";
import { duplicateKeys } from "../internal/duplicate-keys.js";
import { CxdaError, isCxdaError } from "../core/errors.js";
import type { ActionDefinition, StrictMode } from "../core/types.js";
import { decodeUtf8, parseJsonText } from "../internal/json-file.js";
import {
  assertSafeActionId,
  createDefinitionsCache,
  type CachedDefinition,
  type CacheWarning,
  type DefinitionsCache,
  type DefinitionsCacheOptions,
} from "./definitions-cache.js";
import { normaliseDefinition } from "./load-definition.js";

/** Where a resolved definition was found. */
export type DefinitionSource = "file" | "cache" | "pull";

/**
 * Options of {@link pullDefinition}.
 * @example
 * { client: createApiClient(), cache: createDefinitionsCache() }
 */
export interface PullDefinitionOptions {
  client: ApiClient;
  cache: DefinitionsCache;
  /** Ignore the cached copy and its ETag: always fetch the full definition. @default false */
  force?: boolean;
  /** Pull the action's unpublished draft (Genesys Cloud keeps drafts); it is cached under the action's id. @default false */
  draft?: boolean;
}

/** What a pull did. */
export interface PullResult {
  id: string;
  /** `fetched`: new to the cache; `updated`: replaced a stale copy; `not-modified`: the cached copy is current (304); `refetched`: replaced a corrupt copy. */
  status: "fetched" | "updated" | "not-modified" | "refetched";
  entry: CachedDefinition;
  definition: ActionDefinition;
  file: string;
  warnings: CacheWarning[];
}

/**
 * The platform answered a request for `id` with another action (a wrong `paths.getDataAction` template, a proxy or
 * an emulator serving the wrong file): using it would test, and cache under `id`, a definition that is not `id`'s.
 */
function checkPulledId(id: string, definition: ActionDefinition, where: { url: string; correlationId?: string | undefined }, cached: boolean): void {
  if (definition.id === id) return;
  const source = cached ? `the cached copy of ${JSON.stringify(id)} (${where.url}, revalidated as current)` : `GET ${where.url}`;
  throw new CxdaError(
    "E_HTTP",
    `${source}: the platform answered with data action ${JSON.stringify(definition.id)}, not the ${JSON.stringify(id)} requested; nothing was written to the cache. ` +
      `Check the id, and the API base URL and paths.getDataAction setting that built this URL${cached ? "; pull with --force to replace the cached copy" : ""}`,
    { context: { method: "GET", url: where.url, requestedId: id, returnedId: definition.id, correlationId: where.correlationId } },
  );
}

/**
 * Pulls one definition into the cache, revalidating a cached copy with `If-None-Match`. The
 * definition is normalised before it is written, so a malformed answer never lands in the cache; nor does one whose
 * id is not the id requested (`E_HTTP`).
 * @example
 * const result = await pullDefinition("da-test-12345", { client, cache });
 * result.status; // "fetched" | "updated" | "not-modified" | "refetched"
 */
export async function pullDefinition(id: string, options: PullDefinitionOptions): Promise<PullResult> {
  assertSafeActionId(id);
  const { client, cache } = options;
  const draft = options.draft === true ? { draft: true } : {};
  const cached = await cache.read(id);
  const warnings = cached.status === "corrupt" ? [cached.warning] : [];
  const current = cached.status === "hit" && options.force !== true ? cached.entry : undefined;

  let response = await client.getDataAction(id, current?.etag == null ? draft : { ...draft, etag: current.etag });
  if (response.notModified) {
    if (current !== undefined) {
      const definition = normaliseDefinition(current.definition, { file: cached.file, fallbackId: id });
      checkPulledId(id, definition, { url: current.url ?? response.url, correlationId: response.correlationId }, true);
      const entry = await cache.touch(current);
      return { id, status: "not-modified", entry, definition, file: cached.file, warnings };
    }
    // A 304 to a request we did not make conditional: ask again for the body.
    response = await client.getDataAction(id, draft);
    if (response.notModified) {
      throw new CxdaError("E_HTTP", `GET ${response.url}: 304 Not Modified without a cached copy to reuse`, {
        context: { method: "GET", url: response.url, status: 304, correlationId: response.correlationId },
      });
    }
  }
  const definition = normaliseDefinition(response.definition, { fallbackId: id });
  checkPulledId(id, definition, response, false);
  const entry = await cache.write(id, {
    definition: response.definition,
    version: response.version ?? null,
    etag: response.etag ?? null,
    url: response.url,
  });
  const status = cached.status === "corrupt" ? "refetched" : cached.status === "hit" ? "updated" : "fetched";
  return { id, status, entry, definition, file: cached.file, warnings };
}

/** "set X and Y" for the platform the options name (the CXone-style default when none). */
function credentialsAdvice(platform: PlatformOptions | undefined): string {
  const { env, name } = platformNamed(platform?.platform);
  return `set ${env.clientId ?? "the client id"} and ${env.clientSecret ?? "the client secret"}${name === "cxone" ? "" : `, with --platform ${name}`}`;
}

/**
 * Options of {@link resolveDefinition}. Give `actionDir`, `id`, or both.
 * @example
 * { actionDir: "actions/da-test-12345", platform: {} }
 */
export interface ResolveDefinitionOptions {
  /** Action id. @default the action folder's name */
  id?: string;
  /** The action's folder; its `definition.json` wins over everything else. */
  actionDir?: string;
  /** The cache, or options to create it. @default createDefinitionsCache() */
  cache?: DefinitionsCache | DefinitionsCacheOptions;
  /** A client to pull with when neither the folder nor the cache has the definition. */
  client?: ApiClient;
  /** Platform options to build a client from, used only when credentials are configured. */
  platform?: PlatformOptions;
  /** How a pull is retried. @default the client's defaults */
  retry?: RetryOptions;
  /** Never pull, even with credentials. @default false */
  offline?: boolean;
  /** Unknown keys, schema keywords and formats: errors, or warnings kept in `meta.warnings` (see `normaliseDefinition`). @default true */
  strict?: StrictMode;
}

/** A definition and where it came from. */
export interface ResolvedDefinition {
  id: string;
  definition: ActionDefinition;
  source: DefinitionSource;
  /** The file it was read from: definition.json or the cache file. */
  file: string;
  /** The cache entry (version, ETag, fetchedAt) when it came from the cache or a pull. */
  cacheEntry?: CachedDefinition;
  /** Pull status when `source` is `pull`. */
  pullStatus?: PullResult["status"];
  warnings: CacheWarning[];
}

function strictOf(options: ResolveDefinitionOptions): { strict?: StrictMode } {
  return options.strict === undefined ? {} : { strict: options.strict };
}

function isCache(value: ResolveDefinitionOptions["cache"]): value is DefinitionsCache {
  return typeof value === "object" && typeof (value as Partial<DefinitionsCache>).read === "function";
}

/**
 * Finds an action's definition: `<actionDir>/definition.json`, else `.cxda/cache/<id>.json`,
 * else a pull (when a client or configured credentials are available), and says which it used.
 * A corrupt cache file is reported in `warnings` and replaced by a pull, never half-read.
 * @example
 * const { definition, source } = await resolveDefinition({ actionDir: "actions/da-test-12345", platform: {} });
 */
export async function resolveDefinition(options: ResolveDefinitionOptions): Promise<ResolvedDefinition> {
  const id = options.id ?? (options.actionDir === undefined ? undefined : basename(options.actionDir));
  if (id === undefined) throw new CxdaError("E_USAGE", "resolveDefinition needs an action id or an action folder");

  if (options.actionDir !== undefined) {
    const file = join(options.actionDir, "definition.json");
    let text: string | undefined;
    try {
      text = decodeUtf8(await readFile(file), file, "E_DEFINITION");
    } catch (error) {
      if (isCxdaError(error)) throw error;
      if ((error as NodeJS.ErrnoException).code !== "ENOENT") {
        throw new CxdaError("E_DEFINITION", `${file}: cannot read (${(error as NodeJS.ErrnoException).code ?? String(error)})`, {
          cause: error,
          context: { file },
        });
      }
    }
    if (text !== undefined) {
      const definition = normaliseDefinition(parseJsonText(text, file, "E_DEFINITION"), {
        file,
        fallbackId: id,
        ...strictOf(options),
        duplicateKeys: duplicateKeys(text),
      });
      return { id, definition, source: "file", file, warnings: [] };
    }
  }

  assertSafeActionId(id);
  const cache = isCache(options.cache) ? options.cache : createDefinitionsCache(options.cache);
  const cached = await cache.read(id);
  if (cached.status === "hit") {
    const definition = normaliseDefinition(cached.entry.definition, { file: cached.file, fallbackId: id, ...strictOf(options) });
    return { id, definition, source: "cache", file: cached.file, cacheEntry: cached.entry, warnings: [] };
  }
  const warnings = cached.status === "corrupt" ? [cached.warning] : [];

  let client = options.client;
  if (client === undefined && options.offline !== true && options.platform !== undefined && hasPlatformCredentials(options.platform)) {
    // The client (and auth behind it) loads only when a definition has to be pulled.
    client = (await import("../client/api-client.js")).createApiClient({
      ...options.platform,
      ...(options.retry === undefined ? {} : { retry: options.retry }),
    });
  }
  if (client === undefined || options.offline === true) {
    const where = options.actionDir === undefined ? "" : `no ${join(options.actionDir, "definition.json")}, `;
    throw new CxdaError(
      "E_DEFINITION",
      `no definition for "${id}": ${where}no usable cache file ${cached.file}, and ${options.offline === true ? "offline mode forbids a pull" : `no platform credentials to pull it (${credentialsAdvice(options.platform)})`}; run \`cxda pull ${id}\` or add definition.json`,
      { context: { id, file: cached.file } },
    );
  }
  const pulled = await pullDefinition(id, { client, cache, force: cached.status === "corrupt" });
  return {
    id,
    definition: pulled.definition,
    source: "pull",
    file: pulled.file,
    cacheEntry: pulled.entry,
    pullStatus: pulled.status,
    // The pull read the same cache file, so its warnings already include a corrupt copy.
    warnings: pulled.warnings.length > 0 ? pulled.warnings : warnings,
  };
}
