// Unit tests of resolveCxdaConfig: defaults, paths against the config folder, reporters, and the errors for bad keys and values.
import { availableParallelism } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { defineConfig, resolveCxdaConfig, type CxdaConfig } from "./cxda-config.js";

const FILE = "/work/project/cxda.config.ts";
const ROOT = "/work/project";

function errorOf(config: unknown): { message: string; code: string; context: Record<string, unknown> } {
  try {
    resolveCxdaConfig(config as CxdaConfig, { file: FILE, label: "cxda.config.ts" });
  } catch (error) {
    return error as { message: string; code: string; context: Record<string, unknown> };
  }
  throw new Error("the config was accepted");
}

describe("resolveCxdaConfig", () => {
  it("carries the platform into the resolved auth, so every pull and parity run speaks it", () => {
    const resolved = resolveCxdaConfig({ platform: "genesys", auth: { region: "usw2.pure.cloud" } }, { rootDir: ROOT });
    expect(resolved.platform).toBe("genesys");
    expect(resolved.auth).toEqual({ cwd: ROOT, region: "usw2.pure.cloud", platform: "genesys" });
  });

  it("applies every default when the config is empty, relative to the working folder when there is no file", () => {
    expect(resolveCxdaConfig({}, { rootDir: ROOT })).toEqual({
      file: undefined,
      rootDir: ROOT,
      actions: [join(ROOT, "actions")],
      platform: "cxone",
      auth: { cwd: ROOT },
      cacheDir: join(ROOT, ".cxda", "cache"),
      buildDir: join(ROOT, ".cxda", "build"),
      reportsDir: join(ROOT, "reports"),
      timeoutMs: 2000,
      memoryMb: 256,
      workers: availableParallelism(),
      coverage: { enabled: false, thresholds: { branches: 0, lines: 0, functions: 0, statements: 0 } },
      reporters: [{ name: "default", outputFile: undefined }],
      vars: {},
      env: "sandbox",
      sandbox: { network: false, fsWrite: false },
      strict: true,
      retry: {},
    });
  });

  it("keeps the retry keys the config sets, and only those", () => {
    expect(resolveCxdaConfig({ retry: { maxAttempts: 6, maxDelayMs: 0 } }, { rootDir: ROOT }).retry).toEqual({ maxAttempts: 6, maxDelayMs: 0 });
  });

  it("keeps every value given, with paths made absolute against the config file's folder", () => {
    const config = defineConfig({
      actions: "src/actions",
      auth: { environment: "api-eu-1.cxone.com", dataActionIds: ["da-1"], envFile: false },
      cacheDir: "cache",
      reportsDir: "/tmp/reports",
      timeoutMs: 5000,
      memoryMb: 512,
      workers: 3,
      coverage: { enabled: true, thresholds: { branches: 80, lines: 90.5 } },
      reporters: ["default", "junit", { name: "json", outputFile: "out/run.json" }],
      vars: { region: "eu" },
      env: "production",
      sandbox: { network: true },
    });
    const resolved = resolveCxdaConfig(config, { file: FILE });
    expect(resolved).toMatchObject({
      file: FILE,
      rootDir: ROOT,
      actions: [join(ROOT, "src", "actions")],
      auth: { cwd: ROOT, environment: "api-eu-1.cxone.com", dataActionIds: ["da-1"], envFile: false },
      cacheDir: join(ROOT, "cache"),
      reportsDir: "/tmp/reports",
      timeoutMs: 5000,
      memoryMb: 512,
      workers: 3,
      coverage: { enabled: true, thresholds: { branches: 80, lines: 90.5, functions: 0, statements: 0 } },
      reporters: [
        { name: "default", outputFile: undefined },
        { name: "junit", outputFile: "/tmp/reports/junit.xml" },
        { name: "json", outputFile: join(ROOT, "out", "run.json") },
      ],
      vars: { region: "eu" },
      env: "production",
      sandbox: { network: true, fsWrite: false },
    });
  });

  it("gives the html reporter report.html in the reports folder", () => {
    expect(resolveCxdaConfig({ reporters: ["html"] }, { file: FILE }).reporters).toEqual([
      { name: "html", outputFile: join(ROOT, "reports", "report.html") },
    ]);
  });

  it("defineConfig returns its argument unchanged", () => {
    const config = { timeoutMs: 10 };
    expect(defineConfig(config)).toBe(config);
  });
});

