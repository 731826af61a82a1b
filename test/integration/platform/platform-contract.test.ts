// One suite, every platform: the same promises about tokens, retries, typed errors, the cache and secrets, each checked
// against the real emulator on loopback through the platform's own routes (as hono runs one router suite on each router).
import { readdir, readFile } from "node:fs/promises";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { createApiClient, type ApiClient, type ApiClientOptions } from "../../../src/client/api-client.js";
import { PLATFORM_NAMES, type PlatformName } from "../../../src/config/platform-options.js";
import { createDefinitionsCache } from "../../../src/definitions/definitions-cache.js";
import { normaliseDefinition } from "../../../src/definitions/load-definition.js";
import { pullDefinition } from "../../../src/definitions/resolve-definition.js";
import { startEmulator, type Emulator } from "../../../src/emulator/emulator.js";
import type { EmulatorRoute } from "../../../src/emulator/faults.js";
import { ACTION_ID, fakeSleeps, GENESYS_ID, genesysExport, referenceDefinition, tempDir } from "./helpers.js";

/** What the suite needs to know of a platform: the emulator's env for it, its route names, an action it serves. */
interface PlatformCase {
  name: PlatformName;
  env: (emulator: Emulator) => Record<string, string>;
  tokenRoute: EmulatorRoute;
  getRoute: EmulatorRoute;
  id: string;
  definition: () => Promise<Record<string, unknown>>;
  /** The variable that holds the client secret, named when it is refused. */
  secretVariable: string;
}

const PLATFORMS: readonly PlatformCase[] = [
  {
    name: "cxone",
    env: (emulator) => emulator.env,
    tokenRoute: "token",
    getRoute: "get-data-action",
    id: ACTION_ID,
    definition: referenceDefinition,
    secretVariable: "CXONE_CLIENT_SECRET",
  },
  {
    name: "genesys",
    env: (emulator) => emulator.genesysEnv,
    tokenRoute: "genesys-token",
    getRoute: "genesys-get-action",
    id: GENESYS_ID,
    definition: () => Promise.resolve(genesysExport()),
    secretVariable: "GENESYSCLOUD_OAUTHCLIENT_SECRET",
  },
];

it("covers every platform cxda knows", () => {
  expect(PLATFORMS.map((p) => p.name).sort()).toEqual([...PLATFORM_NAMES].sort());
});

