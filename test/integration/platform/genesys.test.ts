// Genesys Cloud as a platform, against the real emulator on loopback: its login, its action and draft GETs, its wording
// of refusals, `cxda pull --platform genesys`, and every corpus export pulled through its routes.
import { readFile } from "node:fs/promises";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { runPullCommand } from "../../../src/cli/commands/pull.js";
import { createApiClient, type ApiClientOptions } from "../../../src/client/api-client.js";
import { createDefinitionsCache } from "../../../src/definitions/definitions-cache.js";
import { normaliseDefinition } from "../../../src/definitions/load-definition.js";
import { pullDefinition } from "../../../src/definitions/resolve-definition.js";
import { startEmulator, type Emulator } from "../../../src/emulator/emulator.js";
import { GENESYS_CORPUS, genesysCorpusFiles } from "../../helpers/corpus.js";
import { captureTerminal, GENESYS_ID, genesysExport, tempDir } from "./helpers.js";

let emulator: Emulator;
let dir: string;
let cleanup: () => Promise<void>;
beforeEach(async () => {
  ({ dir, remove: cleanup } = await tempDir("cxda-genesys-"));
  emulator = await startEmulator({ definitions: { [GENESYS_ID]: genesysExport() } });
});
afterEach(async () => {
  await emulator.close();
  await cleanup();
});

const clientFor = (options: Omit<ApiClientOptions, "platform"> = {}) =>
  createApiClient({ platform: "genesys", env: emulator.genesysEnv, envFile: false, ...options });

/** A token from the emulator's login, as a Genesys client gets one. */
async function token(): Promise<string> {
  return clientFor().tokenProvider.getToken();
}

describe("the login", () => {
  it("sends the client as HTTP Basic with only grant_type=client_credentials in the form", async () => {
    const seen: Array<{ url: string; authorization: string | null; body: string }> = [];
    // The real fetch, watched: the request still goes over loopback to the emulator.
    const watching: typeof fetch = async (input, init) => {
      seen.push({ url: String(input), authorization: new Headers(init?.headers).get("authorization"), body: String(init?.body ?? "") });
      return fetch(input, init);
    };
    await clientFor({ fetch: watching }).getDataAction(GENESYS_ID);
    const login = seen.find((request) => request.url.endsWith("/oauth/token"));
    const basic = `Basic ${Buffer.from(`${emulator.credentials.clientId}:${emulator.credentials.clientSecret}`).toString("base64")}`;
    expect(login).toEqual({ url: `${emulator.url}/oauth/token`, authorization: basic, body: "grant_type=client_credentials" });
    expect(emulator.requests[0]).toMatchObject({
      route: "genesys-token",
      status: 200,
      grantType: "client_credentials",
      clientId: emulator.credentials.clientId,
    });
  });

  it("refuses a wrong secret the way Genesys' login does, and cxda names the variables to check", async () => {
    const error = await createApiClient({
      platform: "genesys",
      env: { ...emulator.genesysEnv, GENESYSCLOUD_OAUTHCLIENT_SECRET: "wrong-secret" },
      envFile: false,
    })
      .getDataAction(GENESYS_ID)
      .catch((e: unknown) => e);
    expect(error).toMatchObject({ code: "E_AUTH", context: { oauthError: "invalid_client", status: 401 } });
    expect((error as Error).message).toMatch(/GENESYSCLOUD_OAUTHCLIENT_ID and GENESYSCLOUD_OAUTHCLIENT_SECRET/);
  });
});

