// `cxda pull <id...>`: fetches data action definitions into the cache, revalidating cached copies by ETag, from the
// CXone-style platform or (`--platform genesys`) Genesys Cloud.
import { relative } from "node:path";
import type { Command } from "commander";
import { createApiClient, type ApiClientOptions } from "../../client/api-client.js";
import { GENESYS_ENV, PLATFORM_ENV, resolvePlatformOptions, type PlatformName, type PlatformOptions } from "../../config/platform-options.js";
import { CxdaError, isCxdaError, describeThrown } from "../../core/errors.js";
import { createDefinitionsCache } from "../../definitions/definitions-cache.js";
import { pullDefinition, type PullResult } from "../../definitions/resolve-definition.js";
import { EXIT, exitCodeFor } from "../exit-codes.js";
import { addConfigOption, loadCommandOptions, type CommandOptions } from "../config-options.js";
import { addPlatformOption, addRetryOptions } from "../shared-options.js";
import type { RetryConfig } from "../../config/cxda-config.js";
import { paint, processTerminal, type Terminal } from "../terminal.js";

/** Flags of `cxda pull`. */
export interface PullFlags {
  /** `--platform <name>`: over the config's `platform`. */
  platform?: PlatformName;
  /** `--draft`: the action's unpublished draft (Genesys Cloud). */
  draft?: boolean;
  apiUrl?: string;
  tokenUrl?: string;
  cacheDir?: string;
  force?: boolean;
  json?: boolean;
  retryAttempts?: number;
  retryMaxDelay?: number;
}

/** Extra settings for tests and embedding (the demo): environment, working folder, client options. */
export interface PullCommandContext {
  env?: Readonly<Record<string, string | undefined>>;
  cwd?: string;
  client?: Omit<ApiClientOptions, "apiUrl" | "tokenUrl" | "env" | "cwd">;
  /** What `cxda.config.*` says (its `auth`, `retry` and `cacheDir`, flags already over them); flags still win. */
  config?: Pick<CommandOptions, "platform" | "retry" | "cacheDir">;
}

const STATUS_TEXT: Record<PullResult["status"], string> = {
  fetched: "pulled",
  updated: "updated",
  "not-modified": "not modified (cached copy is current)",
  refetched: "pulled again (the cached copy was corrupt)",
};

/**
 * Pulls each id (or those in CXONE_DATA_ACTION_ID) into the cache and reports what happened.
 * Returns the exit code: 0 when every pull worked, else the code of the first failure.
 */
export async function runPullCommand(ids: string[], flags: PullFlags, terminal: Terminal, context: PullCommandContext = {}): Promise<number> {
  const cwd = context.cwd ?? process.cwd();
  const retry: RetryConfig = {
    ...context.client?.retry,
    ...context.config?.retry,
    ...(flags.retryAttempts === undefined ? {} : { maxAttempts: flags.retryAttempts }),
    ...(flags.retryMaxDelay === undefined ? {} : { maxDelayMs: flags.retryMaxDelay }),
  };
  const { platform: chosen, ...clientOptions } = context.client ?? {};
  const options: PlatformOptions = {
    ...(typeof chosen === "string" ? { platform: chosen } : {}),
    ...clientOptions,
    ...context.config?.platform,
    cwd,
    ...(context.env === undefined ? {} : { env: context.env }),
    ...(flags.platform === undefined ? {} : { platform: flags.platform }),
    ...(flags.apiUrl === undefined ? {} : { apiUrl: flags.apiUrl }),
    ...(flags.tokenUrl === undefined ? {} : { tokenUrl: flags.tokenUrl }),
  };
  const platform = resolvePlatformOptions(options);
  const wanted = ids.length > 0 ? ids : platform.dataActionIds;
  if (wanted.length === 0) {
    const variable = platform.platform === "genesys" ? GENESYS_ENV.dataActionId : PLATFORM_ENV.dataActionId;
    throw new CxdaError("E_USAGE", `no data action ids: pass them as arguments (cxda pull <id...>) or set ${variable}`);
  }
  const client = createApiClient({ ...clientOptions, ...(Object.keys(retry).length === 0 ? {} : { retry }), platform });
  const cacheDir = flags.cacheDir ?? context.config?.cacheDir;
  const cache = createDefinitionsCache({ cwd, ...(cacheDir === undefined ? {} : { dir: cacheDir }) });

  const results: PullResult[] = [];
  const failures: Array<{ id: string; error: unknown }> = [];
  for (const id of wanted) {
    try {
      const result = await pullDefinition(id, { client, cache, force: flags.force === true, draft: flags.draft === true });
      results.push(result);
      if (flags.json !== true) {
        for (const warning of result.warnings) terminal.err(paint(terminal, "yellow", `warning: ${warning.message}`));
        const version = result.entry.version === null ? "" : ` v${String(result.entry.version)}`;
        const etag = result.entry.etag === null ? "" : ` etag ${result.entry.etag}`;
        terminal.out(
          `${paint(terminal, "green", "✓")} ${id}${version}${etag}: ${STATUS_TEXT[result.status]} → ${relative(cwd, result.file) || result.file}`,
        );
      }
    } catch (error) {
      failures.push({ id, error });
      if (flags.json !== true)
        terminal.err(`${paint(terminal, "red", "✗")} ${id}: ${isCxdaError(error) ? `${error.code} ` : ""}${describeThrown(error)}`);
    }
  }

  if (flags.json === true) {
    terminal.out(
      JSON.stringify(
        {
          pulled: results.map((r) => ({
            id: r.id,
            status: r.status,
            fromCache: r.status === "not-modified",
            version: r.entry.version,
            etag: r.entry.etag,
            fetchedAt: r.entry.fetchedAt,
            file: r.file,
            warnings: r.warnings,
          })),
          errors: failures.map(({ id, error }) => ({
            id,
            ...(isCxdaError(error) ? { code: error.code, message: error.message, context: error.context } : { message: describeThrown(error) }),
          })),
        },
        null,
        2,
      ),
    );
  }
  const [first] = failures;
  return first === undefined ? EXIT.ok : exitCodeFor(first.error);
}

