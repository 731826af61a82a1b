// Bundles a transform (TypeScript or JavaScript, a file or a definition's script) into one ES module with an inline source map.
import { createHash, randomUUID } from "node:crypto";
import { mkdir, readFile, rename, stat, writeFile } from "node:fs/promises";
import { basename, dirname, extname, join } from "node:path";
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
 * What a bundle was built from, kept beside it (`<bundle>.inputs.json`): the content hash of every file esbuild read.
 * While they all still hash the same, the bundle is reused without loading esbuild at all.
 */
interface BundleManifest {
  bundle: string;
  hash: string;
  /** Absolute path → sha256 of the file's bytes. */
  inputs: Record<string, string>;
}

/** Bumped when the way bundles are built changes, so that older manifests are not trusted. */
const MANIFEST_FORMAT = 1;

function sha256(data: string | Buffer): string {
  return createHash("sha256").update(data).digest("hex");
}

/** Names the manifest of a source under given allowances: a different source or sandbox is a different bundle. */
function manifestPath(source: TransformSource, options: BundleOptions, label: string): string {
  const key = sha256(JSON.stringify({ format: MANIFEST_FORMAT, source, allow: options.allow, cwd: process.cwd() })).slice(0, 16);
  return join(options.buildDir, `${stemOf(label)}-${key}.inputs.json`);
}

function stemOf(label: string): string {
  const stem = basename(label, extname(label)).replace(/[^\w.-]/g, "_");
  return `${basename(dirname(label)).replace(/[^\w.-]/g, "_")}-${stem}`;
}

/** The bundle a manifest describes, when it exists and every input still has the bytes it was built from. */
async function reusable(manifestFile: string): Promise<BundleManifest | undefined> {
  let manifest: BundleManifest;
  try {
    manifest = JSON.parse(await readFile(manifestFile, "utf8")) as BundleManifest;
  } catch {
    return undefined;
  }
  if (typeof manifest.bundle !== "string" || typeof manifest.hash !== "string" || typeof manifest.inputs !== "object" || manifest.inputs === null) return undefined;
  if (!(await stat(manifest.bundle).catch(() => undefined))?.isFile()) return undefined;
  for (const [file, hash] of Object.entries(manifest.inputs)) {
    const bytes = await readFile(file).catch(() => undefined);
    if (bytes === undefined || sha256(bytes) !== hash) return undefined;
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
  const manifestFile = manifestPath(source, options, label);
  const cached = await reusable(manifestFile);
  if (cached !== undefined) return { file: cached.bundle, hash: cached.hash, label };

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
  const manifest: BundleManifest = { bundle: file, hash, inputs };
  await writeAtomically(manifestFile, `${JSON.stringify(manifest, null, 2)}\n`);
  return { file, hash, label };
}
