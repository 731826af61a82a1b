// Bundles a transform (TypeScript or JavaScript, a file or a definition's script) into one ES module with an inline source map.
import { createHash, randomUUID } from "node:crypto";
import { existsSync } from "node:fs";
import { mkdir, readdir, readFile, readlink, rename, stat, writeFile } from "node:fs/promises";
import { createRequire, isBuiltin } from "node:module";
import { basename, dirname, extname, join, resolve, sep } from "node:path";
import { fileURLToPath } from "node:url";
import type { BuildFailure, Message, Plugin } from "esbuild";
import { CxdaError } from "../core/errors.js";
import { sandboxPlugin, type SandboxAllowances } from "./sandbox-modules.js";

/** Where a transform's code comes from. */
export type TransformSource =
  | { kind: "file"; file: string }
  /** A definition's server-side script (`transform.source`); `name` labels it in stacks and errors. */
  | { kind: "inline"; source: string; name: string; resolveDir: string };

/** A transform ready to import in a worker. */
export interface BundledTransform {
  /** Absolute path of the bundled `.mjs`. */
  file: string;
  /** Content hash of the bundle; a new hash means the code changed. */
  hash: string;
  /** What the bundle was built from, for messages. */
  label: string;
  /** Absolute paths of every file esbuild compiled into the bundle (the entry, its imports, packages' files). */
  inputs: string[];
  /**
   * Absolute paths of what else decides how those files compile and resolve: the folders that hold them (their
   * listing), every `tsconfig.json`, `jsconfig.json` and `package.json` looked at above them (present or not), and the
   * `node_modules` folders searched for each package. A change to any of these or to {@link inputs} may change the bundle.
   */
  context: string[];
}

/** A transform that does not compile, with the files esbuild had read when it stopped (a fix in any of them counts). */
export class TransformCompileError extends CxdaError {
  /** Absolute paths of the files esbuild read before it failed. */
  readonly inputs: string[];
  /**
   * What else a fix may come from, as {@link BundledTransform.context} (folders whose listing counts, config files),
   * plus each relative import's target and the nearest folder above it that exists: a helper imported before it is
   * written, in a folder that may not exist yet either.
   */
  readonly lookedFor: string[];

  constructor(message: string, options: { cause: unknown; file: string; inputs: string[]; lookedFor?: string[] }) {
    super("E_COMPILE", message, { cause: options.cause, context: { file: options.file } });
    this.inputs = options.inputs;
    this.lookedFor = options.lookedFor ?? [];
  }
}

/** The paths a manifest's context keys name (see {@link BundleManifest.context}). */
function contextPaths(context: Record<string, string | null>): string[] {
  // Sorted: the keys are added as checks finish, and one build must report the same list as the next.
  return Object.keys(context)
    .map((key) => (key.startsWith(EXISTS) ? key.slice(EXISTS.length) : key.endsWith(sep) ? key.slice(0, -1) : key))
    .sort();
}

/** Options of {@link bundleTransform}. */
export interface BundleOptions {
  /** Folder for bundles (created when missing). */
  buildDir: string;
  allow: SandboxAllowances;
}

function describeMessage(message: Message): string {
  const where = message.location ? `${message.location.file}:${message.location.line}:${message.location.column + 1}: ` : "";
  return `${where}${message.text}`;
}

/**
 * What a bundle was built from, kept beside it (`<bundle>.inputs.json`). While every recorded file still has the same
 * bytes (or is still absent), the bundle is reused without loading esbuild at all.
 */
interface BundleManifest {
  bundle: string;
  hash: string;
  /** Absolute path → sha256 of the bytes esbuild compiled. */
  inputs: Record<string, string>;
  /**
   * What else decides how those files compile and resolve: each input folder's listing (a new `helper.ts` beside
   * `helper.js` changes what `./helper` means), and every `tsconfig.json`, `jsconfig.json` and `package.json` from
   * those folders up (null: absent).
   */
  context: Record<string, string | null>;
}

