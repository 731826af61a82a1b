// The package.json side of `cxda init`: the cxda dependency to write, and merging scripts and devDependencies into a package.json that is there.
import { existsSync } from "node:fs";
import { homedir } from "node:os";
import { isAbsolute, relative, resolve, sep, win32 } from "node:path";
import { fileURLToPath } from "node:url";
import { applyEdits, modify, type FormattingOptions } from "jsonc-parser";
import { CxdaError } from "../../core/errors.js";
import { parseJsonText } from "../../internal/json-file.js";

/** The `cxda` dependency to write, and what the person running `init` should know about it. */
export interface CxdaSpec {
  /** The value written to package.json. */
  spec: string;
  /** Why the spec may not resolve somewhere else; printed as warnings, never an error. */
  warnings: string[];
}

/**
 * Whether npm reads `spec` as a path on this machine (a folder or a tarball) rather than a registry range, a tag,
 * a git URL or an http URL. It follows npm's own reading: `file:`, `./`, `../`, `~/`, `/`, a drive letter, or a name
 * ending in `.tgz`/`.tar.gz`/`.tar` that is not a URL.
 */
export function isLocalPathSpec(spec: string): boolean {
  if (spec.startsWith("file:")) return true;
  if (/^(?:\.{1,2}(?:[\\/]|$)|~[\\/]|[\\/]|[a-zA-Z]:[\\/])/.test(spec)) return true;
  return /\.(?:tgz|tar\.gz|tar)$/i.test(spec) && !/^[a-z][a-z0-9+.-]*:/i.test(spec);
}

/** The path a local spec names, absolute, with `~` expanded and a relative path taken from `cwd`. */
function localPath(spec: string, cwd: string): string {
  if (spec.startsWith("file://")) return fileURLToPath(spec);
  const path = spec.startsWith("file:") ? spec.slice("file:".length) : spec;
  if (path === "~" || /^~[\\/]/.test(path)) return resolve(homedir(), path.slice(2));
  return isAbsolute(path) || win32.isAbsolute(path) ? path : resolve(cwd, path);
}

/** True when `spec` names its path absolutely (so the user gave an absolute path, or a home-relative one). */
function namesAbsolutePath(spec: string): boolean {
  const path = spec.startsWith("file:") ? spec.slice("file:".length) : spec;
  return spec.startsWith("file://") || /^~(?:[\\/]|$)/.test(path) || isAbsolute(path) || win32.isAbsolute(path);
}

/** A semver range as npm reads one: `^1.2.3`, `~1.2`, `>=1 <2`, `1.x || 2`, `1.0.0 - 2.0.0`, `*`. */
const RANGE = (() => {
  const part = "(?:[xX*]|\\d+)";
  const partial = `v?${part}(?:\\.${part}(?:\\.${part}(?:-[0-9A-Za-z.-]+)?(?:\\+[0-9A-Za-z.-]+)?)?)?`;
  const simple = `(?:~>?|\\^|[<>]=?|=)?\\s*${partial}`;
  const range = `(?:${partial}\\s+-\\s+${partial}|${simple}(?:\\s+${simple})*|)`;
  return new RegExp(`^\\s*${range}(?:\\s*\\|\\|\\s*${range})*\\s*$`);
})();

/**
 * What npm would make of a spec that is neither a local path nor a URL: a semver range is fine, a dist-tag is warned
 * about (only the registry knows it), anything else is refused now rather than by `npm install` later.
 */
function registrySpecWarnings(spec: string, cwd: string): string[] {
  // A URL (git+https:, github:, npm: alias, http:) or git's owner/repo shorthand: npm reads those itself.
  if (/^[a-z][a-z0-9+.-]*:/i.test(spec) || spec.includes("/")) return [];
  if (RANGE.test(spec)) return [];
  const examples = "a version range (^0.1.0), a tarball or folder path (./vendor/cxda-0.1.0.tgz), or a git URL (github:owner/cxda)";
  if (spec.startsWith("-")) {
    throw new CxdaError("E_USAGE", `--cxda ${spec}: looks like a flag, not a spec; --cxda takes ${examples}`);
  }
  if (encodeURIComponent(spec) !== spec) {
    const named = /^cxda@(.+)$/.exec(spec)?.[1];
    const hint = named === undefined ? "" : ` (did you mean --cxda ${named}?)`;
    throw new CxdaError("E_USAGE", `--cxda ${spec}: npm cannot read it as a version range or a tag${hint}; give ${examples}`);
  }
  if (spec === "latest" || spec === "next") return [];
  const local = existsSync(resolve(cwd, spec)) ? ` There is a ${spec} here: for that, write --cxda ./${spec}.` : "";
  return [`--cxda ${spec}: npm reads it as a tag of cxda on the registry, and npm install fails unless the registry has that tag.${local}`];
}

