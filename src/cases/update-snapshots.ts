// Snapshots the vitest way: the current output written into `expect.output` of case files (`cxda test -u`, and the
// "<snapshot>" placeholder on a first run), keeping each file's keys, indentation and line endings.
import { randomBytes } from "node:crypto";
import { constants } from "node:fs";
import { access, readdir, readFile, realpath, rename, rm, stat, writeFile } from "node:fs/promises";
import { basename, dirname, join, relative, resolve } from "node:path";
import { applyEdits, findNodeAtLocation, modify, parseTree, type FormattingOptions, type Node } from "jsonc-parser";
import { CxdaError, isCxdaError } from "../core/errors.js";
import type { CaseResult } from "../core/types.js";
import { isSecretKey } from "../secrets/secret-keys.js";
import { escapePointerSegment } from "../validation/json-pointer.js";
import { diffValues } from "./compare-values.js";
import { SNAPSHOT_PLACEHOLDER } from "./evaluate-case.js";

export { SNAPSHOT_PLACEHOLDER };

/** One case's new `expect.output`, addressed the way the loader numbered it. */
export interface SnapshotEdit {
  /** The case's index in a file holding an array; absent for a file holding one case. */
  index?: number;
  /** The case's name, checked against the file before anything is written. */
  name: string;
  output: unknown;
  /** The file must still hold the `"<snapshot>"` placeholder there (what the run saw, when no loaded text is given). */
  placeholder?: boolean;
}

/** Where a case came from: its file (absolute) and, for a file holding an array, its index. */
export interface CaseFileRef {
  file: string;
  index?: number;
}

/**
 * The case file behind a result's `source` (`cases/basic.json#3`, relative to `cwd` as the loader wrote it), or
 * undefined for a case that is not from a file (generated, or passed inline to `runCases`).
 * @example
 * caseFileOf("actions/a/cases/basic.json#3", "/work"); // { file: "/work/actions/a/cases/basic.json", index: 3 }
 */