/** Bumped when the manifest's shape or meaning changes, so that older manifests are not trusted. */
const MANIFEST_FORMAT = 3;

/** Files that change how the sources around them are compiled or resolved. */
const CONFIG_FILES = ["tsconfig.json", "jsconfig.json", "package.json"];

function sha256(data: string | Buffer): string {
  return createHash("sha256").update(data).digest("hex");
}

let fingerprint: Promise<string> | undefined;

/**
 * What built a bundle: this module and the sandbox plugin (their code, not a version number, so a change in
 * development counts too), esbuild's version and Node's. A bundle built by anything else is not reused.
 */
function builderFingerprint(): Promise<string> {
  fingerprint ??= (async () => {
    const here = fileURLToPath(import.meta.url);
    const sandbox = join(dirname(here), `sandbox-modules${extname(here)}`);
    const esbuildPackage = createRequire(import.meta.url).resolve("esbuild/package.json");
    const parts = await Promise.all([here, sandbox, esbuildPackage].map((file) => readFile(file).then(sha256, () => "absent")));
    return sha256(JSON.stringify({ parts, node: process.version }));
  })();
  return fingerprint;
}

/** Names the manifest of a source under given allowances: a different source or sandbox is a different bundle. */
async function manifestPath(source: TransformSource, options: BundleOptions, label: string): Promise<string> {
  const key = sha256(
    JSON.stringify({ format: MANIFEST_FORMAT, builder: await builderFingerprint(), source, allow: options.allow, cwd: process.cwd() }),
  ).slice(0, 16);
  return join(options.buildDir, `${stemOf(label)}-${key}.inputs.json`);
}

function stemOf(label: string): string {
  const stem = basename(label, extname(label)).replace(/[^\w.-]/g, "_");
  return `${basename(dirname(label)).replace(/[^\w.-]/g, "_")}-${stem}`;
}

/** The sha256 of a file's bytes, or null when it cannot be read (absent). */
async function fileHash(file: string): Promise<string | null> {
  const bytes = await readFile(file).catch(() => undefined);
  return bytes === undefined ? null : sha256(bytes);
}

/**
 * A folder's listing as one hash (null when it cannot be read): each entry's name and kind, and where a symbolic link
 * points, so that retargeting a link counts as a change.
 */
async function listingHash(dir: string): Promise<string | null> {
  const entries = await readdir(dir, { withFileTypes: true }).catch(() => undefined);
  if (entries === undefined) return null;
  const described = await Promise.all(
    entries.map(async (entry) => {
      if (!entry.isSymbolicLink()) return `${entry.name}\u0001${entry.isDirectory() ? "d" : "f"}`;
      return `${entry.name}\u0001l\u0001${await readlink(join(dir, entry.name)).catch(() => "?")}`;
    }),
  );
  return sha256(described.sort().join("\u0000"));
}

/** "yes" when `path` exists (anything at all), null when not. */
async function existence(path: string): Promise<string | null> {
  return (await stat(path).catch(() => undefined)) === undefined ? null : "yes";
}

/** What a context entry's key says to check (see {@link BundleManifest.context}). */
function checkEntry(key: string): Promise<string | null> {
  if (key.startsWith(EXISTS)) return existence(key.slice(EXISTS.length));
  if (key.endsWith(sep)) return listingHash(key.slice(0, -1));
  return fileHash(key);
}

/** Prefix of a context key that records only whether a path exists. */
const EXISTS = "exists:";

/** Files a tsconfig.json or jsconfig.json extends (relative paths, or a package's file), read from its text. */
function extendedConfigs(file: string, text: string): string[] {
  const match = /"extends"\s*:\s*(\[[^\]]*\]|"[^"]*")/.exec(text);
  if (match === null) return [];
  const names = [...match[1]!.matchAll(/"([^"]*)"/g)].map((m) => m[1]!);
  return names.flatMap((name) => {
    if (name.startsWith(".") || name.startsWith("/")) {
      const target = resolve(dirname(file), name);
      return extname(target) === "" ? [`${target}.json`, target] : [target];
    }
    try {
      return [createRequire(file).resolve(name)];
    } catch {
      return [];
    }
  });
}

