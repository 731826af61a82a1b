// Reads a transform bundle's inline source map and maps bundle positions back to the user's own source files.
import { readFile } from "node:fs/promises";
import { SourceMap, type SourceMapPayload } from "node:module";
import { dirname, isAbsolute, resolve, sep } from "node:path";
import { fileURLToPath } from "node:url";

/** A bundle with its source map read, its sources resolved to absolute paths. */
export interface BundleSourceMap {
  /** Absolute path of the bundle. */
  bundle: string;
  /** The bundle's code, source map comment included. */
  code: string;
  /** The map as esbuild wrote it, but with `sources` made absolute. */
  payload: SourceMapPayload;
  /** Original source text by absolute path (from `sourcesContent`). */
  contents: Map<string, string>;
  /** The entry source (esbuild lists a bundle's modules in dependency order, so the entry comes last). */
  entry: string | undefined;
  /**
   * The original position of a 0-based bundle line and column, or `undefined` when the position maps to no source
   * (esbuild's own helpers).
   */
  originalPosition(line: number, column: number): { file: string; line: number; column: number } | undefined;
}

const INLINE_MAP = /\/\/# sourceMappingURL=data:application\/json;(?:charset=utf-8;)?base64,([A-Za-z0-9+/=]+)\s*$/;

/** Sources that are not user files: esbuild namespaces such as the sandbox's stand-in modules. */
function isVirtualSource(source: string): boolean {
  return /^[\w-]+:/.test(source) && !source.startsWith("file:");
}

/** True for a source file that belongs to the user's transform: not a dependency, not a stand-in module. */
export function isUserSource(file: string): boolean {
  return isAbsolute(file) && !file.split(sep).includes("node_modules");
}

/**
 * Reads the inline source map that `bundleTransform` appends to every bundle.
 * @returns the map with absolute sources, or `undefined` when the bundle carries none
 * @example
 * const map = await readBundleSourceMap(".cxda/build/billing-transform-1a2b.mjs");
 * map?.originalPosition(12, 4); // { file: "/…/actions/billing/transform.ts", line: 20, column: 2 }
 */
export async function readBundleSourceMap(bundle: string): Promise<BundleSourceMap | undefined> {
  const file = bundle.startsWith("file:") ? fileURLToPath(bundle) : bundle;
  const code = await readFile(file, "utf8");
  const match = INLINE_MAP.exec(code.slice(-Math.min(code.length, 4 * 1024 * 1024)));
  if (match?.[1] === undefined) return undefined;
  const raw = JSON.parse(Buffer.from(match[1], "base64").toString("utf8")) as SourceMapPayload;
  const dir = dirname(file);
  const sources = raw.sources.map((source) =>
    isVirtualSource(source) ? source : source.startsWith("file:") ? fileURLToPath(source) : resolve(dir, source),
  );
  const payload: SourceMapPayload = { ...raw, sources, sourceRoot: "" };
  const contents = new Map<string, string>();
  sources.forEach((source, index) => {
    const content = raw.sourcesContent?.[index];
    if (typeof content === "string") contents.set(source, content);
  });
  const map = new SourceMap(payload);
  return {
    bundle: file,
    code,
    payload,
    contents,
    entry: sources.filter((source) => isAbsolute(source)).at(-1),
    originalPosition(line, column) {
      const entry = map.findEntry(line, column) as Partial<{
        originalSource: string;
        originalLine: number;
        originalColumn: number;
        generatedLine: number;
      }>;
      if (entry.originalSource === undefined || entry.originalLine === undefined || entry.originalColumn === undefined) return undefined;
      // findEntry answers with the closest mapping at or before the position, which may sit on an earlier line.
      if (entry.generatedLine !== undefined && entry.generatedLine !== line) return undefined;
      const source = entry.originalSource.startsWith("file:") ? fileURLToPath(entry.originalSource) : entry.originalSource;
      return { file: source, line: entry.originalLine, column: entry.originalColumn };
    },
  };
}
