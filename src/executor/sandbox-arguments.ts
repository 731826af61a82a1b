// The Node options a sandbox process starts with: the permission model, and the few paths it may read.
import { existsSync, readdirSync, realpathSync, statSync } from "node:fs";
import { createRequire } from "node:module";
import { tmpdir } from "node:os";
import { dirname, join, sep } from "node:path";

/** How the sandbox processes are isolated, and what is missing (shown with `--debug`, explained in the threat model). */
export interface SandboxIsolation {
  /** Node's permission model is on: file writes, processes, native addons, WASI and the inspector are refused. */
  permissionModel: boolean;
  /** What the sandbox could not have, and why (an old Node, an instrumented run). */
  limits: string[];
  /** The paths transforms may read (folders end with `/*`). */
  readable: string[];
  /** The paths transforms may write, when writes are allowed at all. */
  writable: string[];
}

/** Options of {@link sandboxArguments}. */
export interface SandboxArgumentOptions {
  /** Paths transforms may read: action folders, the bundles' folder. */
  readPaths: string[];
  /** cxda's own modules the sandbox runs (its folder, and the packages they import, become readable). */
  code: string[];
  /** Leave the permission model off so that the V8 inspector works (coverage, CPU profiles). */
  inspector: boolean;
  /** Let transforms write in their readable folders and the temp folder (the config's `sandbox.fsWrite`). */
  fsWrite: boolean;
}

/**
 * Files that hold credentials by convention. A folder that directly holds one is opened entry by entry, leaving them
 * out: an action folder at a project's root must not make its `.env` readable.
 */
const SECRET_FILE = /^(\.env(\..*)?|\.npmrc|\.netrc|\.git-credentials|\.pgpass|credentials(\.json)?)$/i;

/** The packages cxda's worker imports at run time: their `node_modules` folders must be readable. */
const WORKER_PACKAGES = ["ajv", "ajv-formats", "ajv-draft-04"];

/** The permission flag this Node knows: `--permission` from Node 22.13/23.5, `--experimental-permission` before. */
function permissionFlag(): string | undefined {
  const flags = process.allowedNodeEnvironmentFlags;
  if (flags.has("--permission")) return "--permission";
  if (flags.has("--experimental-permission")) return "--experimental-permission";
  return undefined;
}

/** `path` as the permission model takes it: a folder (existing or not yet made) as `folder/*`, a file as itself. */
function grant(path: string): string[] {
  let isFile = false;
  try {
    isFile = statSync(path).isFile();
  } catch {
    // Not made yet (the bundles' folder before the first bundle): granted as a folder.
  }
  const forms = new Set([path]);
  try {
    forms.add(realpathSync(path));
  } catch {
    // Absent: only the path as given.
  }
  return [...forms].map((each) => (isFile ? each : `${each.endsWith(sep) ? each.slice(0, -1) : each}/*`));
}

/** A readable path, opened entry by entry when it directly holds a file of credentials. */
function grantReadable(path: string): string[] {
  let names: string[];
  try {
    names = statSync(path).isDirectory() ? readdirSync(path) : [];
  } catch {
    names = [];
  }
  if (!names.some((name) => SECRET_FILE.test(name))) return grant(path);
  return names.filter((name) => !SECRET_FILE.test(name)).flatMap((name) => grant(join(path, name)));
}

/** The `node_modules` folder a package resolves from, seen from cxda's own code. */
function packageRoot(name: string): string | undefined {
  try {
    const resolved = createRequire(import.meta.url).resolve(`${name}/package.json`);
    const at = resolved.lastIndexOf(`${sep}node_modules${sep}`);
    return at < 0 ? dirname(dirname(resolved)) : resolved.slice(0, at + `${sep}node_modules`.length);
  } catch {
    return undefined;
  }
}

/**
 * The `execArgv` of a sandbox process. With the permission model the process may read only `readPaths` (files of
 * credentials left out), cxda's own modules and the packages they import; it may start worker threads (its one worker)
 * but no process, and write no file. Node 20's model has no network control: the worker refuses the network itself.
 * @example
 * sandboxArguments({ readPaths: ["/p/actions", "/p/.cxda/build"], code: ["/p/node_modules/cxda/dist/executor/worker-entry.js"], inspector: false });
 */
export function sandboxArguments(options: SandboxArgumentOptions): { execArgv: string[]; isolation: SandboxIsolation } {
  const readable = new Set<string>();
  for (const path of options.readPaths) for (const each of grantReadable(path)) readable.add(each);
  // cxda's compiled modules live in one folder tree (dist/, or node_modules/.cache/cxda when run from its sources).
  for (const file of options.code) for (const each of grant(dirname(dirname(file)))) readable.add(each);
  for (const name of WORKER_PACKAGES) {
    const root = packageRoot(name);
    if (root !== undefined && existsSync(root)) for (const each of grant(root)) readable.add(each);
  }
  const limits: string[] = [];
  // Node's own warnings about the experimental model would only fill the sandbox's stderr.
  const execArgv = ["--no-warnings"];
  const flag = permissionFlag();
  if (options.inspector) {
    limits.push("the run measures coverage or a CPU profile, and Node's permission model refuses the V8 inspector: the sandbox runs without it, so only the module stand-ins refuse file writes and processes");
  } else if (flag === undefined) {
    limits.push(`Node ${process.version} has no permission model: only the module stand-ins refuse file writes and processes, and files can be read`);
  } else {
    execArgv.push(flag, "--allow-worker", ...[...readable].map((path) => `--allow-fs-read=${path}`));
  }
  const writable: string[] = [];
  if (options.fsWrite && flag !== undefined && !options.inspector) {
    // Writes were allowed on purpose: where a transform may read (its own folders), and the temp folder.
    writable.push(...options.readPaths.flatMap(grantReadable), ...grant(tmpdir()));
    execArgv.push(...writable.map((path) => `--allow-fs-write=${path}`), ...grant(tmpdir()).map((path) => `--allow-fs-read=${path}`));
  }
  return { execArgv, isolation: { permissionModel: execArgv.includes("--allow-worker"), limits, readable: [...readable], writable } };
}
