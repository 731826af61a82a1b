// Unit tests of platform option resolution: precedence, CXONE_ENVIRONMENT, .env, URL checks and missing credentials.
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { inspect } from "node:util";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { hasPlatformCredentials, resolvePlatformOptions } from "./platform-options.js";

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), "cxda-platform-"));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

const base = { envFile: false as const };

describe("resolvePlatformOptions", () => {
  it("uses the tutorial's default URLs with client credentials from the environment", () => {
    const resolved = resolvePlatformOptions({ ...base, env: { CXONE_CLIENT_ID: "id", CXONE_CLIENT_SECRET: "secret-value" } });
    expect(resolved.apiUrl).toBe("https://api-us-1.cxone.com/api/v2");
    expect(resolved.auth).toMatchObject({ mode: "client-credentials", tokenUrl: "https://api-us-1.cxone.com/api/v2/oauth/token", clientId: "id" });
  });

  it("derives both URLs from CXONE_ENVIRONMENT", () => {
    const resolved = resolvePlatformOptions({
      ...base,
      env: { CXONE_ENVIRONMENT: "api-eu-1.cxone.com", CXONE_CLIENT_ID: "id", CXONE_CLIENT_SECRET: "s" },
    });
    expect(resolved.apiUrl).toBe("https://api-eu-1.cxone.com/api/v2");
    expect(resolved.auth).toMatchObject({ tokenUrl: "https://api-eu-1.cxone.com/api/v2/oauth/token" });
  });

  it("lets CXONE_API_URL and CXONE_TOKEN_URL override CXONE_ENVIRONMENT, and options override both", () => {
    const env = {
      CXONE_ENVIRONMENT: "api-eu-1.cxone.com",
      CXONE_API_URL: "http://127.0.0.1:4010/api/v2/",
      CXONE_TOKEN_URL: "http://127.0.0.1:4011/token",
      CXONE_CLIENT_ID: "id",
      CXONE_CLIENT_SECRET: "s",
    };
    const fromEnv = resolvePlatformOptions({ ...base, env });
    expect(fromEnv.apiUrl).toBe("http://127.0.0.1:4010/api/v2");
    expect(fromEnv.auth).toMatchObject({ tokenUrl: "http://127.0.0.1:4011/token" });
    const fromOptions = resolvePlatformOptions({ ...base, env, apiUrl: "http://localhost:9/api/v2", clientId: "other" });
    expect(fromOptions.apiUrl).toBe("http://localhost:9/api/v2");
    expect(fromOptions.auth).toMatchObject({ clientId: "other", tokenUrl: "http://127.0.0.1:4011/token" });
  });

  it("derives the token URL from an explicit API URL", () => {
    const resolved = resolvePlatformOptions({ ...base, env: {}, apiUrl: "http://127.0.0.1:5000/api/v2", clientId: "i", clientSecret: "s" });
    expect(resolved.auth).toMatchObject({ tokenUrl: "http://127.0.0.1:5000/api/v2/oauth/token" });
  });

  it("reads .env in the working folder, below the process environment", async () => {
    await writeFile(join(dir, ".env"), '# local\nCXONE_CLIENT_ID=from-file\nCXONE_CLIENT_SECRET="file secret"\nCXONE_DATA_ACTION_ID=da-1, da-2\n');
    const resolved = resolvePlatformOptions({ cwd: dir, env: { CXONE_CLIENT_ID: "from-env" } });
    expect(resolved.auth).toMatchObject({ clientId: "from-env" });
    expect(resolved.auth.clientSecret.reveal()).toBe("file secret");
    expect(resolved.dataActionIds).toEqual(["da-1", "da-2"]);
    expect(resolved.envFile).toBe(join(dir, ".env"));
  });

  it("names the variable to set when a credential is missing", () => {
    expect(() => resolvePlatformOptions({ ...base, env: { CXONE_CLIENT_ID: "id" } })).toThrow(
      expect.objectContaining({ code: "E_CONFIG", message: expect.stringContaining("set CXONE_CLIENT_SECRET") }),
    );
    expect(hasPlatformCredentials({ ...base, env: {} })).toBe(false);
  });

  it("accepts plain http on loopback and refuses it elsewhere unless allowed", () => {
    const creds = { CXONE_CLIENT_ID: "i", CXONE_CLIENT_SECRET: "s" };
    expect(resolvePlatformOptions({ ...base, env: { ...creds, CXONE_API_URL: "http://[::1]:8080/api/v2" } }).apiUrl).toBe("http://[::1]:8080/api/v2");
    expect(() => resolvePlatformOptions({ ...base, env: { ...creds, CXONE_API_URL: "http://example.com/api/v2" } })).toThrow(
      /CXONE_API_URL uses plain http/,
    );
    expect(
      resolvePlatformOptions({ ...base, env: { ...creds, CXONE_API_URL: "http://stand-in:8080/api/v2", CXONE_ALLOW_INSECURE_HTTP: "1" } }).apiUrl,
    ).toBe("http://stand-in:8080/api/v2");
    expect(() => resolvePlatformOptions({ ...base, env: { ...creds, CXONE_TOKEN_URL: "not a url" } })).toThrow(/CXONE_TOKEN_URL is not a valid URL/);
    // A malformed setting is an error even when asking whether credentials exist.
    expect(() => hasPlatformCredentials({ ...base, env: { ...creds, CXONE_API_URL: "ftp://x" } })).toThrow(/http\(s\)/);
  });

  it("chooses access-key mode when an access key id is set, and needs a tenant or an API URL", () => {
    const env = { CXONE_ACCESS_KEY_ID: "ak", CXONE_ACCESS_KEY_SECRET: "aks", CXONE_CLIENT_ID: "c", CXONE_CLIENT_SECRET: "cs" };
    expect(() => resolvePlatformOptions({ ...base, env })).toThrow(/CXONE_TENANT_ID/);
    const resolved = resolvePlatformOptions({ ...base, env: { ...env, CXONE_TENANT_ID: "t-1" } });
    expect(resolved.apiUrl).toBeUndefined();
    expect(resolved.auth).toMatchObject({ mode: "access-key", issuerUrl: "https://cxone.niceincontact.com", tenantId: "t-1", accessKeyId: "ak" });
    expect(resolved.auth.mode === "access-key" && resolved.auth.credentialsHint).toBe("CXONE_ACCESS_KEY_ID and CXONE_ACCESS_KEY_SECRET");
  });

  it("rejects an unknown auth mode", () => {
    expect(() => resolvePlatformOptions({ ...base, env: { CXONE_AUTH_MODE: "magic" } })).toThrow(/CXONE_AUTH_MODE must be/);
  });

  it("never shows a secret when printed or serialised", () => {
    const resolved = resolvePlatformOptions({ ...base, env: { CXONE_CLIENT_ID: "id", CXONE_CLIENT_SECRET: "very-secret-value" } });
    expect(JSON.stringify(resolved)).not.toContain("very-secret-value");
    expect(inspect(resolved, { depth: 10 })).not.toContain("very-secret-value");
    expect(String(resolved.auth.clientSecret)).toBe("[redacted]");
  });
});
