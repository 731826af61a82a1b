// Unit tests of Genesys Cloud's settings: regions (domains and AWS names), URL overrides, .env, and refused settings.
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { inspect } from "node:util";
import { describe, expect, it } from "vitest";
import { hasPlatformCredentials, resolvePlatformOptions } from "../resolve-platform.js";
import { resolveGenesysOptions } from "./genesys-options.js";

const credentials = { GENESYSCLOUD_OAUTHCLIENT_ID: "client-id", GENESYSCLOUD_OAUTHCLIENT_SECRET: "client-secret-value" };
const genesys = (env: Record<string, string>, options: Parameters<typeof resolveGenesysOptions>[0] = {}) =>
  resolveGenesysOptions({ envFile: false, env: { ...credentials, ...env }, ...options });

describe("resolveGenesysOptions", () => {
  it("defaults to the mypurecloud.com region, as Genesys' SDKs do, with the client sent as HTTP Basic", () => {
    const resolved = genesys({});
    expect(resolved).toMatchObject({
      platform: "genesys",
      apiUrl: "https://api.mypurecloud.com/api/v2",
      auth: {
        mode: "client-credentials",
        tokenUrl: "https://login.mypurecloud.com/oauth/token",
        clientId: "client-id",
        clientAuthentication: "basic",
      },
    });
    expect(inspect(resolved)).not.toContain("client-secret-value");
  });

  it.each([
    ["usw2.pure.cloud", "usw2.pure.cloud"],
    ["mypurecloud.ie", "mypurecloud.ie"],
    ["us-west-2", "usw2.pure.cloud"],
    ["eu_central_2", "euc2.pure.cloud"],
    ["https://api.mypurecloud.de/", "mypurecloud.de"],
    ["login.use2.us-gov-pure.cloud", "use2.us-gov-pure.cloud"],
  ])("reads GENESYSCLOUD_REGION %s as the region %s", (region, domain) => {
    const resolved = genesys({ GENESYSCLOUD_REGION: region });
    expect(resolved.apiUrl).toBe(`https://api.${domain}/api/v2`);
    expect(resolved.auth).toMatchObject({ tokenUrl: `https://login.${domain}/oauth/token` });
  });

  it("refuses a region it cannot place, suggesting the nearest AWS name", () => {
    expect(() => genesys({ GENESYSCLOUD_REGION: "us-west-3" })).toThrow(
      /GENESYSCLOUD_REGION is not a Genesys Cloud region: "us-west-3" \(did you mean "us-west-2"\?\)/,
    );
  });

  it("lets an API URL override the region, with the login beside it (api.X → login.X; else the same origin)", () => {
    expect(genesys({ GENESYSCLOUD_REGION: "usw2.pure.cloud", GENESYSCLOUD_API_URL: "https://api.mypurecloud.jp/api/v2" }).auth).toMatchObject({
      tokenUrl: "https://login.mypurecloud.jp/oauth/token",
    });
    const emulator = genesys({ GENESYSCLOUD_API_URL: "http://127.0.0.1:4010/api/v2" });
    expect(emulator.apiUrl).toBe("http://127.0.0.1:4010/api/v2");
    expect(emulator.auth).toMatchObject({ tokenUrl: "http://127.0.0.1:4010/oauth/token" });
    expect(genesys({ GENESYSCLOUD_TOKEN_URL: "http://127.0.0.1:4011/oauth/token" }).auth).toMatchObject({
      tokenUrl: "http://127.0.0.1:4011/oauth/token",
    });
  });

  it("refuses plain http to another host, where the credentials would travel in clear", () => {
    expect(() => genesys({ GENESYSCLOUD_API_URL: "http://gateway.example.com/api/v2" })).toThrow(/GENESYSCLOUD_ALLOW_INSECURE_HTTP=1/);
    expect(genesys({ GENESYSCLOUD_API_URL: "http://gateway.example.com/api/v2", GENESYSCLOUD_ALLOW_INSECURE_HTTP: "1" }).apiUrl).toBe(
      "http://gateway.example.com/api/v2",
    );
  });

  it("names the variable to set when a credential is missing", () => {
    expect(() => resolveGenesysOptions({ envFile: false, env: {} })).toThrow(/set GENESYSCLOUD_OAUTHCLIENT_ID/);
    expect(hasPlatformCredentials({ platform: "genesys", envFile: false, env: {} })).toBe(false);
    expect(hasPlatformCredentials({ platform: "genesys", envFile: false, env: credentials })).toBe(true);
  });

  it("refuses CXone settings given explicitly, instead of ignoring them", () => {
    expect(() => genesys({}, { environment: "api-eu-1.cxone.com" })).toThrow(/the environment option is not a Genesys Cloud setting/);
    expect(() =>
      resolvePlatformOptions({ region: "usw2.pure.cloud", envFile: false, env: { CXONE_CLIENT_ID: "i", CXONE_CLIENT_SECRET: "s" } }),
    ).toThrow(/the region option is not a CXone setting; for Genesys Cloud choose the platform genesys/);
  });

  it("reads .env, and names it when it is where a value came from", async () => {
    const dir = await mkdtemp(join(tmpdir(), "cxda-genesys-env-"));
    try {
      await writeFile(
        join(dir, ".env"),
        "GENESYSCLOUD_OAUTHCLIENT_ID=from-dotenv\nGENESYSCLOUD_OAUTHCLIENT_SECRET=s\nGENESYSCLOUD_REGION=cac1.pure.cloud\n",
      );
      const resolved = resolvePlatformOptions({ platform: "genesys", cwd: dir, env: {} });
      expect(resolved).toMatchObject({ apiUrl: "https://api.cac1.pure.cloud/api/v2", envFile: join(dir, ".env"), auth: { clientId: "from-dotenv" } });
      expect(resolved.auth.credentialsHint).toBe("GENESYSCLOUD_OAUTHCLIENT_ID (in .env) and GENESYSCLOUD_OAUTHCLIENT_SECRET (in .env)");
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it("is chosen by the platform option, and an unknown platform is a clear error", () => {
    expect(resolvePlatformOptions({ platform: "genesys", envFile: false, env: credentials }).platform).toBe("genesys");
    expect(() => resolvePlatformOptions({ platform: "genesis" as "genesys" })).toThrow(
      /unknown platform "genesis" \(did you mean "genesys"\?\); use cxone or genesys/,
    );
  });
});
