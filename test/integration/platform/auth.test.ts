// Both auth modes against the real emulator over loopback: one shared suite, plus what is particular to each.
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { createAccessKeyTokenProvider, discoverTenant } from "../../../src/auth/access-key.js";
import { createClientCredentialsTokenProvider } from "../../../src/auth/client-credentials.js";
import { startEmulator, type Emulator } from "../../../src/emulator/emulator.js";
import { ACTION_ID, clientFor, countRoute, referenceDefinition } from "./helpers.js";

let emulator: Emulator;
beforeEach(async () => {
  emulator = await startEmulator({ definitions: { [ACTION_ID]: await referenceDefinition() } });
});
afterEach(async () => {
  await emulator.close();
});

const modes = [
  { name: "client credentials", accessKey: false, tokenRoute: "token", hint: /CXONE_CLIENT_ID and CXONE_CLIENT_SECRET/ },
  { name: "CXone access key", accessKey: true, tokenRoute: "auth-token", hint: /CXONE_ACCESS_KEY_ID and CXONE_ACCESS_KEY_SECRET/ },
] as const;

describe.each(modes)("auth mode: $name", (mode) => {
  it("authenticates and gets a definition end to end", async () => {
    const client = clientFor(emulator, { accessKey: mode.accessKey });
    const got = await client.getDataAction(ACTION_ID);
    expect(got.notModified).toBe(false);
    if (!got.notModified) {
      expect(got.definition.id).toBe(ACTION_ID);
      expect(got.version).toBe(3);
      expect(got.etag).toMatch(/^"[0-9a-f]+"$/);
    }
    expect(await client.apiUrl()).toBe(emulator.apiUrl);
    expect(countRoute(emulator, mode.tokenRoute)).toBe(1);
  });

  it("reuses the token across calls", async () => {
    const client = clientFor(emulator, { accessKey: mode.accessKey });
    for (let i = 0; i < 3; i++) await client.getDataAction(ACTION_ID);
    expect(countRoute(emulator, mode.tokenRoute)).toBe(1);
    expect(countRoute(emulator, "get-data-action")).toBe(3);
  });

  it("makes one token request for ten concurrent calls", async () => {
    const client = clientFor(emulator, { accessKey: mode.accessKey });
    const results = await Promise.all(Array.from({ length: 10 }, () => client.getDataAction(ACTION_ID)));
    expect(results.every((r) => !r.notModified)).toBe(true);
    expect(countRoute(emulator, mode.tokenRoute)).toBe(1);
    expect(countRoute(emulator, "get-data-action")).toBe(10);
  });

  it("refreshes the token before it expires, on a fake clock", async () => {
    let now = Date.now();
    const client = clientFor(emulator, { accessKey: mode.accessKey, tokenCache: { now: () => now } });
    await client.getDataAction(ACTION_ID);
    now += 3_600_000 - 30_000; // 30 s before the hour-long token expires: too close to use
    await client.getDataAction(ACTION_ID);
    const grants = emulator.requests.filter((r) => r.route === mode.tokenRoute).map((r) => r.grantType);
    expect(grants).toEqual(mode.accessKey ? ["password", "refresh_token"] : ["client_credentials", "client_credentials"]);
    // No request was ever refused: the old token was replaced before the platform would have rejected it.
    expect(emulator.requests.filter((r) => r.status === 401)).toEqual([]);
  });

  it("recovers when the platform expires the token: 401, invalidate, retry, success", async () => {
    const client = clientFor(emulator, { accessKey: mode.accessKey });
    await client.getDataAction(ACTION_ID);
    emulator.expireTokens();
    const again = await client.getDataAction(ACTION_ID);
    expect(again.notModified).toBe(false);
    expect(emulator.requests.filter((r) => r.route === "get-data-action").map((r) => r.status)).toEqual([200, 401, 200]);
    expect(countRoute(emulator, mode.tokenRoute)).toBe(2);
  });

  it("fails with E_AUTH naming the settings to check when the secret is wrong", async () => {
    const wrong = mode.accessKey ? { accessKeySecret: "definitely-wrong-secret" } : { clientSecret: "definitely-wrong-secret" };
    const client = clientFor(emulator, { accessKey: mode.accessKey, ...wrong });
    const error = await client.getDataAction(ACTION_ID).catch((e: unknown) => e);
    expect(error).toMatchObject({ code: "E_AUTH", context: { method: "POST", status: expect.any(Number) } });
    // The option was given explicitly, so the hint names the option; the env-based hint is checked below.
    expect((error as Error).message).toMatch(mode.accessKey ? /accessKeySecret option/ : /clientSecret option/);
    expect((error as Error).message).not.toContain("definitely-wrong-secret");
    expect(countRoute(emulator, "get-data-action")).toBe(0);
  });

  it("names the environment variables when the credentials from the environment are refused", async () => {
    const env = mode.accessKey
      ? { ...emulator.accessKeyEnv, CXONE_ACCESS_KEY_SECRET: "nope-nope" }
      : { ...emulator.env, CXONE_CLIENT_SECRET: "nope-nope" };
    const client = clientFor(emulator, { env });
    await expect(client.getDataAction(ACTION_ID)).rejects.toMatchObject({ code: "E_AUTH", message: expect.stringMatching(mode.hint) });
  });
});

