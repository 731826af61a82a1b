// The file a worker thread or sandbox process runs: cxda's built module, or (when cxda runs from its TypeScript
// sources, in its own tests) that source bundled once with esbuild into node_modules/.cache/cxda.
import { createHash } from "node:crypto";
import { existsSync, statSync } from "node:fs";
import { mkdir, readFile, rename, writeFile } from "node:fs/promises";
import { join } from "node:path";

const resolved = new Map<string, Promise<string>>();

/** Options of {@link workerModule}. */
export interface WorkerModuleOptions {
  /** Prefer `<name>.bundle.js` (scripts/bundle-sandbox.mjs) when it is not older than tsc's `<name>.js`. @default false */
  bundled?: boolean;
  /** Give the source bundle an inline source map (stack traces into the .ts). @default false */
  sourcemap?: boolean;
}

/**
 * The module `name` of the folder `here` (a folder of `src/` or `dist/`), resolved once per process: the bundle when
 * asked for and fresh, else tsc's `.js`, else the `.ts` bundled with packages left as imports, written under the
 * package's `node_modules/.cache/cxda` (where those imports still resolve) and named by its content. A failure is not
 * kept: the next call tries again.
 * @example
 * new Worker(await workerModule(dirname(fileURLToPath(import.meta.url)), "lint-worker"));
 */
export function workerModule(here: string, name: string, options: WorkerModuleOptions = {}): Promise<string> {
  const key = join(here, name);
  let entry = resolved.get(key);
  if (entry === undefined) {
    entry = locate(here, name, options);
    resolved.set(key, entry);
    entry.catch(() => resolved.delete(key));
  }
  return entry;
}

async function locate(here: string, name: string, options: WorkerModuleOptions): Promise<string> {
  const [bundled, compiled] = [join(here, `${name}.bundle.js`), join(here, `${name}.js`)];
  if (options.bundled === true) {
    // A bundle older than tsc's output (tsc run alone, in a watch loop) would run yesterday's code.
    const modified = (file: string): number => statSync(file, { throwIfNoEntry: false })?.mtimeMs ?? -1;
    const bundledAt = modified(bundled);
    if (bundledAt >= 0 && bundledAt >= modified(compiled)) return bundled;
  }
  if (existsSync(compiled)) return compiled;
  const { build } = await import("esbuild");
  const result = await build({
    entryPoints: [join(here, `${name}.ts`)],
    bundle: true,
    write: false,
    format: "esm",
    platform: "node",
    target: "node20",
    packages: "external",
    ...(options.sourcemap === true ? { sourcemap: "inline" as const } : {}),
    logLevel: "silent",
  });
  const code = result.outputFiles[0]?.text ?? "";
  const cacheDir = join(here, "..", "..", "node_modules", ".cache", "cxda");
  const file = join(cacheDir, `${name}-${createHash("sha256").update(code).digest("hex").slice(0, 16)}.mjs`);
  if ((await readFile(file, "utf8").catch(() => "")) !== code) {
    await mkdir(cacheDir, { recursive: true });
    await writeFile(`${file}.${process.pid}.tmp`, code);
    await rename(`${file}.${process.pid}.tmp`, file);
  }
  return file;
}
