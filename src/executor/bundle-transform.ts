// Bundles a transform (TypeScript or JavaScript, a file or a definition's script) into one ES module with an inline source map.
import { createHash, randomUUID } from "node:crypto";
import { mkdir, readdir, readFile, rename, stat, writeFile } from "node:fs/promises";
import { createRequire } from "node:module";
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
const MANIFEST_FORMAT = 2;

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
  const key = sha256(JSON.stringify({ format: MANIFEST_FORMAT, builder: await builderFingerprint(), source, allow: options.allow, cwd: process.cwd() })).slice(0, 16);
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

/** A folder's listing as one hash (null when it cannot be read). */
async function listingHash(dir: string): Promise<string | null> {
  const names = await readdir(dir).catch(() => undefined);
  return names === undefined ? null : sha256(names.sort().join("\u0000"));
}

/** The context of a build from its input files: their folders' listings, and config files from there up. */
async function contextOf(inputs: string[]): Promise<Record<string, string | null>> {
  const context: Record<string, string | null> = {};
  const folders = new Set(inputs.map((input) => dirname(input)));
  for (const folder of folders) {
    context[`${folder}${sep}`] = await listingHash(folder);
    for (let dir = folder; ; dir = dirname(dir)) {
      for (const name of CONFIG_FILES) {
        const file = join(dir, name);
        if (!(file in context)) context[file] = await fileHash(file);
      }
      if (dirname(dir) === dir) break;
    }
  }
  return context;
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
  if (typeof manifest.bundle !== "string" || typeof manifest.hash !== "string" || !isRecord(manifest.inputs) || !isRecord(manifest.context)) return undefined;
  if (!(await stat(manifest.bundle).catch(() => undefined))?.isFile()) return undefined;
  for (const [file, hash] of Object.entries(manifest.inputs)) {
    if ((await fileHash(file)) !== hash) return undefined;
  }
  for (const [path, hash] of Object.entries(manifest.context)) {
    const now = path.endsWith(sep) ? await listingHash(path.slice(0, -1)) : await fileHash(path);
    if (now !== hash) return undefined;
  }
  return manifest;
}

/**
 * Reads every file esbuild compiles and records the hash of exactly those bytes: a file saved again during the build
 * then no longer matches, and the next run builds again instead of trusting a bundle of the older text.
 */
function recordInputs(hashes: Record<string, string>): Plugin {
  return {
    name: "cxda-record-inputs",
    setup(build) {
      build.onLoad({ filter: /.*/, namespace: "file" }, async (args) => {
        const bytes = await readFile(args.path);
        hashes[args.path] = sha256(bytes);
        return { contents: bytes, loader: "default" };
      });
    },
  };
}

/** Writes `text` to `file` through a temp file unique to this call, so a reader never sees half of it. */
async function writeAtomically(file: string, text: string): Promise<void> {
  const temp = `${file}.${process.pid}.${randomUUID()}.tmp`;
  await writeFile(temp, text);
  await rename(temp, file);
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
  if (cached !== undefined) return { file: cached.bundle, hash: cached.hash, label };
  // The entry's folder as the build is about to see it: if it changes during the build, no manifest is written.
  const before = await contextOf([source.kind === "file" ? resolve(source.file) : join(source.resolveDir, "(inline)")]);

  let code: string;
  const inputs: Record<string, string> = {};
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
      plugins: [sandboxPlugin(options.allow), recordInputs(inputs)],
    });
    const output = result.outputFiles[0];
    if (output === undefined) throw new Error("esbuild produced no output");
    code = output.text;
  } catch (error) {
    const failure = error as Partial<BuildFailure>;
    const details = failure.errors?.map(describeMessage).join("\n  ") ?? (error instanceof Error ? error.message : String(error));
    throw new CxdaError("E_TRANSFORM", `${label}: the transform does not compile:\n  ${details}`, { cause: error, context: { file: label } });
  }
  const hash = sha256(code).slice(0, 16);
  const file = join(options.buildDir, `${stemOf(label)}-${hash}.mjs`);
  await mkdir(options.buildDir, { recursive: true });
  // Unique per call: two first-time bundles of the same transform in one process must not share a temp file.
  if (!(await stat(file).catch(() => undefined))) await writeAtomically(file, code);
  // An inline source is not a file: it is part of the manifest's name instead.
  const context = await contextOf(Object.keys(inputs));
  if (Object.entries(before).some(([path, hash]) => path in context && context[path] !== hash)) return { file, hash, label };
  const manifest: BundleManifest = { bundle: file, hash, inputs, context };
  await writeAtomically(manifestFile, `${JSON.stringify(manifest, null, 2)}\n`);
  return { file, hash, label };
}