/** Registers `cxda pull`. */
export function registerPullCommand(program: Command, setExit: (code: number) => void = (code) => void (process.exitCode = code)): void {
  const command = program
    .command("pull")
    .description("fetch data action definitions from the platform into the cache (.cxda/cache), revalidating by ETag")
    .argument("[ids...]", `data action ids (default: ${PLATFORM_ENV.dataActionId})`)
    .option(
      "--api-url <url>",
      `API base including /api/v2 (default: ${PLATFORM_ENV.apiUrl}, or from ${PLATFORM_ENV.environment}; Genesys: ${GENESYS_ENV.apiUrl}, or from ${GENESYS_ENV.region})`,
    )
    .option(
      "--token-url <url>",
      `OAuth token URL (default: ${PLATFORM_ENV.tokenUrl}, or <api-url>/oauth/token; Genesys: ${GENESYS_ENV.tokenUrl}, or https://login.<region>/oauth/token)`,
    )
    .option("--draft", "Genesys Cloud: pull the action's unpublished draft (GET …/actions/{id}/draft) instead of the published action")
    .option("--cache-dir <dir>", "cache folder (default: .cxda/cache)")
    .option("--force", "fetch the full definition even when the cached copy may be current")
    .option("--json", "print the results as JSON")
    .addHelpText(
      "after",
      `\nCredentials come from the environment or .env: ${PLATFORM_ENV.clientId} and ${PLATFORM_ENV.clientSecret} (client credentials),\nor ${PLATFORM_ENV.accessKeyId}, ${PLATFORM_ENV.accessKeySecret} and ${PLATFORM_ENV.tenantId} with the client id/secret (CXone access keys).\nWith --platform genesys: ${GENESYS_ENV.clientId}, ${GENESYS_ENV.clientSecret} and ${GENESYS_ENV.region} (mypurecloud.com, usw2.pure.cloud…).\n\nExamples:\n  cxda pull da-test-12345\n  ${PLATFORM_ENV.dataActionId}=da-test-12345 cxda pull --json\n  cxda pull da-test-12345 --api-url http://127.0.0.1:4010/api/v2\n  cxda pull --platform genesys custom_-_3b5c7e1a-0000-4000-8000-000000000000\n  cxda pull --platform genesys --draft custom_-_3b5c7e1a-0000-4000-8000-000000000000`,
    )
    .action(async (ids: string[], flags: PullFlags, self: Command) =>
      setExit(await runPullCommand(ids, flags, processTerminal(), { config: await loadCommandOptions(self) })),
    );
  addConfigOption(addRetryOptions(addPlatformOption(command)));
}