/** Where a bare import (`pkg`, `@scope/pkg/sub`) is looked for from `resolveDir`: each `node_modules/<package>` up. */
function packageDirs(resolveDir: string, specifier: string): string[] {
  const parts = specifier.split("/");
  const name = specifier.startsWith("@") ? parts.slice(0, 2).join("/") : parts[0]!;
  const dirs: string[] = [];
  for (let dir = resolveDir; ; dir = dirname(dir)) {
    dirs.push(join(dir, "node_modules", name));
    if (dirname(dir) === dir) return dirs;
  }
}

/**
 * The context of a build (see {@link BundleManifest.context}): the listing of each folder that holds an input, the
 * nearest tsconfig.json, jsconfig.json and package.json above each (with the absent ones on the way, so that a nearer
 * one appearing counts) and the files they extend, and, for each package imported by name, the `node_modules`
 * folders searched up to the one that was found.
 */
async function contextOf(
  inputs: string[],
  packages: ReadonlyArray<{ resolveDir: string; specifier: string }>,
): Promise<Record<string, string | null>> {
  const context: Record<string, string | null> = {};
  const folders = new Set(inputs.map((input) => dirname(input)));
  await Promise.all([...folders].map(async (folder) => (context[`${folder}${sep}`] = await listingHash(folder))));
  const configs = new Set<string>();
  for (const folder of folders) {
    for (const name of CONFIG_FILES) {
      for (let dir = folder; ; dir = dirname(dir)) {
        const file = join(dir, name);
        configs.add(file);
        if (existsSync(file) || dirname(dir) === dir) break;
      }
    }
  }
  const read = async (file: string, depth: number): Promise<void> => {
    if (file in context) return;
    const bytes = await readFile(file).catch(() => undefined);
    context[file] = bytes === undefined ? null : sha256(bytes);
    if (bytes !== undefined && depth < 8 && !file.endsWith("package.json")) {
      await Promise.all(extendedConfigs(file, bytes.toString("utf8")).map((extended) => read(extended, depth + 1)));
    }
  };
  await Promise.all([...configs].map((file) => read(file, 0)));
  for (const { resolveDir, specifier } of packages) {
    for (const dir of packageDirs(resolveDir, specifier)) {
      const found = await existence(dir);
      context[`${EXISTS}${dir}`] = found;
      if (found !== null) break;
    }
  }
  return context;
}

/**
 * What a build that failed depended on beyond the files it read (see {@link TransformCompileError.lookedFor}): its
 * context as a successful build's, and for each relative import, its target and the nearest existing folder above it.
 */
async function lookedFor(
  inputs: string[],
  packages: ReadonlyArray<{ resolveDir: string; specifier: string }>,
  imported: readonly string[],
): Promise<string[]> {
  const paths = new Set(contextPaths(await contextOf(inputs, packages).catch(() => ({}))));
  for (const target of new Set(imported)) {
    paths.add(target);
    let folder = dirname(target);
    while (!existsSync(folder) && dirname(folder) !== folder) folder = dirname(folder);
    paths.add(folder);
  }
  return [...paths].sort();
}

/** The bundle a manifest describes, when it exists and everything it was built from is as it was. */
async function reusable(manifestFile: string): Promise<BundleManifest | undefined> {
  let manifest: BundleManifest;
  try {
    manifest = JSON.parse(await readFile(manifestFile, "utf8")) as BundleManifest;
  } catch {
    return undefined;
  }
  const isRecord = (value: unknown): value is Record<string, unknown> => typeof value === "object" && value !== null;
  if (typeof manifest.bundle !== "string" || typeof manifest.hash !== "string" || !isRecord(manifest.inputs) || !isRecord(manifest.context))
    return undefined;
  if (!(await stat(manifest.bundle).catch(() => undefined))?.isFile()) return undefined;
  const checks = [
    ...Object.entries(manifest.inputs).map(async ([file, hash]) => (await fileHash(file)) === hash),
    ...Object.entries(manifest.context).map(async ([key, hash]) => (await checkEntry(key)) === hash),
  ];
  return (await Promise.all(checks)).every(Boolean) ? manifest : undefined;
}