export function caseFileOf(source: string | undefined, cwd: string): CaseFileRef | undefined {
  const match = source === undefined ? null : /^(.+\.json)(?:#(\d+))?$/.exec(source);
  if (match === null) return undefined;
  const file = resolve(cwd, match[1]!);
  return match[2] === undefined ? { file } : { file, index: Number(match[2]) };
}

/**
 * How a JSON text is laid out, for text written into it: tabs or the narrowest indentation of spaces found (2 when the
 * text is all on one line), and CRLF when the file uses it.
 * @example
 * detectFormatting('{\n    "a": 1\n}\n'); // { insertSpaces: true, tabSize: 4, eol: "\n" }
 */
export function detectFormatting(text: string): FormattingOptions {
  const eol = text.includes("\r\n") ? "\r\n" : "\n";
  let tabs = 0;
  let narrowest = Infinity;
  for (const [, indent] of text.matchAll(/^([ \t]+)\S/gm)) {
    if (indent!.startsWith("\t")) tabs++;
    else narrowest = Math.min(narrowest, indent!.length);
  }
  if (tabs > 0 && narrowest === Infinity) return { insertSpaces: false, tabSize: 4, eol };
  return { insertSpaces: true, tabSize: narrowest === Infinity ? 2 : narrowest, eol };
}

/** The name the loader gives a case: its `name`, else the file's stem with the index for an array. */
function caseNameAt(node: Node, file: string, index: number | undefined): string | undefined {
  const name = findNodeAtLocation(node, ["name"]);
  if (name !== undefined) return typeof name.value === "string" ? name.value : undefined;
  const stem = basename(file, ".json");
  return index === undefined ? stem : `${stem} #${index}`;
}

function shownPath(file: string, index?: number): string {
  const shown = relative(process.cwd(), file) || file;
  return index === undefined ? shown : `${shown}#${index}`;
}

function changedSince(file: string, why: string): CxdaError {
  return new CxdaError(
    "E_CASE",
    `${file}: not updated: ${why}; the file changed since the run read it, so nothing was written (your edit is kept): run the cases again, with -u, to update it`,
    { context: { file } },
  );
}

/** The case object an edit addresses in `root`, after checking it is still the case that ran. */
function caseNode(root: Node | undefined, file: string, edit: SnapshotEdit): Node {
  const where = shownPath(file, edit.index);
  const isArray = root?.type === "array";
  if (root === undefined || isArray !== (edit.index !== undefined))
    throw changedSince(where, `it no longer holds ${edit.index === undefined ? "one case" : "an array of cases"}`);
  const node = edit.index === undefined ? root : root.children?.[edit.index];
  if (node?.type !== "object") throw changedSince(where, `there is no case object at #${edit.index ?? 0}`);
  const name = caseNameAt(node, file, edit.index);
  if (name !== edit.name) throw changedSince(where, `the case there is ${JSON.stringify(name)}, not ${JSON.stringify(edit.name)}`);
  if (edit.placeholder === true && findNodeAtLocation(node, ["expect", "output"])?.value !== SNAPSHOT_PLACEHOLDER)
    throw changedSince(where, `expect.output of "${edit.name}" is no longer "${SNAPSHOT_PLACEHOLDER}"`);
  return node;
}

/**
 * The new text of the case object `node` with `output` as its `expect.output`. `modify` and `applyEdits` work on the
 * case's own text (after its line's indentation, from which the formatter takes the level), not the whole file: both
 * cost as much as the text they get, and a file of thousands of cases must stay linear (applied to the whole file, 1,000
 * cases took 27 s). When an edit would touch the indentation before a case that shares its first line with what comes
 * before it, the case is formatted as if it started its line: the same JSON, indented a level less.
 */
function caseWithOutput(text: string, node: Node, output: unknown, formattingOptions: FormattingOptions): string {
  const own = text.slice(node.offset, node.offset + node.length);
  const lineStart = text.lastIndexOf("\n", node.offset - 1) + 1;
  const indent = /^[ \t]*/.exec(text.slice(lineStart, node.offset))![0];
  const edits = modify(indent + own, ["expect", "output"], output, { formattingOptions });
  if (edits.every((edit) => edit.offset >= indent.length)) return applyEdits(indent + own, edits).slice(indent.length);
  return applyEdits(own, modify(own, ["expect", "output"], output, { formattingOptions }));
}

/**
 * `text` with each edit's output written as its case's `expect.output`: only those values change; every other byte
 * (keys, their order, indentation, line endings) stays. Throws `E_CASE` when a case is not where the run found it,
 * and checks that the new text reads back as the outputs before returning it.
 * @example
 * applySnapshotEdits('{ "name": "a", "expect": { "output": 1 } }', "cases/a.json", [{ name: "a", output: 2 }]);
 */
export function applySnapshotEdits(text: string, file: string, edits: readonly SnapshotEdit[]): string {
  const formattingOptions = detectFormatting(text);
  const root = parseTree(text);
  const replaced = new Map<number, { node: Node; content: string }>();
  for (const edit of edits) {
    const node = caseNode(root, file, edit);
    if (replaced.has(node.offset)) throw new CxdaError("E_CASE", `${shownPath(file, edit.index)}: two snapshots for one case; nothing was written`);
    replaced.set(node.offset, { node, content: caseWithOutput(text, node, edit.output, formattingOptions) });
  }
  // The cases do not overlap: the new text is the old one with each case's text swapped, in one pass.
  const parts: string[] = [];
  let at = 0;
  for (const { node, content } of [...replaced.values()].sort((a, b) => a.node.offset - b.node.offset)) {
    parts.push(text.slice(at, node.offset), content);
    at = node.offset + node.length;
  }
  parts.push(text.slice(at));
  const updated = parts.join("");
  // What the next run will compare with must be exactly the output: read it back before anything reaches the disk.
  const back = parseTree(updated);
  for (const edit of edits) {
    const written = findNodeAtLocation(caseNode(back, file, { ...edit, placeholder: false }), ["expect", "output"]);
    const value = written === undefined ? undefined : (JSON.parse(updated.slice(written.offset, written.offset + written.length)) as unknown);
    if (diffValues(edit.output, value, { partial: false, limit: 1 }).length > 0)
      throw new CxdaError("E_CASE", `${shownPath(file, edit.index)}: the output of "${edit.name}" did not read back as written; nothing was written`);
  }
  return updated;
}

/**
 * Replaces `file` with `text` in one step: a temp file in the same folder, renamed over it, with the file's mode. A
 * symlink is written through (its target is replaced, the link stays), and a read-only file is refused: a rename
 * would replace either without a word, since it needs only the folder to be writable.
 */
async function writeAtomically(file: string, text: string): Promise<void> {
  const target = await realpath(file);
  const { mode } = await stat(target);
  // The mode bits too: root passes every access check.
  const writable =
    (mode & 0o222) !== 0 &&
    (await access(target, constants.W_OK).then(
      () => true,
      () => false,
    ));
  if (!writable)
    throw new CxdaError(
      "E_CASE",
      `${shownPath(file)}: not updated: the file is read-only, so nothing was written; make it writable (chmod u+w) and run again with -u`,
      { context: { file } },
    );
  const temp = join(dirname(target), `.${basename(target)}.${randomBytes(6).toString("hex")}.tmp`);
  try {
    await writeFile(temp, text, { mode, flag: "wx" });
    await rename(temp, target);
  } catch (error) {
    await rm(temp, { force: true });
    throw error;
  }
}

/**
 * Writes every edit of one case file at once, atomically. With `loaded` (the file's text when the run read it), a
 * file that differs now is refused (`E_CASE`) rather than overwritten: the user's edit is kept. Returns the new text.
 * @example
 * await updateCaseFile("actions/a/cases/basic.json", [{ index: 0, name: "premium", output: { priority: "high" } }], loadedText);
 */
export async function updateCaseFile(file: string, edits: readonly SnapshotEdit[], loaded?: string): Promise<string> {
  const text = await readFile(file, "utf8");
  if (loaded !== undefined && text !== loaded) throw changedSince(shownPath(file), "its text is not what the run read");
  const updated = applySnapshotEdits(text, file, edits);
  if (updated !== text) await writeAtomically(file, updated);
  return updated;
}

/**
 * The texts of every case file (`cases/*.json`) of the given action folders, keyed by absolute path: read before a
 * run that may update them, so that a file edited during the run is found out and left alone.
 */
export async function readCaseFiles(actionDirs: readonly string[]): Promise<Map<string, string>> {
  const texts = new Map<string, string>();
  for (const dir of actionDirs) {
    const folder = resolve(dir, "cases");
    const names = await readdir(folder).catch(() => [] as string[]);
    for (const name of names.filter((n) => n.endsWith(".json"))) {
      const file = join(folder, name);
      const text = await readFile(file, "utf8").catch(() => undefined);
      if (text !== undefined) texts.set(file, text);
    }
  }
  return texts;
}

/**
 * JSON Pointers of secret-looking fields of `output` (the reporters' rule: tokens, passwords, keys…) whose string
 * values the case file does not hold already.
 */
export function secretsNotInFile(output: unknown, text: string): string[] {
  const found: string[] = [];
  const visit = (value: unknown, path: string, secret: boolean): void => {
    if (typeof value === "string") {
      const escaped = JSON.stringify(value).slice(1, -1);
      if (secret && value.length >= 4 && !text.includes(escaped)) found.push(path || "/");
    } else if (typeof value === "object" && value !== null) {
      for (const [key, inner] of Object.entries(value)) visit(inner, `${path}/${escapePointerSegment(key)}`, secret || isSecretKey(key));
    }
  };
  visit(output, "", false);
  return found;
}

/** Where `value` is not JSON data (what a case file can hold), or undefined when it all is. */
export function notJsonAt(value: unknown, path = ""): string | undefined {
  if (value === null || typeof value === "string" || typeof value === "boolean") return undefined;
  if (typeof value === "number") return Number.isFinite(value) ? undefined : `${path || "/"} (${String(value)})`;
  if (Array.isArray(value)) {
    for (let i = 0; i < value.length; i++) {
      if (!(i in value)) return `${path}/${i} (a hole)`;
      const inner = notJsonAt(value[i], `${path}/${i}`);
      if (inner !== undefined) return inner;
    }
    return undefined;
  }
  if (typeof value === "object" && Object.getPrototypeOf(value) === Object.prototype) {
    for (const [key, inner] of Object.entries(value)) {
      const at = notJsonAt(inner, `${path}/${key}`);
      if (at !== undefined) return at;
    }
    return undefined;
  }
  return `${path || "/"} (${value === undefined ? "undefined" : typeof value})`;
}

/** A case whose `expect.output` was written. */
export interface SnapshotChange {
  action: string;
  case: string;
  /** The case file, as the run shows it (relative to the working folder). */
  file: string;
  /** `updated` by `-u`, or `written` in place of the placeholder. */
  change: "updated" | "written";
}

/** A case that asked for a snapshot (or failed on its output under `-u`) and was left as it was, with the reason. */
export interface SnapshotSkip {
  action: string;
  case: string;
  file?: string;
  reason: string;
}

/** What a run did to snapshots. */
export interface SnapshotReport {
  changes: SnapshotChange[];
  notUpdated: SnapshotSkip[];
}

/** Options of {@link createSnapshotUpdater}. */
export interface SnapshotUpdaterOptions {
  /** `-u`: write the output of cases that fail only on `expect.output`. @default false */
  update?: boolean;
  /** In CI a placeholder is not filled (it fails instead), unless `update` is set, as vitest does. @default false */
  ci?: boolean;
  /** Case files' texts as the run read them ({@link readCaseFiles}); a file that differs at write time is refused. */
  loaded?: Map<string, string>;
  /** What `source` paths are relative to. @default process.cwd() */
  cwd?: string;
}

/** One result waiting for its file to be written, with the edit that would make it pass. */
interface Held {
  result: CaseResult;
  edit?: SnapshotEdit & { change: SnapshotChange["change"] };
}

/**
 * Turns a run's results into snapshot writes, for a caller that reports results as they come (the CLI):
 * pass each result through `accept` and report what it returns, then report what `finish` returns. A case that gets
 * its snapshot comes back as a pass (as in vitest); the results of a file with a write to make are held until the
 * file is done (results come in file order), so a write that is refused leaves its cases failing, as they ran.
 */
export interface SnapshotUpdater {
  accept(result: CaseResult): CaseResult[] | Promise<CaseResult[]>;
  finish(): Promise<CaseResult[]>;
  report(): SnapshotReport;
}

/**
 * Starts the snapshot handling of one run.
 * @example
 * const snapshots = createSnapshotUpdater({ update: true, loaded: await readCaseFiles(dirs) });
 * for await (const ran of runCases(options)) for (const result of await snapshots.accept(ran)) report(result);
 * for (const result of await snapshots.finish()) report(result);
 */
export function createSnapshotUpdater(options: SnapshotUpdaterOptions = {}): SnapshotUpdater {
  const cwd = options.cwd ?? process.cwd();
  const report: SnapshotReport = { changes: [], notUpdated: [] };
  let held: { file: string; entries: Held[] } | undefined;

  const skip = (result: CaseResult, reason: string, file?: string): void => {
    report.notUpdated.push({ action: result.action, case: result.case, ...(file === undefined ? {} : { file }), reason });
  };

  /** What to do with one result: an edit to make, or the result as it is (a placeholder's message changed in CI). */
  const classify = (result: CaseResult): Held => {
    const outputFailures = result.failures.filter((f) => f.expectation === "output");
    if (outputFailures.length === 0) return { result };
    const placeholder = outputFailures.some((f) => f.code === "E_SNAPSHOT");
    if (!placeholder && options.update !== true) return { result };
    const ref = caseFileOf(result.source, cwd);
    const shown = ref === undefined ? undefined : shownFile(result);
    if (placeholder && options.ci === true && options.update !== true) {
      const message = `expect.output is "${SNAPSHOT_PLACEHOLDER}" and CI is set, where snapshots are not written: run \`cxda test -u\` locally and commit ${shown ?? "the case file"}`;
      return { result: { ...result, failures: result.failures.map((f) => (f.code === "E_SNAPSHOT" ? { ...f, message } : f)) } };
    }
    const others = [...new Set(result.failures.filter((f) => f.expectation !== "output").map((f) => f.expectation))];
    const bad = notJsonAt(result.output);
    let reason: string | undefined;
    if (result.status === "error") reason = `it ended in an error (${result.error?.code ?? "unknown"}), so there is no output to write`;
    else if (result.output === undefined) reason = "the transform did not run (the input is invalid), so there is no output to write";
    else if (others.length > 0) reason = `it also fails on ${others.join(", ")}; only a case that fails on expect.output alone is updated`;
    else if (ref === undefined) reason = "it is not from a case file (generated or passed inline), so there is no file to write";
    else if (bad !== undefined) reason = `the output is not JSON data at ${bad}`;
    if (reason !== undefined) {
      skip(result, reason, shown);
      return { result };
    }
    const change = placeholder ? "written" : "updated";
    return {
      result,
      edit: { name: result.case, output: result.output, placeholder, change, ...(ref!.index === undefined ? {} : { index: ref!.index }) },
    };
  };

  /** Writes the held file's edits and returns its results, passing for the cases written. */
  const flush = async (): Promise<CaseResult[]> => {
    if (held === undefined) return [];
    const { file, entries } = held;
    held = undefined;
    const shown = shownFile(entries[0]!.result);
    const loaded = options.loaded?.get(file);
    const writing = new Set<Held>();
    let text: string;
    try {
      text = await readFile(file, "utf8");
    } catch (error) {
      for (const entry of entries)
        if (entry.edit) skip(entry.result, `${shown} could not be read (${(error as NodeJS.ErrnoException).code ?? String(error)})`, shown);
      return entries.map((entry) => entry.result);
    }
    for (const entry of entries) {
      if (entry.edit === undefined) continue;
      // The snapshot holds the raw output, the only value that passes the next run (reporters show a redacted copy,
      // which would never compare equal). A secret-looking value the case file does not hold already is not written:
      // case files are committed, and the snapshot would be the first place to leak it.
      const secrets = secretsNotInFile(entry.edit.output, text);
      if (secrets.length > 0)
        skip(
          entry.result,
          `the output has secret-looking fields (${secrets.join(", ")}) whose values the case file does not hold; write expect.output by hand, or use expect.match without them`,
          shown,
        );
      else writing.add(entry);
    }
    try {
      if (writing.size > 0) {
        const written = await updateCaseFile(
          file,
          [...writing].map((entry) => entry.edit!),
          loaded ?? text,
        );
        options.loaded?.set(file, written);
      }
    } catch (error) {
      if (!isCxdaError(error) && (error as NodeJS.ErrnoException).code === undefined) throw error;
      // The note names the file already: the message need not again.
      const reason = (error instanceof Error ? error.message : String(error)).replace(/^.*?\.json(?:#\d+)?: (?:not updated: )?/, "");
      for (const entry of writing) skip(entry.result, reason, shown);
      return entries.map((entry) => entry.result);
    }
    return entries.map((entry) => {
      if (!writing.has(entry)) return entry.result;
      report.changes.push({ action: entry.result.action, case: entry.result.case, file: shown, change: entry.edit!.change });
      return passed(entry.result, entry.edit!.change);
    });
  };

  /** Holds a result with an edit (its file is written once its other cases are in); passes any other one on. */
  const hold = (entry: Held): CaseResult[] => {
    if (entry.edit === undefined) return [entry.result];
    held = { file: caseFileOf(entry.result.source, cwd)!.file, entries: [entry] };
    return [];
  };

  return {
    accept(result) {
      if (held === undefined) return hold(classify(result));
      if (caseFileOf(result.source, cwd)?.file === held.file) {
        held.entries.push(classify(result));
        return [];
      }
      // Results come in file order: a result from another file means the held one is complete.
      return flush().then((before) => [...before, ...hold(classify(result))]);
    },
    finish: flush,
    report: () => report,
  };
}

/** A result's case file as the run shows it: its source without the `#index`. */
function shownFile(result: CaseResult): string {
  return (result.source ?? "").replace(/#\d+$/, "");
}

/** A result whose output became its snapshot: a pass, its compare step saying so. */
function passed(result: CaseResult, change: SnapshotChange["change"]): CaseResult {
  const steps = result.trace.steps.map((step) =>
    step.step === "compare" ? { ...step, ok: true, detail: { ...step.detail, failures: 0, snapshot: change } } : step,
  );
  return { ...result, status: "pass", failures: [], trace: { steps } };
}