describe.each(PLATFORMS)("platform $name", (platform) => {
  let emulator: Emulator;
  beforeEach(async () => {
    emulator = await startEmulator({ definitions: { [platform.id]: await platform.definition() } });
  });
  afterEach(async () => {
    await emulator.close();
  });

  const clientFor = (options: Omit<ApiClientOptions, "platform" | "env" | "envFile"> = {}, env: Record<string, string> = {}): ApiClient =>
    createApiClient({ platform: platform.name, env: { ...platform.env(emulator), ...env }, envFile: false, ...options });
  const count = (route: EmulatorRoute): number => emulator.requests.filter((r) => r.route === route).length;
  const statuses = (): number[] => emulator.requests.filter((r) => r.route === platform.getRoute).map((r) => r.status);

  it("fetches a token once and reuses it across calls", async () => {
    const client = clientFor();
    for (let i = 0; i < 3; i++) expect((await client.getDataAction(platform.id)).notModified).toBe(false);
    expect(count(platform.tokenRoute)).toBe(1);
    expect(count(platform.getRoute)).toBe(3);
  });

  it("makes one token request for ten concurrent calls (single flight)", async () => {
    const client = clientFor();
    const results = await Promise.all(Array.from({ length: 10 }, () => client.getDataAction(platform.id)));
    expect(results.every((r) => !r.notModified)).toBe(true);
    expect(count(platform.tokenRoute)).toBe(1);
    expect(count(platform.getRoute)).toBe(10);
  });

  it("answers a 401 by fetching a new token and retrying once", async () => {
    const client = clientFor();
    await client.getDataAction(platform.id);
    emulator.expireTokens();
    expect((await client.getDataAction(platform.id)).notModified).toBe(false);
    expect(statuses()).toEqual([200, 401, 200]);
    expect(count(platform.tokenRoute)).toBe(2);
  });

  it("gives up with E_AUTH when a fresh token is refused too, after exactly one retry", async () => {
    emulator.setFaults([{ route: platform.getRoute, expireToken: true }]);
    const error = await clientFor()
      .getDataAction(platform.id)
      .catch((e: unknown) => e);
    expect(error).toMatchObject({ code: "E_AUTH", context: { status: 401, method: "GET" } });
    expect(statuses()).toEqual([401, 401]);
    expect(count(platform.tokenRoute)).toBe(2);
  });

  it("waits for Retry-After on a 429", async () => {
    const { sleeps, retry } = fakeSleeps();
    emulator.setFaults([{ route: platform.getRoute, status: 429, retryAfter: 1, count: 2 }]);
    expect((await clientFor({ retry }).getDataAction(platform.id)).notModified).toBe(false);
    expect(sleeps).toEqual([1000, 1000]);
    expect(statuses()).toEqual([429, 429, 200]);
  });

  it("backs off on 5xx, with exponential steps and jitter, then succeeds", async () => {
    const { sleeps, retry } = fakeSleeps();
    emulator.setFaults([{ route: platform.getRoute, status: 503, count: 2 }]);
    await clientFor({ retry }).getDataAction(platform.id);
    expect(statuses()).toEqual([503, 503, 200]);
    expect(sleeps[0]).toBeGreaterThanOrEqual(125);
    expect(sleeps[0]).toBeLessThanOrEqual(250);
    expect(sleeps[1]).toBeGreaterThanOrEqual(250);
    expect(sleeps[1]).toBeLessThanOrEqual(500);
  });

  it("makes a 404 an E_NOT_FOUND naming the id", async () => {
    const error = await clientFor()
      .getDataAction("no-such-action")
      .catch((e: unknown) => e);
    expect(error).toMatchObject({ code: "E_NOT_FOUND", context: { status: 404 } });
    expect((error as Error).message).toContain('"no-such-action"');
  });

  it("makes a 403 an E_SCOPE naming the grant the call needs", async () => {
    emulator.setFaults([{ route: platform.tokenRoute, omitScopes: ["data-actions:read", "integrations:action:view"] }]);
    const error = await clientFor()
      .getDataAction(platform.id)
      .catch((e: unknown) => e);
    expect(error).toMatchObject({ code: "E_SCOPE", context: { status: 403 } });
    expect((error as Error).message).toContain(platform.name === "genesys" ? "integrations:action:view" : "data-actions:read");
  });

  it("pulls into the cache atomically, and a crash between write and rename leaves the old copy whole", async () => {
    const { dir, remove } = await tempDir();
    try {
      const first = await pullDefinition(platform.id, { client: clientFor(), cache: createDefinitionsCache({ cwd: dir }) });
      expect(first).toMatchObject({ status: "fetched", definition: { id: platform.id } });
      const file = join(dir, ".cxda", "cache", `${platform.id}.json`);
      const before = await readFile(file, "utf8");
      emulator.setDefinition(platform.id, { ...(await platform.definition()), version: 9 });
      const crashing = createDefinitionsCache({
        cwd: dir,
        fs: { rename: () => Promise.reject(Object.assign(new Error("simulated crash"), { code: "EIO" })) },
      });
      await expect(pullDefinition(platform.id, { client: clientFor(), cache: crashing })).rejects.toMatchObject({ code: "E_CACHE" });
      expect(await readFile(file, "utf8")).toBe(before);
      expect(await readdir(join(dir, ".cxda", "cache"))).toEqual([`${platform.id}.json`]);
      // What was cached loads through the definitions loader as it stands.
      const cached = JSON.parse(before) as { definition: Record<string, unknown> };
      expect(normaliseDefinition(cached.definition, { fallbackId: platform.id }).id).toBe(platform.id);
    } finally {
      await remove();
    }
  });

  it("never shows a secret in an error: a refused secret, or one the platform echoes back", async () => {
    const refused = await clientFor({}, { [platform.secretVariable]: "definitely-wrong-secret" })
      .getDataAction(platform.id)
      .catch((e: unknown) => e);
    expect(refused).toMatchObject({ code: "E_AUTH" });
    expect((refused as Error).message).toContain(platform.secretVariable);
    expect((refused as Error).message).not.toContain("definitely-wrong-secret");

    const secret = emulator.credentials.clientSecret;
    emulator.setFaults([{ route: platform.getRoute, status: 500, body: { message: `upstream said ${secret}` } }]);
    const echoed = await clientFor({ retry: { maxAttempts: 1 } })
      .getDataAction(platform.id)
      .catch((e: unknown) => e);
    expect(echoed).toMatchObject({ code: "E_HTTP" });
    expect(JSON.stringify({ message: (echoed as Error).message, context: (echoed as { context: unknown }).context })).not.toContain(secret);
  });
});
