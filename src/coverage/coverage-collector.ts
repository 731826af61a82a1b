// Gathers V8 coverage of transform bundles from every worker batch and converts it to istanbul data on the .ts sources.
import { pathToFileURL } from "node:url";
import { parse, type Program } from "acorn";
import { convert } from "ast-v8-to-istanbul";
import libCoverage, { type CoverageMap, type FileCoverageData } from "istanbul-lib-coverage";
import type { ScriptCoverage } from "../executor/protocol.js";
import type { ActionInstrumentation } from "../runner/run-cases.js";
import { isUserSource, readBundleSourceMap } from "../profile/bundle-source-map.js";

/** esbuild's module wrappers that (unlike its other helpers) map onto the user's file: `__commonJS({ "file.cjs"(exports, module) {…} })`. */
const WRAPPER_HELPERS = new Set(["__commonJS", "__esm"]);

/**
 * The wrapper functions esbuild puts around a CommonJS (or lazily initialised ES) module: loader code, like Node's own
 * module wrapper, so not counted. Their bodies, the module's code, still are.
 */
function moduleWrappers(ast: Program): Set<unknown> {
  const found = new Set<unknown>();
  for (const statement of ast.body) {
    if (statement.type !== "VariableDeclaration") continue;
    for (const declarator of statement.declarations) {
      const init = declarator.init;
      if (init?.type !== "CallExpression" || init.callee.type !== "Identifier" || !WRAPPER_HELPERS.has(init.callee.name)) continue;
      const table = init.arguments[0];
      if (table?.type !== "ObjectExpression") continue;
      for (const property of table.properties) {
        if (property.type !== "Property") continue;
        found.add(property);
        found.add(property.value);
      }
    }
  }
  return found;
}

/** Collects coverage as batches report it; converts once, at the end. */
export interface CoverageCollector {
  /** Takes the coverage part of one batch's measurements (other parts are ignored). */
  add(data: ActionInstrumentation): void;
  /** How many batch coverages were added. */
  readonly batches: number;
  /** Converts and merges everything added so far into istanbul coverage of the user's source files. */
  toCoverage(): Promise<CollectedCoverage>;
}

/** Coverage of the user's source files, ready for istanbul's reporters. */
export interface CollectedCoverage {
  /** istanbul coverage, keyed by absolute source path. */
  map: CoverageMap;
  /** Source text by absolute path, from the bundles' source maps (inline scripts have no file on disk). */
  sources: Map<string, string>;
}

/**
 * Creates a collector for the `onInstrumentation` option of `runCases`. Each batch's V8 coverage counts only that
 * batch (the worker resets the counters when it takes them), so converting each and adding the counts gives the
 * run's coverage, whatever the number of workers and batches. Only the user's sources are kept: files under
 * `node_modules`, the sandbox's stand-in modules and esbuild's own helpers (which map to no source) are dropped.
 * @example
 * const coverage = createCoverageCollector();
 * for await (const r of runCases({ actions, instrument: { coverage: true }, onInstrumentation: coverage.add })) {}
 * const { map } = await coverage.toCoverage();
 */
export function createCoverageCollector(): CoverageCollector {
  const takes = new Map<string, ScriptCoverage[]>();
  let batches = 0;
  return {
    add(data) {
      if (data.coverage === undefined) return;
      batches++;
      const list = takes.get(data.bundle) ?? [];
      list.push(data.coverage);
      takes.set(data.bundle, list);
    },
    get batches() {
      return batches;
    },
    async toCoverage() {
      const map = libCoverage.createCoverageMap({});
      const sources = new Map<string, string>();
      for (const [bundle, coverages] of takes) {
        const sourceMap = await readBundleSourceMap(bundle);
        if (sourceMap === undefined) continue;
        for (const [file, text] of sourceMap.contents) if (isUserSource(file)) sources.set(file, text);
        const url = pathToFileURL(bundle).href;
        for (const coverage of coverages) {
          // A fresh tree per conversion: the converter marks nodes it has seen.
          const ast = parse(sourceMap.code, { ecmaVersion: "latest", sourceType: "module", locations: true });
          const wrappers = moduleWrappers(ast);
          const data = await convert({
            code: sourceMap.code,
            ast: ast as unknown as Parameters<typeof convert>[0]["ast"],
            coverage: { url, functions: coverage.functions },
            sourceMap: sourceMap.payload,
            ignoreNode: (node) => (wrappers.has(node) ? true : undefined),
          });
          for (const [file, fileCoverage] of Object.entries(data)) {
            if (!isUserSource(file) || !sourceMap.contents.has(file)) continue;
            map.merge({ [file]: fileCoverage as FileCoverageData });
          }
        }
      }
      return { map, sources };
    },
  };
}