/**
 * The `cxda` dependency `init` writes. Without `given`, the registry range `^<version>`. A registry range, tag or git
 * URL is written as given. A local path (tarball or folder) is written as `file:` relative to the project, since npm
 * reads it from the package.json's folder while the user typed it from `cwd`; a path outside the project given
 * absolutely stays absolute and is warned about: it will not exist on a colleague's machine or in CI.
 * @example
 * resolveCxdaSpec(undefined, { cwd: "/p", projectDir: "/p", version: "0.1.0" }).spec; // "^0.1.0"
 * resolveCxdaSpec("./vendor/cxda-0.1.0.tgz", { cwd: "/p", projectDir: "/p", version: "0.1.0" }).spec; // "file:vendor/cxda-0.1.0.tgz"
 */
export function resolveCxdaSpec(given: string | undefined, where: { cwd: string; projectDir: string; version: string }): CxdaSpec {
  if (given === undefined) return { spec: `^${where.version}`, warnings: [] };
  const spec = given.trim();
  if (spec === "") {
    throw new CxdaError("E_USAGE", "--cxda: empty; give a version range (^0.1.0), a tarball or folder path, or a git URL (github:owner/cxda)");
  }
  if (!isLocalPathSpec(spec)) return { spec, warnings: registrySpecWarnings(spec, where.cwd) };
  const path = localPath(spec, where.cwd);
  const warnings: string[] = [];
  if (!existsSync(path)) warnings.push(`--cxda ${spec}: ${path} does not exist; npm install will fail until it does`);
  const inside = relative(where.projectDir, path);
  if (namesAbsolutePath(spec) && (inside.startsWith("..") || isAbsolute(inside))) {
    warnings.push(
      `--cxda ${spec} is an absolute path: it resolves on this machine only, not on a colleague's or in CI. ` +
        "Put the tarball inside the project and pass it relatively (--cxda ./vendor/cxda.tgz), or use a git URL or a registry version",
    );
    return { spec: `file:${path}`, warnings };
  }
  return { spec: `file:${inside === "" ? "." : inside.split(sep).join("/")}`, warnings };
}

/** A script the scaffold wants: its command, and the names it may take, the first free one winning. */
export interface WantedScript {
  names: readonly string[];
  command: string;
}

/** What the scaffold wants in package.json. */
export interface WantedManifest {
  scripts: readonly WantedScript[];
  /** devDependencies by name, in the order they are added; one already in dependencies or devDependencies is kept. */
  devDependencies: ReadonlyArray<readonly [string, string]>;
}

/** What {@link mergePackageJson} changed and kept. */
export interface ManifestMerge {
  /** The new text of package.json (the same text when nothing was added). */
  text: string;
  /** Scripts added, by the name each took. */
  scripts: string[];
  /** devDependencies added. */
  devDependencies: string[];
  /** Dependencies the project already had, with the spec it has: left as they are. */
  kept: Array<{ name: string; spec: string; field: "dependencies" | "devDependencies" }>;
}

