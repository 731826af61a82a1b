// Shared set-up for the platform integration tests: the reference definition and a Genesys export, an action folder, fake sleeps, a capturing terminal.
import { mkdtemp, mkdir, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { createApiClient, type ApiClient, type ApiClientOptions } from "../../../src/client/api-client.js";
import type { Emulator } from "../../../src/emulator/emulator.js";
import type { Terminal } from "../../../src/cli/terminal.js";

export const ACTION_ID = "da-test-12345";
const EXAMPLE = fileURLToPath(new URL("../../../examples/billing-callback/", import.meta.url));

/** The bundled example's definition (the reference action). */
export async function referenceDefinition(): Promise<Record<string, unknown>> {
  return JSON.parse(await readFile(join(EXAMPLE, "definition.json"), "utf8")) as Record<string, unknown>;
}

/** The bundled example's trigger. */
export async function referenceTrigger(): Promise<Record<string, unknown>> {
  return JSON.parse(await readFile(join(EXAMPLE, "trigger.json"), "utf8")) as Record<string, unknown>;
}

/** A temp folder removed by the returned function. */
export async function tempDir(prefix = "cxda-platform-"): Promise<{ dir: string; remove: () => Promise<void> }> {
  const dir = await mkdtemp(join(tmpdir(), prefix));
  return { dir, remove: () => rm(dir, { recursive: true, force: true }) };
}

/**
 * Writes `<root>/actions/<name>/definition.json` and a TypeScript transform beside it, as a user's project holds them.
 * The transform imports a helper, so the emulator must bundle it to run it.
 */
export async function writeActionFolder(root: string, name = "billing-callback"): Promise<string> {
  const folder = join(root, "actions", name);
  await mkdir(folder, { recursive: true });
  await writeFile(join(folder, "definition.json"), JSON.stringify(await referenceDefinition(), null, 2));
  await writeFile(join(folder, "priority.ts"), 'export const priorityOf = (tier: unknown): string => (tier === "premium" ? "high" : "standard");\n');
  await writeFile(
    join(folder, "transform.ts"),
    `import { priorityOf } from "./priority";
interface Trigger { timestamp: string; interaction: { id: string }; contact: { attributes?: Record<string, unknown> }; data: { customFields?: Record<string, unknown> } }
export default function transform(trigger: Trigger, ctx: { log(...a: unknown[]): void; actionId: string }) {
  const attributes = trigger.contact.attributes ?? {};
  const fields = trigger.data.customFields ?? {};
  if (fields.issueCategory === "explode") throw new Error("cannot handle category explode");
  ctx.log("running", ctx.actionId);
  return {
    recordId: "rec-" + trigger.interaction.id,
    customerId: attributes.customerId ?? "UNKNOWN",
    issueCategory: fields.issueCategory ?? "general",
    priority: priorityOf(attributes.tier),
    resolutionScore: fields.resolutionScore ?? 0,
    processedAt: trigger.timestamp,
  };
}
`,
  );
  return folder;
}

/** Retry settings that never really wait: each requested wait is recorded instead. */
export function fakeSleeps(): { sleeps: number[]; retry: NonNullable<ApiClientOptions["retry"]> } {
  const sleeps: number[] = [];
  return {
    sleeps,
    retry: {
      sleep: async (ms: number) => {
        sleeps.push(ms);
      },
    },
  };
}

/** A client for the emulator in client-credentials mode (or access-key mode with `accessKey`), isolated from the real environment. */
export function clientFor(emulator: Emulator, options: ApiClientOptions & { accessKey?: boolean } = {}): ApiClient {
  const { accessKey, ...rest } = options;
  return createApiClient({ env: accessKey === true ? emulator.accessKeyEnv : emulator.env, envFile: false, ...rest });
}

/** Counts the emulator's requests on a route. */
export function countRoute(emulator: Emulator, route: string): number {
  return emulator.requests.filter((r) => r.route === route).length;
}

/** A terminal that records what a command prints. */
export function captureTerminal(): Terminal & { lines: string[] } {
  const lines: string[] = [];
  return {
    lines,
    color: false,
    out: (line = "") => void lines.push(line),
    err: (line = "") => void lines.push(line),
  };
}

/** The id of {@link genesysExport} on the emulator. */
export const GENESYS_ID = "custom_-_5d8a1f7e-2b1c-4e0a-9a51-6f0e2d3c4b5a";
/** A Genesys export as Genesys' "Export" button writes it: no id, the contract, the declarative config. */
export const genesysExport = (): Record<string, unknown> => ({
  name: "Get Customer Tier - Exported 2025-01-07 @ 10:12",
  integrationType: "purecloud-data-actions",
  actionType: "custom",
  config: {
    request: {
      requestUrlTemplate: "/api/v2/external/customers/${input.customerId}",
      requestType: "GET",
      headers: {},
      requestTemplate: "${input.rawRequest}",
    },
    response: { translationMap: { tier: "$.tier" }, translationMapDefaults: { tier: '"standard"' }, successTemplate: '{ "tier": ${tier} }' },
  },
  contract: {
    input: { inputSchema: { type: "object", properties: { customerId: { type: "string" } }, required: ["customerId"] } },
    output: { successSchema: { type: "object", properties: { tier: { type: "string" } } } },
  },
  secure: false,
});
