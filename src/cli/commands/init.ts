// `cxda init [dir]`: scaffolds a project (config, one action, a vitest example) that passes `cxda test` and `vitest` as it is.
import { readFileSync } from "node:fs";
import { mkdir, readdir, readFile, stat, writeFile } from "node:fs/promises";
import { basename, dirname, join, relative, resolve, sep } from "node:path";
import { fileURLToPath } from "node:url";
import type { Command } from "commander";
import { CxdaError } from "../../core/errors.js";
import { EXIT } from "../exit-codes.js";
import { paint, processTerminal, type Terminal } from "../terminal.js";

/** The vitest version a new project pins: the one cxda itself is tested with. */
export const VITEST_VERSION = "4.1.12";

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
   * Write into a folder that is not empty, replacing files with the same names (other files are left alone).
   * @default false
   * @example true
   */
  force?: boolean;
  /**
   * The `cxda` devDependency written to package.json.
   * @default `file:<checkout>` when cxda runs from a source checkout, else its exact version
   * @example "0.1.0"
   */
  cxdaSpec?: string;
  /**
   * The package name written to package.json.
   * @default the folder's name, made a valid package name
   * @example "contact-center-actions"
   */
  projectName?: string;
}

/** {@link ScaffoldOptions} with every default applied. */
export interface ResolvedScaffoldOptions {
  dir: string;
  action: string;
  force: boolean;
  cxdaSpec: string;
  projectName: string;
}

/** What {@link scaffoldProject} wrote. */
export interface ScaffoldResult {
  /** The project folder (absolute). */
  dir: string;
  /** The action's folder name under `actions/`. */
  action: string;
  /** Files written, relative to `dir`, in a stable order. */
  files: string[];
  /** Files that existed and were replaced (only with `force`). */
  overwritten: string[];
}

function packageJson(): { version: string } {
  return JSON.parse(readFileSync(join(PACKAGE_ROOT, "package.json"), "utf8")) as { version: string };
}

