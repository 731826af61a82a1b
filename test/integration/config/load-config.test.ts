// Loads real config files of every format from temp folders: values, paths, package imports, precedence and errors.
import { mkdir, mkdtemp, readdir, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { findConfigFile, loadConfig } from "../../../src/config/load-config.js";
import { REPO_ROOT } from "../../helpers/temp-project.js";

const DEFINE_CONFIG = JSON.stringify(join(REPO_ROOT, "src", "config", "cxda-config.ts"));

let root: string;
beforeEach(async () => {
  root = await mkdtemp(join(tmpdir(), "cxda-config-"));
});
afterEach(async () => {
  await rm(root, { recursive: true, force: true });
});

async function write(file: string, text: string): Promise<string> {
  const path = join(root, file);
  await mkdir(dirname(path), { recursive: true });
  await writeFile(path, text);
  return path;
}

async function failure(promise: Promise<unknown>): Promise<{ code: string; message: string; context: Record<string, unknown> }> {
  try {
    await promise;
  } catch (error) {
    return error as { code: string; message: string; context: Record<string, unknown> };
  }
  throw new Error("the config loaded");
}

describe("loadConfig formats", () => {
  it("gives the defaults, relative to the working folder, when there is no config file", async () => {
    const config = await loadConfig({ cwd: root });
    expect(config).toMatchObject({ file: undefined, rootDir: root, actions: [join(root, "actions")], timeoutMs: 2000, env: "sandbox" });
  });

  it("loads cxda.config.ts: TypeScript, defineConfig, a relative import and import.meta.dirname", async () => {
    await write("config/shared.ts", "export const shared: { region: string } = { region: 'eu' };\n");
    await write(
      "cxda.config.ts",
      [
        `import { defineConfig } from ${DEFINE_CONFIG};`,
        "import { join } from 'node:path';",
        "import { shared } from './config/shared';",
        "const timeout: number = 4000;",
        "export default defineConfig({ timeoutMs: timeout, vars: { ...shared, here: import.meta.dirname }, cacheDir: join('.cache', 'defs'), sandbox: { network: true } });",
      ].join("\n"),
    );
    const config = await loadConfig({ cwd: root });
    expect(config).toMatchObject({
      file: join(root, "cxda.config.ts"),
      timeoutMs: 4000,
      vars: { region: "eu", here: root },
      cacheDir: join(root, ".cache", "defs"),
      sandbox: { network: true, fsWrite: false },
    });
  });

  it.each([
    ["cxda.config.mts", "const env: string = 'production';\nexport default { env };\n"],
    ["cxda.config.mjs", "export default { env: 'production' };\n"],
    ["cxda.config.js", "module.exports = { env: 'production' };\n"],
    ["cxda.config.json", '{ "env": "production" }\n'],
  ])("loads %s", async (name, text) => {
    await write(name, text);
    const config = await loadConfig({ cwd: root });
    expect(config.file).toBe(join(root, name));
    expect(config.env).toBe("production");
  });

  it("refuses a cxda.config.json with a key written twice, which JSON.parse would have dropped without a word (regression)", async () => {
    await write("cxda.config.json", '{\n  "timeoutMs": 5000,\n  "timeoutMs": 100\n}\n');
    await expect(loadConfig({ cwd: root })).rejects.toMatchObject({
      code: "E_CONFIG",
      message: expect.stringMatching(/cxda\.config\.json:3:3: timeoutMs: the key "timeoutMs" appears twice in one object/),
    });
  });

  it("loads an ES module cxda.config.js in a package of type module", async () => {
    await write("package.json", '{ "type": "module" }');
    await write("cxda.config.js", "export default { workers: 2 };\n");
    expect((await loadConfig({ cwd: root })).workers).toBe(2);
  });

  it("resolves package imports from the project's node_modules, and leaves no temporary module behind", async () => {
    await write("node_modules/cxda-test-settings/package.json", '{ "name": "cxda-test-settings", "type": "module", "exports": "./index.js" }');
    await write("node_modules/cxda-test-settings/index.js", "export const timeoutMs = 1234;\n");
    await write("cxda.config.ts", "import { timeoutMs } from 'cxda-test-settings';\nexport default { timeoutMs };\n");
    expect((await loadConfig({ cwd: root })).timeoutMs).toBe(1234);
    const cache = await readdir(join(root, "node_modules", ".cache", "cxda"));
    expect(cache.filter((name) => name.startsWith(".cxda-config-"))).toEqual([]);
    expect((await readdir(root)).filter((name) => name.startsWith(".cxda-config-"))).toEqual([]);
  });

  it("loads the file named by configFile, with paths relative to that file's folder", async () => {
    await write("ci/settings.json", '{ "actions": ["../actions", "more"], "reportsDir": "out" }');
    const config = await loadConfig({ cwd: root, configFile: "ci/settings.json" });
    expect(config).toMatchObject({
      rootDir: join(root, "ci"),
      actions: [join(root, "actions"), join(root, "ci", "more")],
      reportsDir: join(root, "ci", "out"),
    });
  });

  it("ignores config files when configFile is false", async () => {
    await write("cxda.config.json", '{ "env": "production" }');
    expect((await loadConfig({ cwd: root, configFile: false })).env).toBe("sandbox");
  });
});

describe("loadConfig errors", () => {
  it("names the key path and the file for an unknown key in a TypeScript config", async () => {
    await write("cxda.config.ts", "export default { sandbox: { netwrok: true } };\n");
    const error = await failure(loadConfig({ cwd: root }));
    expect(error.code).toBe("E_CONFIG");
    expect(error.message).toBe('cxda.config.ts: unknown key "sandbox.netwrok" (did you mean "sandbox.network"?); "sandbox" allows network, fsWrite');
  });

  it("names the key and the expected type for a wrong value in a JSON config", async () => {
    await write("cxda.config.json", '{ "workers": "4" }');
    expect((await failure(loadConfig({ cwd: root }))).message).toBe('cxda.config.json: "workers" must be a whole number >= 1, got string "4"');
  });

  it("reports malformed JSON at its line and column", async () => {
    await write("cxda.config.json", '{\n  "env": "x",,\n}');
    const error = await failure(loadConfig({ cwd: root }));
    expect(error.message).toMatch(/^cxda\.config\.json:2:14: malformed JSON/);
  });

  it("reports a TypeScript syntax error at its line and column", async () => {
    await write("cxda.config.ts", "export default {\n  env: 'x' +,\n};\n");
    const error = await failure(loadConfig({ cwd: root }));
    expect(error.code).toBe("E_CONFIG");
    expect(error.message).toMatch(/^cxda\.config\.ts:2:13: cannot compile the config: /);
    expect(error.context).toMatchObject({ file: "cxda.config.ts", line: 2, column: 13 });
  });

  it("reports a relative import that does not exist as a compile error", async () => {
    await write("cxda.config.ts", "import { x } from './missing';\nexport default { env: x };\n");
    expect((await failure(loadConfig({ cwd: root }))).message).toMatch(
      /^cxda\.config\.ts:1:19: cannot compile the config: Could not resolve "\.\/missing"/,
    );
  });

  it("reports a config that throws while loading", async () => {
    await write("cxda.config.mjs", "throw new Error('no settings today');\n");
    expect((await failure(loadConfig({ cwd: root }))).message).toBe("cxda.config.mjs: the config failed while loading: no settings today");
  });

  it.each([
    ["cxda.config.ts", "export const config = {};\n", "cxda.config.ts: no default export; write `export default defineConfig({ … })`"],
    ["cxda.config.ts", "export default () => ({});\n", "cxda.config.ts: the default export is a function; export the config object itself"],
    ["cxda.config.mjs", "export default 42;\n", "cxda.config.mjs: the config must be an object with any of actions, platform, auth"],
  ])("rejects %s holding %j", async (name, text, message) => {
    await write(name, text);
    expect((await failure(loadConfig({ cwd: root }))).message).toContain(message);
  });

  it("refuses to choose between two config files", async () => {
    await write("cxda.config.ts", "export default {};\n");
    await write("cxda.config.json", "{}");
    await expect(findConfigFile(root)).rejects.toThrow(
      "holds cxda.config.ts and cxda.config.json; keep one config file, or choose one with --config",
    );
  });

  it("reports a configFile that does not exist, or has an unsupported type", async () => {
    expect((await failure(loadConfig({ cwd: root, configFile: "nope.ts" }))).message).toBe("nope.ts: config file not found");
    await write("cxda.yaml", "env: x\n");
    expect((await failure(loadConfig({ cwd: root, configFile: "cxda.yaml" }))).message).toBe(
      'cxda.yaml: unsupported config file type ".yaml"; use .ts, .mts, .mjs, .js or .json',
    );
  });
});
