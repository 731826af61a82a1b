// Unit tests of resolveCommandOptions and explicitFlags: flags over config over defaults, reporters, and commander defaults.
import { join } from "node:path";
import { Command } from "commander";
import { describe, expect, it } from "vitest";
import { resolveCxdaConfig, type CxdaConfig } from "../config/cxda-config.js";
import { addConfigOption, explicitFlags, resolveCommandOptions, type CommandFlags } from "./config-options.js";
import { addRunOptions } from "./shared-options.js";

const ROOT = "/work/project";
const CWD = "/work/elsewhere";
const configOf = (config: CxdaConfig = {}) => resolveCxdaConfig(config, { file: join(ROOT, "cxda.config.ts") });

describe("resolveCommandOptions", () => {
  it("takes every setting from the config when no flag is given", () => {
    const options = resolveCommandOptions(
      {},
      configOf({
        actions: ["a", "b"],
        vars: { region: "eu" },
        env: "production",
        workers: 2,
        timeoutMs: 5000,
        memoryMb: 512,
        sandbox: { fsWrite: true },
      }),
      { cwd: CWD },
    );
    expect(options.run).toEqual({
      actions: [join(ROOT, "a"), join(ROOT, "b")],
      vars: { region: "eu" },
      env: "production",
      workers: 2,
      timeoutMs: 5000,
      memoryMb: 512,
      allowNetwork: false,
      allowFsWrite: true,
      buildDir: join(ROOT, ".cxda", "build"),
    });
    expect(options.configFile).toBe(join(ROOT, "cxda.config.ts"));
  });

  it("lets each flag override the config, and resolves command-line paths against the working folder", () => {
    const flags: CommandFlags = { paths: ["x"], env: "staging", workers: 1, timeout: 100, memory: 64, allowNetwork: true, cacheDir: "c" };
    const options = resolveCommandOptions(flags, configOf({ env: "production", workers: 2, timeoutMs: 5000, memoryMb: 512 }), { cwd: CWD });
    expect(options.run).toMatchObject({ actions: [join(CWD, "x")], env: "staging", workers: 1, timeoutMs: 100, memoryMb: 64, allowNetwork: true });
    expect(options.cacheDir).toBe(join(CWD, "c"));
  });

  it("adds --var values to the config's vars, the flag winning on the same key", () => {
    const options = resolveCommandOptions({ var: ["region=us", "limit=3"] }, configOf({ vars: { region: "eu", tier: "gold" } }));
    expect(options.run.vars).toEqual({ region: "us", tier: "gold", limit: 3 });
  });

  it("puts --api-url over the config's auth and keeps the rest of it", () => {
    const options = resolveCommandOptions(
      { apiUrl: "http://127.0.0.1:1/api/v2" },
      configOf({ auth: { clientId: "id", apiUrl: "https://x/api/v2" } }),
    );
    expect(options.platform).toEqual({ cwd: ROOT, clientId: "id", apiUrl: "http://127.0.0.1:1/api/v2" });
  });

  it("uses --coverage over the config's coverage.enabled, keeping its thresholds", () => {
    const options = resolveCommandOptions({ coverage: true }, configOf({ coverage: { thresholds: { lines: 90 } } }));
    expect(options.coverage).toEqual({ enabled: true, thresholds: { branches: 0, lines: 90, functions: 0, statements: 0 } });
  });
});

