// Bundles a transform (TypeScript or JavaScript, a file or a definition's script) into one ES module with an inline source map.
import { createHash, randomUUID } from "node:crypto";
import { mkdir, rename, stat, writeFile } from "node:fs/promises";
import { basename, dirname, extname, join } from "node:path";
import { build, type BuildFailure, type Message } from "esbuild";
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
 * Bundles the transform with esbuild (ESM, Node 20, inline source map) behind the sandbox plugin
 * and writes it under `buildDir`, named by content hash so an unchanged transform is written once.
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
  let code: string;
  try {
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
      plugins: [sandboxPlugin(options.allow)],
    });
    const output = result.outputFiles[0];
    if (output === undefined) throw new Error("esbuild produced no output");
    code = output.text;
  } catch (error) {
    const failure = error as Partial<BuildFailure>;
    const details = failure.errors?.map(describeMessage).join("\n  ") ?? (error instanceof Error ? error.message : String(error));
    throw new CxdaError("E_TRANSFORM", `${label}: the transform does not compile:\n  ${details}`, { cause: error, context: { file: label } });
  }
  const hash = createHash("sha256").update(code).digest("hex").slice(0, 16);
  const stem = basename(label, extname(label)).replace(/[^\w.-]/g, "_");
  const file = join(options.buildDir, `${basename(dirname(label)).replace(/[^\w.-]/g, "_")}-${stem}-${hash}.mjs`);
  if (!(await stat(file).catch(() => undefined))) {
    await mkdir(options.buildDir, { recursive: true });
    // Unique per call: two first-time bundles of the same transform in one process must not share a temp file.
    const temp = `${file}.${process.pid}.${randomUUID()}.tmp`;
    await writeFile(temp, code);
    await rename(temp, file);
  }
  return { file, hash, label };
}