/** The indentation and line ends a file already uses, so that added entries look like the ones around them. */
function formattingOf(text: string): FormattingOptions {
  const indent = /^[ \t]+(?=")/m.exec(text)?.[0] ?? "  ";
  const eol = text.includes("\r\n") ? "\r\n" : "\n";
  return indent.startsWith("\t") ? { insertSpaces: false, tabSize: 1, eol } : { insertSpaces: true, tabSize: indent.length, eol };
}

type Manifest = Record<string, unknown>;

function stringRecord(manifest: Manifest, field: string, file: string): Record<string, unknown> {
  const value = manifest[field];
  if (value === undefined) return {};
  if (value === null || typeof value !== "object" || Array.isArray(value)) {
    throw new CxdaError("E_CONFIG", `${file}: "${field}" is not an object; npm expects { "name": "…" } there. Fix it and run cxda init again`, {
      context: { file, path: `/${field}` },
    });
  }
  return value as Record<string, unknown>;
}

/**
 * Parses package.json strictly (as npm does), naming the file and the line:column of a fault and what to do.
 * @throws CxdaError `E_CONFIG` when the text is not a JSON object.
 * @example
 * parsePackageJson('{ "name": "x" }', "package.json").name; // "x"
 */
export function parsePackageJson(text: string, file: string): Manifest {
  let parsed: unknown;
  try {
    parsed = parseJsonText(text, file, "E_CONFIG");
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    throw new CxdaError("E_CONFIG", `${message}. npm cannot read it either: fix it and run cxda init again`, { cause: error, context: { file } });
  }
  if (parsed === null || typeof parsed !== "object" || Array.isArray(parsed)) {
    throw new CxdaError("E_CONFIG", `${file}: not a JSON object; a package.json is { "name": …, "version": … }. Fix it and run cxda init again`, {
      context: { file },
    });
  }
  return parsed as Manifest;
}

/**
 * Adds the scaffold's scripts and devDependencies to the text of an existing package.json, changing nothing else:
 * key order, indentation, line ends and every entry already there stay as they are; new keys go at the end of their
 * object. A script whose names are all taken (by other commands) is not added; one whose command some script already
 * runs is not added twice. A dependency the project already has, in either field, is kept with its own spec.
 * @throws CxdaError `E_CONFIG` when the text is not a JSON object, naming `file` and the line:column.
 * @example
 * mergePackageJson('{ "name": "x" }\n', "package.json", { scripts: [], devDependencies: [["cxda", "^0.1.0"]] }).devDependencies; // ["cxda"]
 */
export function mergePackageJson(text: string, file: string, wanted: WantedManifest): ManifestMerge {
  const bom = text.charCodeAt(0) === 0xfeff ? "\ufeff" : "";
  const manifest = parsePackageJson(text, file);
  const scripts = stringRecord(manifest, "scripts", file);
  const dependencies = stringRecord(manifest, "dependencies", file);
  const devDependencies = stringRecord(manifest, "devDependencies", file);
  const formattingOptions = formattingOf(text);
  let body = text.slice(bom.length);
  const set = (path: string[], value: string): void => {
    body = applyEdits(body, modify(body, path, value, { formattingOptions }));
  };

  const merge: ManifestMerge = { text, scripts: [], devDependencies: [], kept: [] };
  const commands = new Set(Object.values(scripts));
  for (const script of wanted.scripts) {
    if (commands.has(script.command)) continue;
    const name = script.names.find((candidate) => !(candidate in scripts));
    if (name === undefined) continue;
    set(["scripts", name], script.command);
    scripts[name] = script.command;
    merge.scripts.push(name);
  }
  for (const [name, spec] of wanted.devDependencies) {
    const field = name in dependencies ? "dependencies" : name in devDependencies ? "devDependencies" : undefined;
    if (field !== undefined) {
      const existing = (field === "dependencies" ? dependencies : devDependencies)[name];
      merge.kept.push({ name, spec: typeof existing === "string" ? existing : JSON.stringify(existing), field });
      continue;
    }
    set(["devDependencies", name], spec);
    merge.devDependencies.push(name);
  }
  merge.text = bom + body;
  return merge;
}

/** The oldest version of a dependency the scaffold works with: `[major, minor]`, why, and what to write instead. */
export interface MinimumVersion {
  at: readonly [number, number];
  why: string;
  suggested: string;
}

/**
 * The newest `[major, minor]` a registry spec allows, or undefined when that cannot be read from it simply (a tag, a
 * URL, `*`, `>=`, several comparators): no warning is better than a wrong one.
 */
function newestAllowed(spec: string): [number, number] | undefined {
  let newest: [number, number] | undefined;
  for (const alternative of spec.split("||")) {
    const parts = /^\s*(\^|~|=)?\s*v?(\d+)(?:\.(\d+|[xX*]))?(?:\.(?:\d+|[xX*])(?:[-+][0-9A-Za-z.+-]*)?)?\s*$/.exec(alternative);
    if (parts === null) return undefined;
    const [, operator, majorText, minorText] = parts;
    const major = Number(majorText);
    const minor = minorText === undefined || !/^\d+$/.test(minorText) ? undefined : Number(minorText);
    // ^1.2 allows all of 1.x, ^0.2 only 0.2.x; ~1.2 and 1.2.3 stay within 1.2; 1 and 1.x allow all of 1.x.
    const top: [number, number] = minor === undefined || (operator === "^" && major > 0) ? [major, Number.POSITIVE_INFINITY] : [major, minor];
    if (newest === undefined || top[0] > newest[0] || (top[0] === newest[0] && top[1] > newest[1])) newest = top;
  }
  return newest;
}

/**
 * Warnings for dependencies the project already had and `init` kept, whose spec cannot reach the version the scaffold
 * needs (vitest 3 beside cxda/vitest's peer vitest 4, which makes `npm install` fail with ERESOLVE; a typescript
 * without the tsconfig's Bundler resolution). The spec is left as it is: the project may pin it for a reason.
 * @example
 * keptTooOld([{ name: "vitest", spec: "^3.2.0", field: "devDependencies" }], { vitest: { at: [4, 0], why: "…", suggested: "4.1.12" } });
 */
export function keptTooOld(kept: ManifestMerge["kept"], minimums: Readonly<Record<string, MinimumVersion>>): string[] {
  const warnings: string[] = [];
  for (const { name, spec, field } of kept) {
    const minimum = minimums[name];
    const newest = newestAllowed(spec);
    if (minimum === undefined || newest === undefined) continue;
    const [major, minor] = minimum.at;
    if (newest[0] > major || (newest[0] === major && newest[1] >= minor)) continue;
    warnings.push(
      `package.json keeps ${name} ${spec} (${field}), but the scaffold needs ${name} ${major}.${minor} or newer (${minimum.why}); ` +
        `change it to "${minimum.suggested}" and run npm install`,
    );
  }
  return warnings;
}