describe("resolveCxdaConfig errors", () => {
  it("rejects an unknown top-level key with the file and a suggestion", () => {
    const error = errorOf({ timeout: 100 });
    expect(error.code).toBe("E_CONFIG");
    expect(error.message).toBe(
      'cxda.config.ts: unknown key "timeout" (did you mean "timeoutMs"?); the config allows actions, platform, auth, cacheDir, reportsDir, timeoutMs, memoryMb, workers, coverage, reporters, vars, env, sandbox, strict, retry',
    );
    expect(error.context).toEqual({ file: "cxda.config.ts", key: "timeout" });
  });

  it("names the full key path of a nested unknown key and suggests the full path", () => {
    const error = errorOf({ sandbox: { netwrok: true } });
    expect(error.message).toBe('cxda.config.ts: unknown key "sandbox.netwrok" (did you mean "sandbox.network"?); "sandbox" allows network, fsWrite');
    expect(error.context.key).toBe("sandbox.netwrok");
  });

  it.each([
    [{ auth: { clientSecert: "x" } }, 'unknown key "auth.clientSecert" (did you mean "auth.clientSecret"?)'],
    [{ coverage: { thresholds: { line: 80 } } }, 'unknown key "coverage.thresholds.line" (did you mean "coverage.thresholds.lines"?)'],
    [
      { reporters: ["default", { name: "junit", outputfile: "x.xml" }] },
      'unknown key "reporters[1].outputfile" (did you mean "reporters[1].outputFile"?)',
    ],
    [{ zzzzzz: 1 }, 'unknown key "zzzzzz"; the config allows'],
    [{ retry: { maxAttemps: 3 } }, 'unknown key "retry.maxAttemps" (did you mean "retry.maxAttempts"?)'],
  ])("reports %j as: %s", (config, expected) => {
    expect(errorOf(config).message).toContain(expected);
  });

  it.each([
    [{ workers: "4" }, '"workers" must be a whole number >= 1, got string "4"'],
    [{ workers: 0 }, '"workers" must be a whole number >= 1, got number 0'],
    [{ timeoutMs: 1.5 }, '"timeoutMs" must be a whole number from 1 to 600000, got number 1.5'],
    [{ timeoutMs: 600_001 }, '"timeoutMs" must be a whole number from 1 to 600000, got number 600001'],
    [{ memoryMb: 8 }, '"memoryMb" must be a whole number from 16 to 32768, got number 8'],
    [{ memoryMb: 1e9 }, '"memoryMb" must be a whole number from 16 to 32768, got number 1000000000'],
    [{ actions: ["actions", 3] }, '"actions[1]" must be a non-empty string, got number 3'],
    [{ actions: {} }, '"actions" must be a string or a list of strings, got object {}'],
    [{ env: "" }, '"env" must be a non-empty string, got string ""'],
    [{ vars: ["a"] }, '"vars" must be an object of variables, got array ["a"]'],
    [{ sandbox: { network: "yes" } }, '"sandbox.network" must be true or false, got string "yes"'],
    [{ sandbox: true }, '"sandbox" must be an object with any of network, fsWrite, got boolean true'],
    [{ coverage: { thresholds: { lines: 120 } } }, '"coverage.thresholds.lines" must be a number from 0 to 100, got number 120'],
    [{ coverage: { enabled: 1 } }, '"coverage.enabled" must be true or false, got number 1'],
    [{ reporters: "junit" }, '"reporters" must be a non-empty list of reporters'],
    [{ reporters: [] }, '"reporters" must be a non-empty list of reporters'],
    [{ reporters: ["junt"] }, '"reporters[0]" must be one of "default", "dot", "json", "junit", "html", got "junt" (did you mean "junit"?)'],
    [{ reporters: [{ name: "default", outputFile: "x" }] }, '"reporters[0].outputFile" must be absent: the default reporter prints to the terminal'],
    [{ reporters: ["junit", { name: "junit" }] }, '"reporters[1]" must be a reporter not listed before ("junit" is already in the list)'],
    [{ auth: { auth: "password" } }, '"auth.auth" must be one of "client-credentials", "access-key", got "password"'],
    [{ auth: { dataActionIds: "da-1" } }, '"auth.dataActionIds" must be a list of strings, got string "da-1"'],
    [{ auth: { envFile: true } }, '"auth.envFile" must be a non-empty string, got boolean true'],
    [{ auth: { allowInsecureHttp: "1" } }, '"auth.allowInsecureHttp" must be true or false, got string "1"'],
    [{ platform: "genesis" }, '"platform" must be one of "cxone", "genesys", got "genesis" (did you mean "genesys"?)'],
    [{ auth: { region: 1 } }, '"auth.region" must be a non-empty string, got number 1'],
    [{ retry: { maxAttempts: 0 } }, '"retry.maxAttempts" must be a whole number from 1 to 20, got number 0'],
    [{ retry: { maxDelayMs: -1 } }, '"retry.maxDelayMs" must be a whole number from 0 to 600000, got number -1'],
    [{ retry: { maxElapsedMs: "30s" } }, '"retry.maxElapsedMs" must be a whole number from 0 to 600000, got string "30s"'],
  ])("rejects %j: %s", (config, expected) => {
    const error = errorOf(config);
    expect(error.code).toBe("E_CONFIG");
    const prefix = `cxda.config.ts: ${expected}`;
    expect(error.message.slice(0, prefix.length)).toBe(prefix);
  });

  it("rejects a config that is not an object", () => {
    expect(errorOf([1]).message).toBe(
      "cxda.config.ts: the config must be an object with any of actions, platform, auth, cacheDir, reportsDir, timeoutMs, memoryMb, workers, coverage, reporters, vars, env, sandbox, strict, retry, got array [1]",
    );
  });
});

describe("config errors and secrets", () => {
  it('never print a secret\'s value, even a wrong one (regression: got array ["supersecret-abc"])', () => {
    let message = "";
    try {
      resolveCxdaConfig({ auth: { clientSecret: ["supersecret-abc"] } } as unknown as CxdaConfig, { file: FILE, label: "cxda.config.ts" });
    } catch (error) {
      message = (error as Error).message;
    }
    expect(message).toMatch(/auth\.clientSecret/);
    expect(message).not.toContain("supersecret");
  });
});

describe("strict", () => {
  it('defaults to true, and takes "warn"', () => {
    expect(resolveCxdaConfig({}, { rootDir: ROOT }).strict).toBe(true);
    expect(resolveCxdaConfig(defineConfig({ strict: "warn" }), { file: FILE }).strict).toBe("warn");
  });

  it("refuses false and anything else, saying what it takes", () => {
    expect(errorOf({ strict: false }).message).toBe(
      'cxda.config.ts: "strict" must be true or "warn" (warnings instead of errors for unknown keys, keywords and formats), got boolean false',
    );
    expect(errorOf({ strict: "warning" }).context).toEqual({ file: "cxda.config.ts", key: "strict" });
  });

  it("suggests strict for a near miss", () => {
    expect(errorOf({ stric: "warn" }).message).toContain('unknown key "stric" (did you mean "strict"?)');
  });
});