describe("CXone access keys", () => {
  it("reads the discovery document once and finds the API base through tenant discovery", async () => {
    const client = clientFor(emulator, { accessKey: true });
    await client.getDataAction(ACTION_ID);
    await client.getDataAction(ACTION_ID);
    expect(countRoute(emulator, "openid-configuration")).toBe(1);
    const tenant = emulator.requests.filter((r) => r.route === "cxone-configuration");
    expect(tenant.map((r) => r.path)).toEqual([`/.well-known/cxone-configuration?tenantId=${emulator.credentials.tenantId}`]);
    expect(await discoverTenant(emulator.url, emulator.credentials.tenantId)).toMatchObject({ apiUrl: emulator.apiUrl, area: "emu1" });
  });

  it("falls back to the password grant when the refresh token is refused", async () => {
    let now = Date.now();
    const tokens = createAccessKeyTokenProvider({
      issuerUrl: emulator.url,
      accessKeyId: emulator.credentials.accessKeyId,
      accessKeySecret: emulator.credentials.accessKeySecret,
      clientId: emulator.credentials.clientId,
      clientSecret: emulator.credentials.clientSecret,
      now: () => now,
    });
    await tokens.getToken();
    emulator.setFaults([
      { route: "auth-token", status: 400, body: { error: "invalid_grant", error_description: "refresh token revoked" }, count: 1 },
    ]);
    now += 3_600_000;
    await tokens.getToken();
    const grants = emulator.requests.filter((r) => r.route === "auth-token").map((r) => `${r.grantType ?? "?"}:${r.status}`);
    expect(grants).toEqual(["password:200", "refresh_token:400", "password:200"]);
  });

  it("rejects a client that is not registered, naming the client settings", async () => {
    const client = clientFor(emulator, { env: { ...emulator.accessKeyEnv, CXONE_CLIENT_ID: "someone-else" } });
    await expect(client.getDataAction(ACTION_ID)).rejects.toMatchObject({
      code: "E_AUTH",
      message: expect.stringMatching(/client credentials were refused.*CXONE_CLIENT_ID and CXONE_CLIENT_SECRET/),
    });
  });
});

describe("emulator token lifetime", () => {
  it("refuses a token past its expires_in, and the client recovers with a new one", async () => {
    let now = Date.now();
    const short = await startEmulator({ definitions: { [ACTION_ID]: await referenceDefinition() }, tokenTtlSeconds: 60, now: () => now });
    try {
      // The client's own clock stands still, so only the platform sees the token age.
      const client = clientFor(short, { tokenCache: { now: () => 0 } });
      await client.getDataAction(ACTION_ID);
      now += 61_000;
      await client.getDataAction(ACTION_ID);
      expect(short.requests.map((r) => `${r.route ?? "?"}:${r.status}`)).toEqual([
        "token:200",
        "get-data-action:200",
        "get-data-action:401",
        "token:200",
        "get-data-action:200",
      ]);
    } finally {
      await short.close();
    }
  });
});

describe("client credentials", () => {
  it("sends the tutorial's form-encoded grant", async () => {
    const tokens = createClientCredentialsTokenProvider({
      tokenUrl: emulator.tokenUrl,
      clientId: emulator.credentials.clientId,
      clientSecret: emulator.credentials.clientSecret,
      scope: "data-actions:read",
    });
    expect(await tokens.getToken()).toMatch(/^emu_at_/);
    expect(emulator.requests[0]).toMatchObject({ method: "POST", path: "/api/v2/oauth/token", status: 200, grantType: "client_credentials" });
  });

  it("says which setting to fix when the token URL is wrong", async () => {
    const client = clientFor(emulator, { tokenUrl: `${emulator.url}/nowhere` });
    await expect(client.getDataAction(ACTION_ID)).rejects.toMatchObject({ code: "E_CONFIG", message: expect.stringMatching(/CXONE_TOKEN_URL/) });
  });
});
