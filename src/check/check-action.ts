// Checks one action folder without running it: its definition, its case files and whether its transform compiles.
import { readFile } from "node:fs/promises";
import { basename, join, relative, resolve } from "node:path";
import type { BuildFailure } from "esbuild";
import { isCxdaError, toProblem } from "../core/errors.js";
import type { Finding, StrictMode } from "../core/types.js";
import { loadCases } from "../cases/load-cases.js";
import { resolveDefinition, type ResolvedDefinition } from "../definitions/resolve-definition.js";
import { bundleTransform, type TransformSource } from "../executor/bundle-transform.js";
import type { SandboxAllowances } from "../executor/sandbox-modules.js";
import { exists, TRANSFORM_FILES } from "../runner/find-action-dirs.js";
import { jsonPositions } from "./json-locations.js";

/** What checking an action needs from the config. */
export interface ActionCheckContext {
  /** Unknown names in definitions: errors (`true`) or warnings. */
  strict: StrictMode;
  /** The definitions cache, for an action without definition.json. */
  cacheDir: string;
  /** Where transforms are bundled (the same bundles a run reuses). */
  buildDir: string;
  allow: SandboxAllowances;
}

/** A path as the user sees it: relative to the working folder when inside it. */
export function shownPath(file: string): string {
  const shown = relative(process.cwd(), file);
  return shown === "" || shown.startsWith("..") ? file : shown;
}

/**
 * A thrown error as a finding: its code, and its message without the file it starts with (the finding names it), with
 * the `file:line:column` a message starts with (malformed JSON) moved into the finding's fields.
 */