describe("the action GET", () => {
  it("asks for the contract and the config, and keeps both", async () => {
    const got = await clientFor().getDataAction(GENESYS_ID);
    if (got.notModified) throw new Error("expected a body");
    expect(got.url).toBe(`${emulator.url}/api/v2/integrations/actions/${GENESYS_ID}?expand=contract&includeConfig=true`);
    expect(emulator.requests.at(-1)).toMatchObject({
      route: "genesys-get-action",
      path: `/api/v2/integrations/actions/${GENESYS_ID}?expand=contract&includeConfig=true`,
    });
    // The Action object as the API answers it: the export's wrapping gone, an id, a version and a selfUri.
    expect(got.definition).toMatchObject({ id: GENESYS_ID, version: 1, selfUri: `/api/v2/integrations/actions/${GENESYS_ID}`, secure: false });
    expect(got.definition).not.toHaveProperty("integrationType");
    const definition = normaliseDefinition(got.definition, { fallbackId: GENESYS_ID });
    expect(definition.meta.shape).toBe("genesys-contract");
    expect(definition.config?.request.requestUrlTemplate).toBe("/api/v2/external/customers/${input.customerId}");
    expect(definition.config?.response.translationMap).toEqual({ tier: "$.tier" });
  });

  it("leaves the contract and the config out unless asked, as the API does", async () => {
    const response = await fetch(`${emulator.url}/api/v2/integrations/actions/${GENESYS_ID}`, {
      headers: { authorization: `Bearer ${await token()}` },
    });
    const body = (await response.json()) as Record<string, unknown>;
    expect(response.status).toBe(200);
    expect(body).toMatchObject({ id: GENESYS_ID, name: expect.stringContaining("Get Customer Tier") });
    expect(body).not.toHaveProperty("contract");
    expect(body).not.toHaveProperty("config");
  });

  it("words refusals as Genesys' ErrorBody: not.found, missing.any.permissions, authentication.required", async () => {
    const bearer = { authorization: `Bearer ${await token()}` };
    const missing = await fetch(`${emulator.url}/api/v2/integrations/actions/nope`, { headers: bearer });
    expect(missing.status).toBe(404);
    expect(await missing.json()).toMatchObject({ code: "not.found", status: 404, message: expect.stringContaining("nope") });

    const anonymous = await fetch(`${emulator.url}/api/v2/integrations/actions/${GENESYS_ID}`);
    expect(await anonymous.json()).toMatchObject({ code: "authentication.required", status: 401 });

    emulator.setFaults([{ route: "genesys-token", omitScopes: ["integrations:action:view"] }]);
    const limited = await fetch(`${emulator.url}/api/v2/integrations/actions/${GENESYS_ID}`, {
      headers: { authorization: `Bearer ${await token()}` },
    });
    expect(limited.status).toBe(403);
    expect(await limited.json()).toMatchObject({
      code: "missing.any.permissions",
      message: expect.stringContaining("[integrations:action:view, bridge:actions:view]"),
    });
  });

  it("refuses execute on Genesys, whose parity goes through the action's test endpoint instead", async () => {
    await expect(clientFor().executeDataAction(GENESYS_ID, { customerId: "c-1" })).rejects.toMatchObject({
      code: "E_USAGE",
      message: expect.stringMatching(/Genesys Cloud has no execute endpoint for a .*: --parity runs the action's test endpoint instead/),
    });
  });
});

describe("drafts", () => {
  it("pulls the draft from /draft into the cache under the action's id", async () => {
    emulator.setDefinition(`${GENESYS_ID}.draft`, { ...genesysExport(), name: "Get Customer Tier (draft)" });
    const cache = createDefinitionsCache({ cwd: dir });
    const pulled = await pullDefinition(GENESYS_ID, { client: clientFor(), cache, draft: true });
    expect(pulled.entry.url).toBe(`${emulator.url}/api/v2/integrations/actions/${GENESYS_ID}/draft?expand=contract&includeConfig=true`);
    expect(pulled.definition).toMatchObject({ id: GENESYS_ID, name: "Get Customer Tier (draft)" });
    expect(emulator.requests.filter((r) => r.route === "genesys-get-action-draft").map((r) => r.status)).toEqual([200]);
  });

  it("makes a missing draft an E_NOT_FOUND that says it was the draft", async () => {
    const error = await pullDefinition(GENESYS_ID, { client: clientFor(), cache: createDefinitionsCache({ cwd: dir }), draft: true }).catch(
      (e: unknown) => e,
    );
    expect(error).toMatchObject({ code: "E_NOT_FOUND", message: expect.stringContaining(`draft of the Genesys Cloud data action "${GENESYS_ID}"`) });
  });

  it("refuses --draft on a platform that keeps no drafts", async () => {
    const cxone = createApiClient({ env: emulator.env, envFile: false });
    await expect(cxone.getDataAction("da-1", { draft: true })).rejects.toMatchObject({
      code: "E_USAGE",
      message: expect.stringMatching(/keeps no drafts/),
    });
  });
});

describe("cxda pull --platform genesys", () => {
  it("pulls into .cxda/cache with the GENESYSCLOUD_* variables, and --draft pulls the draft", async () => {
    const terminal = captureTerminal();
    expect(await runPullCommand([GENESYS_ID], { platform: "genesys" }, terminal, { env: emulator.genesysEnv, cwd: dir })).toBe(0);
    expect(terminal.lines.join("\n")).toContain(`✓ ${GENESYS_ID} v1`);
    const cached = JSON.parse(await readFile(join(dir, ".cxda", "cache", `${GENESYS_ID}.json`), "utf8")) as { definition: Record<string, unknown> };
    expect(cached.definition).toMatchObject({ id: GENESYS_ID, config: { request: { requestType: "GET" } } });

    emulator.setDefinition(`${GENESYS_ID}.draft`, { ...genesysExport(), version: 2 });
    expect(await runPullCommand([GENESYS_ID], { platform: "genesys", draft: true }, captureTerminal(), { env: emulator.genesysEnv, cwd: dir })).toBe(
      0,
    );
    expect(emulator.requests.at(-1)).toMatchObject({ route: "genesys-get-action-draft", status: 200 });
  });

  it("takes the platform from the config, and names GENESYSCLOUD_DATA_ACTION_ID when given no ids", async () => {
    const config = { platform: { platform: "genesys" as const, cwd: dir }, retry: {}, cacheDir: join(dir, ".cxda", "cache") };
    await expect(runPullCommand([], {}, captureTerminal(), { env: emulator.genesysEnv, cwd: dir, config })).rejects.toMatchObject({
      code: "E_USAGE",
      message: expect.stringContaining("GENESYSCLOUD_DATA_ACTION_ID"),
    });
    const env = { ...emulator.genesysEnv, GENESYSCLOUD_DATA_ACTION_ID: GENESYS_ID };
    expect(await runPullCommand([], {}, captureTerminal(), { env, cwd: dir, config })).toBe(0);
  });

  it("exits 3 for an action the platform does not have, and 2-worthy E_CONFIG without credentials", async () => {
    expect(await runPullCommand(["custom_-_missing"], { platform: "genesys" }, captureTerminal(), { env: emulator.genesysEnv, cwd: dir })).toBe(3);
    await expect(runPullCommand([GENESYS_ID], { platform: "genesys" }, captureTerminal(), { env: {}, cwd: dir })).rejects.toMatchObject({
      code: "E_CONFIG",
      message: expect.stringContaining("GENESYSCLOUD_OAUTHCLIENT_ID"),
    });
  });
});

describe.skipIf(genesysCorpusFiles.length === 0)("the corpus through Genesys' routes", () => {
  it("pulls every export (served from the corpus folder) and loads it with its config", async () => {
    const served = await startEmulator({ definitions: GENESYS_CORPUS });
    try {
      const client = createApiClient({ platform: "genesys", env: served.genesysEnv, envFile: false });
      const cache = createDefinitionsCache({ cwd: dir });
      for (const file of genesysCorpusFiles) {
        const id = file.slice(0, -".json".length);
        const pulled = await pullDefinition(id, { client, cache });
        const raw = JSON.parse(await readFile(join(GENESYS_CORPUS, file), "utf8")) as { config?: unknown };
        expect(pulled.definition.id, file).toBe(id);
        expect(pulled.definition.config === undefined, file).toBe(raw.config === undefined);
      }
      expect(served.requests.filter((r) => r.route === "genesys-token")).toHaveLength(1);
    } finally {
      await served.close();
    }
  });
});
