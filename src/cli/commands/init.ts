// `cxda init [dir]`: sets up a project, new or existing (config, one action, a vitest example, a CI workflow), that passes `cxda test` and `vitest` as it is.
import { constants, readFileSync } from "node:fs";
import { access, mkdir, readdir, readFile, stat, writeFile } from "node:fs/promises";
import { basename, dirname, isAbsolute, join, relative, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import type { Command } from "commander";
import { CxdaError } from "../../core/errors.js";
import { EXIT } from "../exit-codes.js";
import { paint, processTerminal, type Terminal } from "../terminal.js";
import {
  keptTooOld,
  mergePackageJson,
  parsePackageJson,
  resolveCxdaSpec,
  type ManifestMerge,
  type MinimumVersion,
  type WantedManifest,
} from "./init-manifest.js";

/** The package root: three levels up from this file, in `src/cli/commands/` and in `dist/cli/commands/` alike. */
const PACKAGE_ROOT = fileURLToPath(new URL("../../../", import.meta.url));
const TEMPLATE_DIR = join(PACKAGE_ROOT, "templates", "init");
const ACTION_PLACEHOLDER = "__action__";

/** Options of {@link scaffoldProject}. */
export interface ScaffoldOptions {
  /**
   * The action's folder name under `actions/`, also its definition id.
   * @default "callback-record"
   * @example "billing-callback"
   */
  action?: string;
  /**
   * Replace the scaffold's files that already exist in the folder (package.json is merged all the same, never replaced).
   * @default false
   * @example true
   */
  force?: boolean;
  /**
   * The `cxda` devDependency, as the user gives it: a registry range, a tarball or folder path (taken from `cwd`), or
   * a git URL. A project that already depends on cxda keeps its own.
   * @default `^<this version>`
   * @example "./vendor/cxda-0.1.0.tgz"
   */
  cxdaSpec?: string;
  /**
   * The package name written to a new package.json and the README.
   * @default the existing package.json's name, else the folder's name made a valid package name
   * @example "contact-center-actions"
   */
  projectName?: string;
  /**
   * The folder relative paths (of `dir` and of a local `cxdaSpec`) are taken from.
   * @default process.cwd()
   * @example "/home/me/src"
   */
  cwd?: string;
}

/** {@link ScaffoldOptions} with every default applied. */
export interface ResolvedScaffoldOptions {
  dir: string;
  action: string;
  force: boolean;
  /** The spec written to package.json when the project has no cxda yet. */
  cxdaSpec: string;
  projectName: string;
  /** Why `cxdaSpec` may not resolve on another machine. */
  warnings: string[];
}

/** What {@link scaffoldProject} did to package.json. */
export interface PackageJsonChange {
  /** True when there was none and a new one was written. */
  created: boolean;
  /** Scripts added, by the name each took. */
  scripts: string[];
  /** devDependencies added; `npm install` is due when this is not empty. */
  devDependencies: string[];
  /** Dependencies the project already had, left with their own spec. */
  kept: ManifestMerge["kept"];
}

/** What {@link scaffoldProject} wrote, merged and left alone. */
export interface ScaffoldResult {
  /** The project folder (absolute). */
  dir: string;
  /** The action's folder name under `actions/`. */
  action: string;
  /** Files written (new, replaced with `force`, or a package.json that changed), relative to `dir`, sorted. */
  files: string[];
  /** Files that existed and were replaced (only with `force`). */
  overwritten: string[];
  /** Files of the scaffold that existed and were left as they are. */
  skipped: string[];
  /** The package.json: created or merged. */
  packageJson: PackageJsonChange;
  /** Lines appended to a .gitignore that was there. */
  gitignore: string[];
  /** Things to know that did not stop the scaffold (a cxda spec that resolves on this machine only). */
  warnings: string[];
}

interface OwnManifest {
  version: string;
  devDependencies: Record<string, string>;
  peerDependencies: Record<string, string>;
}

function ownManifest(): OwnManifest {
  return JSON.parse(readFileSync(join(PACKAGE_ROOT, "package.json"), "utf8")) as OwnManifest;
}

/**
 * The test toolchain a new project pins: the exact vitest and typescript cxda itself is built and tested with.
 * @example
 * scaffoldToolchain().vitest; // "4.1.12"
 */
export function scaffoldToolchain(): { vitest: string; typescript: string } {
  const { devDependencies } = ownManifest();
  const vitest = devDependencies.vitest;
  const typescript = devDependencies.typescript;
  if (vitest === undefined || typescript === undefined) throw new Error("cxda's package.json lacks the vitest or typescript it pins for init");
  return { vitest, typescript };
}

/** The oldest cxda, vitest and typescript the scaffold's files work with, for the ones a project already has. */
function scaffoldMinimums(): Record<string, MinimumVersion> {
  const own = ownManifest();
  const { vitest, typescript } = scaffoldToolchain();
  const [major = 0, minor = 0] = own.version.split(".").map(Number);
  const peer = own.peerDependencies["vitest"] ?? "^4.0.0";
  const [peerMajor = 4] = /\d+/.exec(peer)?.map(Number) ?? [];
  return {
    cxda: {
      at: [major, minor],
      why: `the scaffold comes from cxda ${own.version}, and its CI workflow runs cxda check`,
      suggested: `^${own.version}`,
    },
    vitest: { at: [peerMajor, 0], why: `cxda/vitest's peer dependency is vitest ${peer}, so npm install refuses an older one`, suggested: vitest },
    // moduleResolution "Bundler" came in 5.0, `import … with { type: "json" }` (test/actions.test.ts) in 5.3.
    typescript: { at: [5, 3], why: "tsconfig.json's Bundler resolution and the JSON import of test/actions.test.ts", suggested: typescript },
  };
}

/** A valid npm package name from a folder name. */
function packageNameFor(folder: string): string {
  const name = folder
    .toLowerCase()
    .replace(/[^a-z0-9._~-]+/g, "-")
    .replace(/^[._-]+/, "")
    .replace(/-+$/, "")
    .slice(0, 214);
  return name === "" ? "cxda-project" : name;
}

/**
 * Applies the defaults and rejects a bad action name or cxda spec before anything is written.
 * @example
 * resolveScaffoldOptions("my-project", { action: "lookup" }).projectName; // "my-project"
 */
export function resolveScaffoldOptions(dir: string, options: ScaffoldOptions = {}, existingName?: string): ResolvedScaffoldOptions {
  const cwd = options.cwd ?? process.cwd();
  const absolute = resolve(cwd, dir);
  const action = options.action ?? "callback-record";
  if (!/^[a-z0-9][a-z0-9._-]*$/i.test(action)) {
    throw new CxdaError(
      "E_USAGE",
      `--action ${action}: use letters, digits, ".", "_" and "-", starting with a letter or digit (it names a folder and the definition id)`,
    );
  }
  const { spec, warnings } = resolveCxdaSpec(options.cxdaSpec, { cwd, projectDir: absolute, version: ownManifest().version });
  return {
    dir: absolute,
    action,
    force: options.force ?? false,
    cxdaSpec: spec,
    projectName: options.projectName ?? existingName ?? packageNameFor(basename(absolute)),
    warnings,
  };
}

async function templateFiles(folder: string, prefix = ""): Promise<string[]> {
  const entries = await readdir(join(folder, prefix), { withFileTypes: true });
  const files: string[] = [];
  for (const entry of entries.sort((a, b) => a.name.localeCompare(b.name))) {
    const path = prefix === "" ? entry.name : `${prefix}/${entry.name}`;
    if (entry.isDirectory()) files.push(...(await templateFiles(folder, path)));
    else files.push(path);
  }
  return files;
}

/**
 * Where a template lands: `__action__` becomes the action's name, `dot-x` becomes `.x` (npm leaves `.gitignore` out of
 * packages, and a dot-folder such as `.github` is easy to lose on the way too).
 */
function targetOf(template: string, action: string): string {
  return template
    .split("/")
    .map((part) => (part === ACTION_PLACEHOLDER ? action : part.startsWith("dot-") ? `.${part.slice(4)}` : part))
    .join("/");
}

function fill(text: string, values: Record<string, string>, template: string): string {
  return text.replace(/\{\{(\w+)\}\}/g, (match, key: string) => {
    const value = values[key];
    if (value === undefined) throw new Error(`templates/init/${template}: unknown placeholder ${match}`);
    return value;
  });
}

/** What the scaffold wants in package.json: the scripts of its README and the toolchain its files need. */
function wantedManifest(cxdaSpec: string): WantedManifest {
  const { vitest, typescript } = scaffoldToolchain();
  return {
    // `test` is often taken (by npm's placeholder or another runner): cxda's then goes under test:cxda.
    scripts: [
      { names: ["test", "test:cxda"], command: "cxda test" },
      { names: ["test:vitest"], command: "vitest run" },
      { names: ["typecheck", "typecheck:cxda"], command: "tsc" },
    ],
    // typescript because the scaffold ships a tsconfig.json; vitest for test/actions.test.ts.
    devDependencies: [
      ["cxda", cxdaSpec],
      ["typescript", typescript],
      ["vitest", vitest],
    ],
  };
}

/** The package.json of a folder that has none. */
function newManifest(settings: ResolvedScaffoldOptions, wanted: WantedManifest): string {
  const manifest = {
    name: settings.projectName,
    version: "0.0.0",
    private: true,
    type: "module",
    scripts: Object.fromEntries(wanted.scripts.map((script) => [script.names[0], script.command])),
    devDependencies: Object.fromEntries(wanted.devDependencies),
  };
  return `${JSON.stringify(manifest, null, 2)}\n`;
}

/** The lines of the scaffold's .gitignore that an existing one lacks (`/reports` and `reports/` count as the same). */
function missingIgnoreLines(existing: string, wanted: string): string[] {
  const key = (line: string): string => line.trim().replace(/^\//, "").replace(/\/$/, "");
  const have = new Set(existing.split(/\r?\n/).map(key));
  return wanted.split(/\r?\n/).filter((line) => line.trim() !== "" && !line.startsWith("#") && !have.has(key(line)));
}

async function exists(path: string): Promise<boolean> {
  return (await stat(path).catch(() => undefined)) !== undefined;
}

/** The package.json as it will be: merged into the one there, or new. Read before anything is written, so a broken one stops the scaffold. */
async function planManifest(
  dir: string,
  options: ScaffoldOptions,
): Promise<{ settings: ResolvedScaffoldOptions; text: string | undefined; change: PackageJsonChange }> {
  const file = join(dir, "package.json");
  const existing = await readFile(file, "utf8").catch((error: NodeJS.ErrnoException) => {
    if (error.code === "ENOENT") return undefined;
    throw new CxdaError("E_CONFIG", `${file}: cannot read it (${error.code ?? error.message})`, { cause: error, context: { file } });
  });
  if (existing === undefined) {
    const settings = resolveScaffoldOptions(dir, options);
    const wanted = wantedManifest(settings.cxdaSpec);
    const change = {
      created: true,
      scripts: wanted.scripts.map((s) => s.names[0]!),
      devDependencies: wanted.devDependencies.map(([n]) => n),
      kept: [],
    };
    return { settings, text: newManifest(settings, wanted), change };
  }
  const shown = relative(options.cwd ?? process.cwd(), file) || file;
  const { name } = parsePackageJson(existing, shown);
  const settings = resolveScaffoldOptions(dir, options, typeof name === "string" && name !== "" ? name : undefined);
  const merge = mergePackageJson(existing, shown, wantedManifest(settings.cxdaSpec));
  const change = { created: false, scripts: merge.scripts, devDependencies: merge.devDependencies, kept: merge.kept };
  settings.warnings.push(...keptTooOld(merge.kept, scaffoldMinimums()));
  return { settings, text: merge.text === existing ? undefined : merge.text, change };
}

/**
 * Sets up a cxda project in `dir` (created when missing), new or existing: cxda.config.ts, README.md, .gitignore,
 * tsconfig.json, a GitHub Actions workflow, `actions/<action>/` (definition, transform, trigger, cases) and
 * `test/actions.test.ts`. A file that is already there is left as it is and listed in `skipped` (unless `force`); a
 * .gitignore gets the lines it lacks; a package.json gets the scaffold's scripts and devDependencies merged in.
 * @throws CxdaError `E_USAGE` when `dir` is a file or an option is bad; `E_CONFIG` when package.json is not valid JSON.
 * @example
 * const { files, skipped } = await scaffoldProject(".", { cxdaSpec: "./vendor/cxda-0.1.0.tgz" });
 */
export async function scaffoldProject(dir: string, options: ScaffoldOptions = {}): Promise<ScaffoldResult> {
  const cwd = options.cwd ?? process.cwd();
  const absolute = resolve(cwd, dir);
  const info = await stat(absolute).catch(() => undefined);
  if (info !== undefined && !info.isDirectory()) {
    const near = relative(cwd, absolute);
    throw new CxdaError("E_USAGE", `${near.startsWith("..") ? absolute : near}: is a file; pass a folder, new or existing`);
  }
  // A file on the way to the folder would read as "cannot read package.json (ENOTDIR)": name it instead.
  await refuseBlockedFolder(absolute, cwd);
  const { settings, text: manifestText, change } = await planManifest(absolute, options);

  const values = { action: settings.action, projectName: settings.projectName };
  const result: ScaffoldResult = {
    dir: settings.dir,
    action: settings.action,
    files: [],
    overwritten: [],
    skipped: [],
    packageJson: change,
    gitignore: [],
    warnings: settings.warnings,
  };
  // Everything is decided and checked before the first write, so that a fault leaves the folder as it was.
  // A merged .gitignore is reported by the lines it gained, not listed as a file written.
  const writes: Array<{ file: string; target: string; text: string; replace: boolean; listed: boolean }> = [];
  for (const template of await templateFiles(TEMPLATE_DIR)) {
    const file = targetOf(template, settings.action);
    const target = join(settings.dir, ...file.split("/"));
    const text = fill(await readFile(join(TEMPLATE_DIR, template), "utf8"), values, template);
    if (await exists(target)) {
      if (file === ".gitignore" && !settings.force) {
        const current = await readFile(target, "utf8");
        result.gitignore = missingIgnoreLines(current, text);
        if (result.gitignore.length === 0) {
          result.skipped.push(file);
          continue;
        }
        // The lines added end as the file's own do (CRLF on a Windows checkout), so that it keeps one kind.
        const eol = current.includes("\r\n") ? "\r\n" : "\n";
        const separator = current === "" || current.endsWith("\n") ? "" : eol;
        writes.push({
          file,
          target,
          text: `${current}${separator}# added by cxda init${eol}${result.gitignore.join(eol)}${eol}`,
          replace: true,
          listed: false,
        });
        continue;
      }
      if (!settings.force) {
        result.skipped.push(file);
        continue;
      }
      result.overwritten.push(file);
      writes.push({ file, target, text, replace: true, listed: true });
      continue;
    }
    writes.push({ file, target, text, replace: settings.force, listed: true });
  }
  if (manifestText !== undefined)
    writes.push({ file: "package.json", target: join(settings.dir, "package.json"), text: manifestText, replace: true, listed: true });
  for (const write of writes) await refuseUnwritable(write.target, cwd);

  const written: string[] = [];
  for (const write of writes) {
    try {
      await mkdir(dirname(write.target), { recursive: true });
      // "wx" fails rather than replace a file that appeared since the check: a user's file is never overwritten unasked.
      await writeFile(write.target, write.text, { flag: write.replace ? "w" : "wx" });
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      if (code === "EEXIST" && !write.replace) {
        result.skipped.push(write.file);
        continue;
      }
      const done = written.length === 0 ? "nothing was written before it" : `written before it: ${written.join(", ")}`;
      throw new CxdaError(
        "E_USAGE",
        `${shownFrom(cwd, write.target)}: cannot write it (${code ?? (error as Error).message}); ${done}. Fix that and run cxda init again`,
        {
          cause: error,
          context: { file: write.target },
        },
      );
    }
    written.push(write.file);
    if (write.listed) result.files.push(write.file);
  }
  result.files.sort();
  result.skipped.sort();
  return result;
}

/** A path relative to `cwd` when it is inside it, absolute otherwise. */
function shownFrom(cwd: string, path: string): string {
  const near = relative(cwd, path);
  return near === "" ? "." : near.startsWith("..") || isAbsolute(near) ? path : near;
}

/** The nearest part of `path` that exists, and what it is: a folder, or something else (a file where a folder must be). */
async function nearestExisting(path: string): Promise<{ path: string; isDirectory: boolean }> {
  for (let at = path; ; at = dirname(at)) {
    const info = await stat(at).catch(() => undefined);
    if (info !== undefined) return { path: at, isDirectory: info.isDirectory() };
    if (dirname(at) === at) return { path: at, isDirectory: true };
  }
}

/** Refuses a folder that cannot become a project because a part of its path is a file. */
async function refuseBlockedFolder(folder: string, cwd: string): Promise<void> {
  const nearest = await nearestExisting(folder);
  if (nearest.isDirectory) return;
  throw new CxdaError("E_USAGE", `${shownFrom(cwd, nearest.path)}: is a file, so ${shownFrom(cwd, folder)} cannot be a folder; pass another folder`);
}

/** Refuses, before anything is written, a file cxda init could not write: a read-only file or folder, or a file where a folder must be. */
async function refuseUnwritable(target: string, cwd: string): Promise<void> {
  const nearest = await nearestExisting(target);
  if (nearest.path !== target && !nearest.isDirectory) {
    throw new CxdaError(
      "E_USAGE",
      `${shownFrom(cwd, nearest.path)}: is a file where cxda init needs a folder (for ${shownFrom(cwd, target)}); move it away and run cxda init again. Nothing was written`,
      { context: { file: nearest.path } },
    );
  }
  const code = await access(nearest.path, constants.W_OK).then(
    () => undefined,
    (error: NodeJS.ErrnoException) => error.code ?? "EACCES",
  );
  if (code === undefined) return;
  throw new CxdaError(
    "E_USAGE",
    nearest.path === target
      ? `${shownFrom(cwd, target)}: not writable (${code}); make it writable (chmod u+w ${shownFrom(cwd, target)}) and run cxda init again. Nothing was written`
      : `${shownFrom(cwd, nearest.path)}: the folder is not writable (${code}), so ${shownFrom(cwd, target)} cannot be written there; make it writable (chmod u+w ${shownFrom(cwd, nearest.path)}) or pick another folder, and run cxda init again. Nothing was written`,
    { context: { file: nearest.path } },
  );
}

/** Flags of `cxda init`. */
export interface InitFlags {
  force?: boolean;
  action?: string;
  cxda?: string;
  json?: boolean;
}

/** "a", "a and b", "a, b and c". */
function listed(names: string[]): string {
  return names.length < 2 ? (names[0] ?? "") : `${names.slice(0, -1).join(", ")} and ${names.at(-1)}`;
}

/** The commands to run next, from the folder `init` was run in. */
async function nextSteps(result: ScaffoldResult, cwd: string): Promise<Array<[string, string]>> {
  const shown = relative(cwd, result.dir);
  const steps: Array<[string, string]> = [];
  if (shown !== "") steps.push([`cd ${shown.includes(" ") ? JSON.stringify(shown) : shown}`, ""]);
  const added = result.packageJson.devDependencies;
  if (added.length > 0) steps.push(["npm install", `installs ${listed(added)}`]);
  else if (!(await exists(join(result.dir, "node_modules")))) steps.push(["npm install", "installs the project's dependencies"]);
  steps.push(["npx cxda check", "finds typos in the config, definitions and cases without running them"]);
  steps.push(["npx cxda test", `runs the cases in actions/${result.action}/cases`]);
  steps.push(["npx vitest run", "the same cases as vitest tests (test/actions.test.ts)"]);
  return steps;
}

/** What happened to package.json, in one line: "added scripts test, …; devDependencies …; kept cxda (^0.1.0)". */
function describeManifest(change: PackageJsonChange): string {
  const parts: string[] = [];
  if (change.scripts.length > 0) parts.push(`scripts ${change.scripts.join(", ")}`);
  if (change.devDependencies.length > 0) parts.push(`devDependencies ${change.devDependencies.join(", ")}`);
  const kept = change.kept.map((dependency) => `${dependency.name} ${dependency.spec}`);
  return [parts.length > 0 ? `added ${parts.join("; ")}` : "nothing to add", ...(kept.length > 0 ? [`kept ${kept.join(", ")}`] : [])].join("; ");
}

function printResult(result: ScaffoldResult, steps: Array<[string, string]>, terminal: Terminal, cwd: string): void {
  const shown = relative(cwd, result.dir) || ".";
  terminal.out(result.packageJson.created ? `Created a cxda project in ${shown}:` : `Added cxda to the project in ${shown}:`);
  // Files written, and the two that are merged rather than written, in one sorted list.
  const lines = new Map<string, string>(
    result.files.map((file) => [file, result.overwritten.includes(file) ? paint(terminal, "yellow", " (replaced)") : ""]),
  );
  if (!result.packageJson.created) {
    lines.set(result.files.includes("package.json") ? "package.json" : "package.json unchanged", ` (${describeManifest(result.packageJson)})`);
  }
  if (result.gitignore.length > 0) lines.set(".gitignore", ` (added ${result.gitignore.join(", ")})`);
  for (const file of [...lines.keys()].sort()) terminal.out(`  ${file}${lines.get(file)}`);
  if (result.skipped.length > 0) {
    terminal.out();
    terminal.out("Already there, left as they are (--force replaces them):");
    for (const file of result.skipped) terminal.out(`  ${file}`);
  }
  terminal.out();
  terminal.out(paint(terminal, "bold", "Next steps:"));
  const width = Math.max(...steps.map(([command]) => command.length));
  for (const [command, why] of steps) terminal.out(`  ${command.padEnd(width)}${why === "" ? "" : paint(terminal, "dim", `   ${why}`)}`);
}

/** Sets up the project and prints what was written, merged and skipped, and what to do next; returns the exit code. */
export async function runInitCommand(dir: string | undefined, flags: InitFlags, terminal: Terminal, cwd: string = process.cwd()): Promise<number> {
  const result = await scaffoldProject(dir ?? ".", {
    cwd,
    ...(flags.force === undefined ? {} : { force: flags.force }),
    ...(flags.action === undefined ? {} : { action: flags.action }),
    ...(flags.cxda === undefined ? {} : { cxdaSpec: flags.cxda }),
  });
  // A warning goes to stderr even with --json: stdout stays the one JSON document.
  for (const warning of result.warnings) terminal.err(paint(terminal, "yellow", `warning: ${warning}`));
  const steps = await nextSteps(result, cwd);
  if (flags.json) {
    terminal.out(JSON.stringify({ ...result, next: steps.map(([command]) => command) }, null, 2));
    return EXIT.ok;
  }
  printResult(result, steps, terminal, cwd);
  return EXIT.ok;
}

/** Registers `cxda init`. */
export function registerInitCommand(program: Command, setExit: (code: number) => void): void {
  program
    .command("init")
    .description("set up cxda in a project, new or existing: config, one action with cases, a vitest example, a CI workflow")
    .argument("[dir]", "the project folder, new or existing (default: the current folder)")
    .option("--action <name>", 'the example action\'s folder name and id (default: "callback-record")')
    .option(
      "--cxda <spec>",
      "the cxda dependency to write: a version range, a tarball or folder path (from the current folder), or a git URL (default: ^<this version>; a project that has cxda keeps its own)",
    )
    .option("--force", "replace the scaffold's files that already exist (package.json is merged all the same)")
    .option("--json", "print { dir, files, overwritten, skipped, packageJson, gitignore, warnings, next } as JSON")
    .addHelpText(
      "after",
      "\nExamples:\n  cxda init my-project\n  cxda init . --action billing-callback\n  cxda init . --cxda ./vendor/cxda-0.1.0.tgz\n  cxda init . --cxda github:<owner>/cxda",
    )
    .action(async (dir: string | undefined, flags: InitFlags) => setExit(await runInitCommand(dir, flags, processTerminal())));
}