/** `file:<checkout>` when cxda runs from a source checkout (not from inside a node_modules folder), else its version. */
export function defaultCxdaSpec(root: string = PACKAGE_ROOT): string {
  const inNodeModules = resolve(root).split(sep).includes("node_modules");
  return inNodeModules ? packageJson().version : `file:${resolve(root)}`;
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
 * Applies the defaults and rejects a bad action name before anything is written.
 * @example
 * resolveScaffoldOptions("my-project", { action: "lookup" }).projectName; // "my-project"
 */
export function resolveScaffoldOptions(dir: string, options: ScaffoldOptions = {}): ResolvedScaffoldOptions {
  const absolute = resolve(dir);
  const action = options.action ?? "callback-record";
  if (!/^[a-z0-9][a-z0-9._-]*$/i.test(action)) {
    throw new CxdaError(
      "E_USAGE",
      `--action ${action}: use letters, digits, ".", "_" and "-", starting with a letter or digit (it names a folder and the definition id)`,
    );
  }
  return {
    dir: absolute,
    action,
    force: options.force ?? false,
    cxdaSpec: options.cxdaSpec ?? defaultCxdaSpec(),
    projectName: options.projectName ?? packageNameFor(basename(absolute)),
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

/** Where a template lands: `__action__` becomes the action's name, `dot-x` becomes `.x` (npm drops `.gitignore` from packages). */
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

/** Entries that do not make a folder "not empty": a fresh `git init` leaves `.git`. */
const IGNORED_ENTRIES = new Set([".git"]);

/**
 * Writes a new project into `dir` (created when missing): cxda.config.ts, package.json, README.md, .gitignore,
 * tsconfig.json, `actions/<action>/` (definition, transform, trigger, cases) and `test/actions.test.ts`.
 * @throws CxdaError `E_USAGE` when `dir` is a file, or a folder that is not empty and `force` is not set.
 * @example
 * const { files } = await scaffoldProject("my-project", { action: "billing-callback" });
 */
export async function scaffoldProject(dir: string, options: ScaffoldOptions = {}): Promise<ScaffoldResult> {
  const settings = resolveScaffoldOptions(dir, options);
  const near = relative(process.cwd(), settings.dir);
  const shown = near === "" ? "." : near.startsWith("..") ? settings.dir : near;
  const info = await stat(settings.dir).catch(() => undefined);
  if (info !== undefined && !info.isDirectory()) throw new CxdaError("E_USAGE", `${shown}: is a file; pass a new or empty folder`);
  const existing = info === undefined ? [] : (await readdir(settings.dir)).filter((name) => !IGNORED_ENTRIES.has(name)).sort();
  if (existing.length > 0 && !settings.force) {
    const listed = existing.slice(0, 5).join(", ") + (existing.length > 5 ? `, … (${existing.length} entries)` : "");
    throw new CxdaError(
      "E_USAGE",
      `${shown}: the folder is not empty (${listed}); choose a new or empty folder, or pass --force to write into it (files with the same names are replaced)`,
    );
  }

  const values = { action: settings.action, projectName: settings.projectName };
  const outputs = new Map<string, string>();
  for (const template of await templateFiles(TEMPLATE_DIR)) {
    outputs.set(targetOf(template, settings.action), fill(await readFile(join(TEMPLATE_DIR, template), "utf8"), values, template));
  }
  const manifest = {
    name: settings.projectName,
    version: "0.0.0",
    private: true,
    type: "module",
    scripts: { test: "cxda test", "test:vitest": "vitest run" },
    devDependencies: { cxda: settings.cxdaSpec, vitest: VITEST_VERSION },
  };
  outputs.set("package.json", `${JSON.stringify(manifest, null, 2)}\n`);

  const files = [...outputs.keys()].sort();
  const overwritten: string[] = [];
  for (const file of files) {
    const target = join(settings.dir, ...file.split("/"));
    if (await stat(target).catch(() => undefined)) overwritten.push(file);
    await mkdir(dirname(target), { recursive: true });
    await writeFile(target, outputs.get(file)!);
  }
  return { dir: settings.dir, action: settings.action, files, overwritten };
}

/** Flags of `cxda init`. */
export interface InitFlags {
  force?: boolean;
  action?: string;
  json?: boolean;
}

/** The commands to run next, from the folder `init` was run in. */
function nextSteps(result: ScaffoldResult, cwd: string): Array<[string, string]> {
  const shown = relative(cwd, result.dir);
  const steps: Array<[string, string]> = [];
  if (shown !== "") steps.push([`cd ${shown.includes(" ") ? JSON.stringify(shown) : shown}`, ""]);
  steps.push(["npm install", "cxda and vitest"]);
  steps.push(["npx cxda test", `run the cases in actions/${result.action}/cases`]);
  steps.push(["npx vitest run", "the same cases as vitest tests (test/actions.test.ts)"]);
  return steps;
}

/** Scaffolds the project and prints what was written and what to do next; returns the exit code. */
export async function runInitCommand(dir: string | undefined, flags: InitFlags, terminal: Terminal, cwd: string = process.cwd()): Promise<number> {
  const target = resolve(cwd, dir ?? ".");
  const result = await scaffoldProject(target, {
    ...(flags.force === undefined ? {} : { force: flags.force }),
    ...(flags.action === undefined ? {} : { action: flags.action }),
  });
  const steps = nextSteps(result, cwd);
  if (flags.json) {
    terminal.out(
      JSON.stringify({ dir: result.dir, files: result.files, overwritten: result.overwritten, next: steps.map(([command]) => command) }, null, 2),
    );
    return EXIT.ok;
  }
  const shown = relative(cwd, result.dir) || ".";
  terminal.out(`Created a cxda project in ${shown}:`);
  for (const file of result.files) terminal.out(`  ${file}${result.overwritten.includes(file) ? paint(terminal, "yellow", " (replaced)") : ""}`);
  terminal.out();
  terminal.out(paint(terminal, "bold", "Next steps:"));
  const width = Math.max(...steps.map(([command]) => command.length));
  for (const [command, why] of steps) terminal.out(`  ${command.padEnd(width)}${why === "" ? "" : paint(terminal, "dim", `   ${why}`)}`);
  return EXIT.ok;
}

/** Registers `cxda init`. */
export function registerInitCommand(program: Command, setExit: (code: number) => void): void {
  program
    .command("init")
    .description("scaffold a project: cxda.config.ts, one action with cases, and a vitest example")
    .argument("[dir]", "the project folder, new or empty (default: the current folder)")
    .option("--action <name>", 'the example action\'s folder name and id (default: "callback-record")')
    .option("--force", "write into a folder that is not empty, replacing files with the same names")
    .option("--json", "print { dir, files, overwritten, next } as JSON")
    .addHelpText("after", "\nExamples:\n  cxda init my-project\n  cxda init . --action billing-callback\n  cxda init existing-folder --force")
    .action(async (dir: string | undefined, flags: InitFlags) => setExit(await runInitCommand(dir, flags, processTerminal())));
}
