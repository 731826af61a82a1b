// Finds and loads cxda.config.{ts,mts,mjs,js,json}; code configs are bundled with esbuild into a temporary ES module and imported.
import { createHash } from "node:crypto";
import { existsSync } from "node:fs";
import { mkdir, readdir, rm, stat, writeFile } from "node:fs/promises";
import { dirname, extname, join, relative, resolve } from "node:path";
import { pathToFileURL } from "node:url";
import type { BuildFailure } from "esbuild";
import { CxdaError, describeThrown } from "../core/errors.js";
import { parseJsonText, readTextFile } from "../internal/json-file.js";
import { refuseDuplicateKeys } from "../internal/duplicate-keys.js";
import { resolveCxdaConfig, type CxdaConfig, type ResolvedCxdaConfig } from "./cxda-config.js";

/** The file names searched for, in this order. Two of them in one folder is an error. */
export const CONFIG_FILE_NAMES = ["cxda.config.ts", "cxda.config.mts", "cxda.config.mjs", "cxda.config.js", "cxda.config.json"] as const;

const CODE_EXTENSIONS = [".ts", ".mts", ".cts", ".js", ".mjs", ".cjs"];

/** Options of {@link loadConfig}. */
export interface LoadConfigOptions {
  /**
   * The folder searched for a config file; also the root for relative paths when there is none.
   * @default process.cwd()
   * @example "/work/my-project"
   */
  cwd?: string;
  /**
   * A config file to load instead of searching (`--config`), relative to `cwd`; a missing file is an error.
   * `false` skips config files: every setting is its default.
   * @default the first of {@link CONFIG_FILE_NAMES} in `cwd`, if any
   * @example "config/cxda.config.ts"
   */
  configFile?: string | false;
}

interface ResolvedLoadConfigOptions {
  cwd: string;
  configFile: string | false | undefined;
}

function resolveLoadConfigOptions(options: LoadConfigOptions): ResolvedLoadConfigOptions {
  const cwd = resolve(options.cwd ?? process.cwd());
  if (typeof options.configFile === "string" && options.configFile.trim() === "") {
    throw new CxdaError("E_CONFIG", "the config file path is empty; pass a file such as cxda.config.ts");
  }
  return { cwd, configFile: typeof options.configFile === "string" ? resolve(cwd, options.configFile) : options.configFile };
}

/**
 * The config file in `dir`, if there is one.
 * @throws CxdaError `E_CONFIG` when the folder holds more than one, since it would be unclear which one applies.
 * @example
 * await findConfigFile(process.cwd()); // "/work/my-project/cxda.config.ts" or undefined
 */
export async function findConfigFile(dir: string): Promise<string | undefined> {
  const entries = new Set(await readdir(dir).catch(() => [] as string[]));
  const found = CONFIG_FILE_NAMES.filter((name) => entries.has(name));
  if (found.length > 1) {
    throw new CxdaError("E_CONFIG", `${dir} holds ${found.join(" and ")}; keep one config file, or choose one with --config`, {
      context: { file: join(dir, found[0]!) },
    });
  }
  return found[0] === undefined ? undefined : join(dir, found[0]);
}

function shownPath(file: string, cwd: string): string {
  const shown = relative(cwd, file);
  return shown === "" || shown.startsWith("..") ? file : shown;
}

function compileError(error: unknown, file: string, shown: string, cwd: string): CxdaError {
  const first = (error as Partial<BuildFailure>).errors?.[0];
  if (first === undefined)
    return new CxdaError("E_CONFIG", `${shown}: cannot compile the config: ${describeThrown(error)}`, { cause: error, context: { file: shown } });
  const location = first.location;
  // esbuild names files relative to its working folder (the config's folder); show them relative to the user's.
  const where = location ? `${shownPath(resolve(dirname(file), location.file), cwd)}:${location.line}:${location.column + 1}` : shown;
  return new CxdaError("E_CONFIG", `${where}: cannot compile the config: ${first.text}`, {
    cause: error,
    context: { file: shown, line: location?.line, column: location ? location.column + 1 : undefined },
  });
}

let loads = 0;

/**
 * Bundles a TypeScript or JavaScript config (its relative imports inlined, packages left as imports) and imports the
 * result. The temporary module sits where the config's packages resolve from (the project's node_modules/.cache, else
 * beside the config) and is removed once imported. `import.meta.url`, `dirname` and `filename` keep naming the config.
 */