/**
 * Reads every file esbuild compiles and records the hash of exactly those bytes: a file saved again during the build
 * then no longer matches, and the next run builds again instead of trusting a bundle of the older text. Also notes
 * each package imported by name and where from, so that a `node_modules` appearing nearer counts as a change.
 */
function recordInputs(hashes: Record<string, string>, packages: Array<{ resolveDir: string; specifier: string }>, paths: string[] = []): Plugin {
  return {
    name: "cxda-record-inputs",
    setup(build) {
      build.onResolve({ filter: /^[^./]/ }, (args) => {
        if (args.namespace === "file" && args.resolveDir !== "" && !isBuiltin(args.path))
          packages.push({ resolveDir: args.resolveDir, specifier: args.path });
        return undefined;
      });
      // Where each relative or absolute import points, found or not: a compile error names what to watch for.
      build.onResolve({ filter: /^(?:\.\.?(?:\/|$)|\/)/ }, (args) => {
        if (args.resolveDir !== "") paths.push(resolve(args.resolveDir, args.path));
        return undefined;
      });
      build.onLoad({ filter: /.*/, namespace: "file" }, async (args) => {
        const bytes = await readFile(args.path);
        hashes[args.path] = sha256(bytes);
        return { contents: bytes, loader: "default" };
      });
    },
  };
}

/** Writes `text` to `file` through a temp file unique to this call, so a reader never sees half of it. */
/** Why the build folder cannot be made, and what to do: a file in its way (`.cxda` as a file), or no permission. */
function buildDirError(error: unknown, buildDir: string): CxdaError {
  const code = (error as NodeJS.ErrnoException).code;
  const reason =
    code === "ENOTDIR" || code === "EEXIST"
      ? "a file stands where a folder of that path must be (a file named .cxda?); move it away"
      : code === "EACCES" || code === "EPERM" || code === "EROFS"
        ? "the folder cannot be written here; make it writable"
        : `${code ?? (error instanceof Error ? error.message : String(error))}`;
  return new CxdaError("E_TRANSFORM", `cannot create the build folder ${buildDir} for the transform's bundle: ${reason}`, {
    cause: error,
    context: { file: buildDir },
  });
}

async function writeAtomically(file: string, text: string): Promise<void> {
  const temp = `${file}.${process.pid}.${randomUUID()}.tmp`;
  await writeFile(temp, text);
  await rename(temp, file);
}

/** esbuild builds under way. */
let builds = 0;
let idleTimer: NodeJS.Timeout | undefined;

/** How long esbuild's service may sit idle before it is stopped (a watch-mode rerun within this reuses it). */
const BUNDLER_IDLE_MS = 1_000;

/**
 * One build is over: once none has run for a second, esbuild's service process is stopped, so the 12 MB it holds are
 * not kept through a long run of cases.
 */
function releaseBundler(): void {
  builds--;
  clearTimeout(idleTimer);
  idleTimer = setTimeout(() => {
    if (builds === 0 && holds === 0) void import("esbuild").then(({ stop }) => stop());
  }, BUNDLER_IDLE_MS);
  idleTimer.unref();
}

/** Callers that keep esbuild's service running between builds (see {@link holdBundler}). */
let holds = 0;

/**
 * Keeps esbuild's service running until the returned function is called, and starts it now: watch mode's rebuild
 * after a save then takes about 10 ms instead of the 25 to 100 ms of loading esbuild and starting its service again.
 * @example
 * const release = holdBundler();
 * try { … reruns … } finally { release(); }
 */