describe("resolveCommandOptions reporters", () => {
  const config = configOf({ reporters: ["default", { name: "junit", outputFile: "ci/junit.xml" }] });

  it("uses the config's reporters when --reporter is not given", () => {
    expect(resolveCommandOptions({}, config).reporters).toEqual([
      { name: "default", outputFile: undefined },
      { name: "junit", outputFile: join(ROOT, "ci", "junit.xml") },
    ]);
  });

  it("replaces them with --reporter, keeping a file the config gave that reporter, else the reports folder", () => {
    expect(resolveCommandOptions({ reporter: ["junit,json"] }, config).reporters).toEqual([
      { name: "junit", outputFile: join(ROOT, "ci", "junit.xml") },
      { name: "json", outputFile: join(ROOT, "reports", "run.json") },
    ]);
  });

  it("takes --output-file as reporter=path, or as a bare path when one file reporter is in use", () => {
    const named = resolveCommandOptions({ reporter: ["junit", "json"], outputFile: ["json=out/r.json"] }, config, { cwd: CWD });
    expect(named.reporters).toEqual([
      { name: "junit", outputFile: join(ROOT, "ci", "junit.xml") },
      { name: "json", outputFile: join(CWD, "out", "r.json") },
    ]);
    const bare = resolveCommandOptions({ outputFile: ["j.xml"] }, config, { cwd: CWD });
    expect(bare.reporters[1]).toEqual({ name: "junit", outputFile: join(CWD, "j.xml") });
  });

  it.each([
    [{ reporter: ["junt"] }, '--reporter junt: unknown reporter (did you mean "junit"?); use default, dot, json, junit, html'],
    [
      { reporter: ["junit", "json"], outputFile: ["x.xml"] },
      "--output-file x.xml: with several file reporters, write reporter=path (like junit=reports/junit.xml)",
    ],
    [{ reporter: ["default"], outputFile: ["x.xml"] }, "--output-file x.xml: with no file reporter, write reporter=path"],
    [{ outputFile: ["html=r.html"] }, "--output-file html=r.html: the html reporter is not in use; add --reporter html"],
    [{ outputFile: ["default=r.txt"] }, "--output-file default=r.txt: the default reporter prints to the terminal and writes no file"],
  ])("rejects %j with E_USAGE", (flags, message) => {
    expect(() => resolveCommandOptions(flags, config)).toThrow(
      expect.objectContaining({ code: "E_USAGE", message: expect.stringContaining(message) }),
    );
  });
});

describe("explicitFlags", () => {
  function parse(argv: string[]): { flags: Partial<CommandFlags>; all: Record<string, unknown> } {
    let captured: { flags: Partial<CommandFlags>; all: Record<string, unknown> } | undefined;
    const program = new Command().exitOverride();
    addConfigOption(addRunOptions(program.command("test").argument("[paths...]"))).action(
      (_paths: string[], all: Record<string, unknown>, command: Command) => {
        captured = { flags: explicitFlags(command), all };
      },
    );
    program.parse(["node", "cxda", "test", ...argv]);
    return captured!;
  }

  it("drops values that are only commander defaults, so the config's values show through", () => {
    const { flags, all } = parse(["--env", "staging", "--config", "my.config.ts"]);
    expect(all).toMatchObject({ timeout: 2000, memory: 256, env: "staging" });
    expect(flags).toEqual({ env: "staging", config: "my.config.ts" });
    const options = resolveCommandOptions(flags, configOf({ timeoutMs: 5000, memoryMb: 512, env: "production" }));
    expect(options.run).toMatchObject({ timeoutMs: 5000, memoryMb: 512, env: "staging" });
  });

  it("keeps a flag given with the same value as its default", () => {
    const { flags } = parse(["--timeout", "2000"]);
    expect(resolveCommandOptions(flags, configOf({ timeoutMs: 5000 })).run.timeoutMs).toBe(2000);
  });
});

describe("resolveCommandOptions paths", () => {
  it("gives paths inside the working folder relative to it, as the user typed them, and others absolute", () => {
    const config = resolveCxdaConfig({ reporters: ["junit"] }, { rootDir: process.cwd() });
    const options = resolveCommandOptions({ paths: ["no/such/folder", "/elsewhere/actions"], cacheDir: "cache" }, config);
    expect(options.run.actions).toEqual(["no/such/folder", "/elsewhere/actions"]);
    expect(options.cacheDir).toBe("cache");
    expect(options.reportsDir).toBe("reports");
    expect(options.reporters).toEqual([{ name: "junit", outputFile: join("reports", "junit.xml") }]);
    expect(resolveCommandOptions({}, config).run.actions).toEqual(["actions"]);
  });
});
