// The Node options a sandbox process starts with: the permission model, and the few paths it may read.
import { existsSync, readdirSync, realpathSync, statSync, type Dirent } from "node:fs";
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
 * Files and folders that hold credentials by convention. A folder that holds one, directly or a few levels down, is
 * opened entry by entry, leaving them out: an action folder at a project's root must not make its `.env`, `.envrc` or
 * `.git` (whose config may carry a token in a remote's URL) readable.
 */
const SECRET_FILE =
  /^(\.env(\..*)?|\.envrc|\.npmrc|\.netrc|\.git-credentials|\.pgpass|\.git|\.ssh|\.aws|\.docker|credentials(\.json)?|id_(rsa|ed25519|ecdsa|dsa))$/i;

/** How deep under a readable folder credential files are looked for (node_modules is not searched). */
const SECRET_DEPTH = 4;

/**
 * Whether an entry is left out of what transforms may read: a credential file, or a symbolic link that leads out of
 * the folder granted (Node's permission model follows links, so a link could reach a file it would refuse by name).
 */
function leftOut(dir: string, entry: Dirent, top: string): boolean {
  if (SECRET_FILE.test(entry.name)) return true;
  if (!entry.isSymbolicLink()) return false;
  try {
    const target = realpathSync(join(dir, entry.name));
    return target !== top && !target.startsWith(`${top}${sep}`);
  } catch {
    return true;
  }
}

/** Whether `dir` holds an entry left out within `depth` levels; a folder that cannot be read counts as no. */
function holdsSecrets(dir: string, depth: number, top: string): boolean {
  let entries: Dirent[];
  try {
    entries = readdirSync(dir, { withFileTypes: true });
  } catch {
    return false;
  }
  for (const entry of entries) {
    if (leftOut(dir, entry, top)) return true;
    if (depth > 1 && entry.isDirectory() && entry.name !== "node_modules" && holdsSecrets(join(dir, entry.name), depth - 1, top)) return true;
  }
  return false;
}

/** The permission flag this Node knows: `--permission` from Node 22.13/23.5, `--experimental-permission` before. */
function permissionFlag(): string | undefined {
  const flags = process.allowedNodeEnvironmentFlags;
  if (flags.has("--permission")) return "--permission";
  if (flags.has("--experimental-permission")) return "--experimental-permission";
  return undefined;
}

/**
 * `path` as the permission model takes it: a folder (existing or not yet made) as `folder/*`, a file as itself. With
 * `resolved`, its real path too (a root given through a symbolic link); never for an entry of a folder opened entry by
 * entry, whose link could point at the very file left out.
 */
function grant(path: string, resolved = true): string[] {
  let isFile = false;
  try {
    isFile = statSync(path).isFile();
  } catch {
    // Not made yet (the bundles' folder before the first bundle): granted as a folder.
  }
  const forms = new Set([path]);
  if (resolved) {
    try {
      forms.add(realpathSync(path));
    } catch {
      // Absent: only the path as given.
    }
  }
  return [...forms].map((each) => (isFile ? each : `${each.endsWith(sep) ? each.slice(0, -1) : each}/*`));
}

/**
 * A readable path, opened entry by entry (and so on down) where it holds files of credentials or links leading out.
 * @param top the real path of the folder first granted: links may lead anywhere under it
 */
function grantReadable(path: string, depth = SECRET_DEPTH, top?: string): string[] {
  let real: string;
  try {
    real = top ?? realpathSync(path);
  } catch {
    return grant(path);
  }
  if (!holdsSecrets(path, depth, real)) return grant(path, top === undefined);
  let entries: Dirent[];
  try {
    entries = readdirSync(path, { withFileTypes: true });
  } catch {
    return [];
  }
  return entries
    .filter((entry) => !leftOut(path, entry, real))
    .flatMap((entry) =>
      entry.isDirectory() && entry.name !== "node_modules" && depth > 1
        ? grantReadable(join(path, entry.name), depth - 1, real)
        : grant(join(path, entry.name), false),
    );
}

/**
 * The `node_modules` folders cxda's code resolves packages from: every one from its own folder up, as Node searches
 * them, under the path Node sees (a symbolic link, as pnpm and `npm link` make) and its real path.
 */
function moduleFolders(code: string): string[] {
  const found: string[] = [];
  for (let dir = dirname(code); ; dir = dirname(dir)) {
    const candidate = join(dir, "node_modules");
    if (existsSync(candidate)) found.push(candidate);
    if (dirname(dir) === dir) return found;
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
  // The packages that code imports (ajv and its own), wherever Node resolves them from.
  for (const file of options.code) for (const folder of moduleFolders(file)) for (const each of grant(folder)) readable.add(each);
  const limits: string[] = [];
  // Node's own warnings about the experimental model would only fill the sandbox's stderr.
  // No V8 heap flags here: they hold for every isolate of the process, the worker thread's too (a smaller young
  // generation for the relay halved the speed of transforms that allocate).
  const execArgv = ["--no-warnings"];
  const flag = permissionFlag();
  if (options.inspector) {
    limits.push(
      "the run measures coverage or a CPU profile, and Node's permission model refuses the V8 inspector they need: the sandbox runs without it, so a transform can read any file this account can (cxda's own environment in /proc included) and start processes; measure only transforms you trust",
    );
  } else if (flag === undefined) {
    limits.push(`Node ${process.version} has no permission model: only the module stand-ins refuse file writes and processes, and files can be read`);
  } else {
    execArgv.push(flag, "--allow-worker", ...[...readable].map((path) => `--allow-fs-read=${path}`));
  }
  const writable: string[] = [];
  if (options.fsWrite && flag !== undefined && !options.inspector) {
    // Writes were allowed on purpose: where a transform may read (its own folders), and the temp folder.
    writable.push(...options.readPaths.flatMap((path) => grantReadable(path)), ...grant(tmpdir()));
    execArgv.push(...writable.map((path) => `--allow-fs-write=${path}`), ...grant(tmpdir()).map((path) => `--allow-fs-read=${path}`));
  }
  return { execArgv, isolation: { permissionModel: execArgv.includes("--allow-worker"), limits, readable: [...readable], writable } };
}