export function holdBundler(): () => void {
  holds++;
  void import("esbuild").then(
    ({ transform }) => transform("").catch(() => undefined),
    () => undefined,
  );
  let released = false;
  return () => {
    if (released) return;
    released = true;
    holds--;
    builds++;
    releaseBundler();
  };
}

/**
 * Bundles the transform with esbuild (ESM, Node 20, inline source map) behind the sandbox plugin
 * and writes it under `buildDir`, named by content hash so an unchanged transform is written once. When the files
 * of the last build are unchanged (same bytes), the last bundle is returned without starting esbuild.
 * @example
 * const bundle = await bundleTransform({ kind: "file", file: "actions/x/transform.ts" }, { buildDir: ".cxda/build", allow });
 */
export async function bundleTransform(source: TransformSource, options: BundleOptions): Promise<BundledTransform> {
  const label = source.kind === "file" ? source.file : source.name;
  if (source.kind === "file") {
    const info = await stat(source.file).catch(() => undefined);
    if (!info?.isFile()) {
      throw new CxdaError("E_TRANSFORM", `${source.file}: transform file not found`, { context: { file: source.file } });
    }
  }
  const manifestFile = await manifestPath(source, options, label);
  const cached = await reusable(manifestFile);
  if (cached !== undefined)
    return { file: cached.bundle, hash: cached.hash, label, inputs: Object.keys(cached.inputs).sort(), context: contextPaths(cached.context) };
  // The entry's folder as the build is about to see it: if it changes during the build, no manifest is written.
  const before = await contextOf([source.kind === "file" ? resolve(source.file) : join(source.resolveDir, "(inline)")], []);

  let code: string;
  const inputs: Record<string, string> = {};
  const packages: Array<{ resolveDir: string; specifier: string }> = [];
  const imported: string[] = [];
  builds++;
  try {
    const { build } = await import("esbuild");
    const result = await build({
      ...(source.kind === "file"
        ? { entryPoints: [source.file] }
        : { stdin: { contents: source.source, sourcefile: source.name, loader: "js" as const, resolveDir: source.resolveDir } }),
      bundle: true,
      write: false,
      format: "esm",
      platform: "node",
      target: "node20",
      sourcemap: "inline",
      sourcesContent: true,
      outfile: join(options.buildDir, "transform.mjs"),
      logLevel: "silent",
      plugins: [sandboxPlugin(options.allow), recordInputs(inputs, packages, imported)],
    });
    const output = result.outputFiles[0];
    if (output === undefined) throw new Error("esbuild produced no output");
    code = output.text;
    releaseBundler();
  } catch (error) {
    releaseBundler();
    const failure = error as Partial<BuildFailure>;
    const details = failure.errors?.map(describeMessage).join("\n  ") ?? (error instanceof Error ? error.message : String(error));
    throw new TransformCompileError(`${label}: the transform does not compile:\n  ${details}`, {
      cause: error,
      file: label,
      inputs: Object.keys(inputs),
      lookedFor: await lookedFor(Object.keys(inputs), packages, imported),
    });
  }
  const hash = sha256(code).slice(0, 16);
  const file = join(options.buildDir, `${stemOf(label)}-${hash}.mjs`);
  await mkdir(options.buildDir, { recursive: true }).catch((error: unknown) => {
    throw buildDirError(error, options.buildDir);
  });
  // Unique per call: two first-time bundles of the same transform in one process must not share a temp file.
  if (!(await stat(file).catch(() => undefined))) await writeAtomically(file, code);
  // An inline source is not a file: it is part of the manifest's name instead.
  const context = await contextOf(Object.keys(inputs), packages);
  const built = { file, hash, label, inputs: Object.keys(inputs).sort(), context: contextPaths(context) };
  if (Object.entries(before).some(([path, hash]) => path in context && context[path] !== hash)) return built;
  const manifest: BundleManifest = { bundle: file, hash, inputs, context };
  await writeAtomically(manifestFile, `${JSON.stringify(manifest, null, 2)}\n`);
  return built;
}