export function findingOf(error: unknown, file: string, fallbackCode: string, prefixes: readonly string[] = [file]): Finding {
  const problem = toProblem(error, fallbackCode);
  const context = (isCxdaError(error) ? error.context : undefined) ?? {};
  let message = problem.message;
  const finding: Finding = { severity: "error", code: problem.code, file, message };
  const names = prefixes.map((prefix) => prefix.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")).join("|");
  const where = new RegExp(`^(?:${names})(?::(\\d+):(\\d+))?(?:: | (?=\\())`).exec(message);
  if (where !== null) {
    message = message.slice(where[0].length);
    if (where[1] !== undefined && where[2] !== undefined) Object.assign(finding, { line: Number(where[1]), column: Number(where[2]) });
  }
  // A case's problem reads `(case "name"): …` or `(case "name").expect.valid: …` after its file: name the case plainly.
  message = message.replace(/^\(case ("(?:[^"\\]|\\.)*")\)(?:\.(\S+?))?: /, (_, name: string, path?: string) =>
    path === undefined ? `case ${name}: ` : `case ${name}, ${path}: `,
  );
  // The key path of a config problem (its messages name paths as `sandbox.network`); other messages say where themselves.
  if (typeof context["key"] === "string" && context["key"] !== "") finding.path = context["key"];
  finding.message = message;
  return finding;
}

async function checkDefinition(dir: string, context: ActionCheckContext): Promise<{ findings: Finding[]; resolved?: ResolvedDefinition }> {
  const own = join(dir, "definition.json");
  let resolved: ResolvedDefinition;
  try {
    // Leniently, so that every unknown name is listed (a strict load stops at the first); the config decides severity.
    resolved = await resolveDefinition({ actionDir: dir, id: basename(dir), cache: { dir: context.cacheDir }, offline: true, strict: "warn" });
  } catch (error) {
    return { findings: [findingOf(error, shownPath(own), "E_DEFINITION", [shownPath(own), own])] };
  }
  const warnings = resolved.definition.meta.warnings ?? [];
  if (warnings.length === 0) return { findings: [], resolved };
  const file = shownPath(resolved.file);
  // Positions only for the action's own file: a cache file wraps the definition in an entry of its own.
  const positions =
    resolved.source === "file"
      ? jsonPositions(
          await readFile(resolved.file, "utf8"),
          warnings.map((w) => w.path ?? ""),
        )
      : new Map();
  const findings = warnings.map((warning): Finding => {
    const at = warning.path === undefined ? undefined : positions.get(warning.path);
    return {
      ...warning,
      severity: context.strict === true ? "error" : "warning",
      file,
      ...(at === undefined ? {} : { line: at.line, column: at.column }),
    };
  });
  return { findings, resolved };
}

async function checkCases(dir: string): Promise<Finding[]> {
  const findings: Finding[] = [];
  for (const entry of await loadCases(dir)) {
    if (entry.ok) continue;
    // The source names the file and, for a file of several cases, the case's index (`cases/a.json#2`).
    const file = entry.location === undefined ? entry.source.replace(/#\d+$/, "") : shownPath(entry.location.file);
    // A file that is not JSON is named by its full path, with the line:column of the fault.
    const finding = findingOf(entry.error, file, "E_CASE", [entry.source, file, resolve(file)]);
    finding.file = file;
    if (entry.location !== undefined) Object.assign(finding, { line: entry.location.line, column: entry.location.column });
    findings.push(finding);
  }
  return findings;
}

async function transformOf(dir: string, resolved: ResolvedDefinition | undefined): Promise<TransformSource | undefined> {
  for (const name of TRANSFORM_FILES) if (await exists(join(dir, name))) return { kind: "file", file: join(dir, name) };
  const inline = resolved?.definition.transform;
  if (inline === undefined) return undefined;
  return { kind: "inline", source: inline.source, name: `${shownPath(join(dir, "definition.json"))}#transform`, resolveDir: dir };
}

async function checkTransform(dir: string, resolved: ResolvedDefinition | undefined, context: ActionCheckContext): Promise<Finding[]> {
  const source = await transformOf(dir, resolved);
  if (source === undefined) {
    // Without a definition, the missing transform may be the definition's script: the definition's finding says enough.
    if (resolved === undefined) return [];
    // A declarative action (Genesys' config) runs without one: its templates are what `cxda lint` checks.
    if (resolved.definition.config !== undefined) return [];
    return [
      {
        severity: "error",
        code: "E_TRANSFORM",
        file: shownPath(dir),
        message: "no transform found",
        hint: "add transform.ts (export default function transform(trigger, ctx) { … }) or a transform.source in the definition",
      },
    ];
  }
  try {
    await bundleTransform(source, { buildDir: context.buildDir, allow: context.allow });
    return [];
  } catch (error) {
    const label = source.kind === "file" ? shownPath(source.file) : source.name;
    // One finding per compiler message, each at its own file:line:column (an imported helper's error is in the helper).
    const messages = (isCxdaError(error) ? (error as { cause?: Partial<BuildFailure> }).cause?.errors : undefined) ?? [];
    if (messages.length === 0) return [findingOf(error, label, "E_COMPILE")];
    return messages.map((message): Finding => ({
      severity: "error",
      code: "E_COMPILE",
      file: message.location ? shownPath(resolve(message.location.file)) : label,
      ...(message.location ? { line: message.location.line, column: message.location.column + 1 } : {}),
      message: `the transform does not compile: ${message.text}`,
    }));
  }
}

/**
 * Every finding of one action folder, without running a case: its definition (unknown keys, schema keywords and
 * formats, with their `line:column`; structural problems), each case file that does not load, and a transform that
 * does not compile (bundled as a run bundles it, so a run afterwards reuses the bundle).
 * @example
 * const findings = await checkAction("actions/billing", { strict: true, cacheDir: ".cxda/cache", buildDir: ".cxda/build", allow: { network: false, fsWrite: false } });
 */
export async function checkAction(dir: string, context: ActionCheckContext): Promise<Finding[]> {
  const definition = await checkDefinition(dir, context);
  return [...definition.findings, ...(await checkCases(dir)), ...(await checkTransform(dir, definition.resolved, context))];
}