async function importCodeConfig(file: string, shown: string, cwd: string): Promise<unknown> {
  let code: string;
  try {
    // esbuild is loaded only for a config written in code; most runs have none.
    const { build } = await import("esbuild");
    const result = await build({
      entryPoints: [file],
      absWorkingDir: dirname(file),
      bundle: true,
      write: false,
      format: "esm",
      platform: "node",
      target: "node20",
      packages: "external",
      logLevel: "silent",
      define: {
        "import.meta.url": JSON.stringify(pathToFileURL(file).href),
        "import.meta.filename": JSON.stringify(file),
        "import.meta.dirname": JSON.stringify(dirname(file)),
      },
    });
    code = result.outputFiles[0]?.text ?? "";
  } catch (error) {
    throw compileError(error, file, shown, cwd);
  }
  const modules = join(dirname(file), "node_modules");
  const folder = existsSync(modules) ? join(modules, ".cache", "cxda") : dirname(file);
  const hash = createHash("sha256").update(code).digest("hex").slice(0, 12);
  const temp = join(folder, `.cxda-config-${hash}-${process.pid}-${++loads}.mjs`);
  await mkdir(folder, { recursive: true });
  await writeFile(temp, code);
  let loaded: { default?: unknown };
  try {
    loaded = (await import(/* @vite-ignore */ pathToFileURL(temp).href)) as { default?: unknown };
  } catch (error) {
    throw new CxdaError("E_CONFIG", `${shown}: the config failed while loading: ${describeThrown(error)}`, {
      cause: error,
      context: { file: shown },
    });
  } finally {
    await rm(temp, { force: true });
  }
  if (!("default" in loaded) || loaded.default === undefined) {
    throw new CxdaError("E_CONFIG", `${shown}: no default export; write \`export default defineConfig({ … })\``, { context: { file: shown } });
  }
  const value = await loaded.default;
  if (typeof value === "function") {
    throw new CxdaError(
      "E_CONFIG",
      `${shown}: the default export is a function; export the config object itself (\`export default defineConfig({ … })\`)`,
      {
        context: { file: shown },
      },
    );
  }
  return value;
}

/**
 * Loads the config file (found in `cwd`, or the one named by `configFile`) and resolves it: defaults applied, paths
 * made absolute against the file's folder, unknown keys and wrong types reported. With no file, every setting is its
 * default and paths are relative to `cwd`.
 * @throws CxdaError `E_CONFIG` naming the file, and the key path or line:column when known.
 * @example
 * const config = await loadConfig({ configFile: process.argv[2] });
 * for await (const result of runCases({ actions: config.actions, vars: config.vars, timeoutMs: config.timeoutMs })) { … }
 */
export async function loadConfig(options: LoadConfigOptions = {}): Promise<ResolvedCxdaConfig> {
  const { cwd, configFile } = resolveLoadConfigOptions(options);
  if (configFile === false) return resolveCxdaConfig({}, { rootDir: cwd });
  const file = configFile ?? (await findConfigFile(cwd));
  if (file === undefined) return resolveCxdaConfig({}, { rootDir: cwd });
  const shown = shownPath(file, cwd);
  const info = await stat(file).catch(() => undefined);
  if (info === undefined) throw new CxdaError("E_CONFIG", `${shown}: config file not found`, { context: { file: shown } });
  if (!info.isFile())
    throw new CxdaError("E_CONFIG", `${shown}: not a file; pass a config file such as cxda.config.ts`, { context: { file: shown } });
  const extension = extname(file);
  let raw: unknown;
  if (extension === ".json") {
    const text = await readTextFile(file, "E_CONFIG", shown);
    raw = parseJsonText(text, shown, "E_CONFIG");
    refuseDuplicateKeys(text, shown, "E_CONFIG");
  } else if (CODE_EXTENSIONS.includes(extension)) raw = await importCodeConfig(file, shown, cwd);
  else {
    throw new CxdaError("E_CONFIG", `${shown}: unsupported config file type "${extension}"; use .ts, .mts, .mjs, .js or .json`, {
      context: { file: shown },
    });
  }
  return resolveCxdaConfig(raw as CxdaConfig, { file, label: shown });
}
