// Watch mode: rerun the actions whose files changed (in their folders or anywhere their transform's bundle was built from), and take vitest's keys.
import { existsSync, statSync } from "node:fs";
import { basename, dirname, isAbsolute, relative, resolve, sep } from "node:path";
import { watch as watchFiles, type FSWatcher } from "chokidar";
import type { CaseResult } from "../core/types.js";
import { escapeControls } from "../internal/control-characters.js";
import type { Reporter } from "../report/reporter.js";
import { exists, findActionDirs, TRANSFORM_FILES } from "../runner/find-action-dirs.js";
import { holdBundler } from "../executor/bundle-transform.js";
import { PoolReserve } from "../runner/pool-reserve.js";
import type { BundleFiles, RunCasesOptions } from "../runner/run-cases.js";
import { paint, type Terminal } from "./terminal.js";
import { KEY_HELP, listenForKeys, type KeyInput, type WatchKey } from "./watch-keys.js";

/** One run the watch asks for. */
export interface WatchRun {
  /** The action folders to run. */
  dirs: string[];
  /**
   * Options for `runCases`, merged over the command's own: the pool reserve that keeps a sandbox booted between runs,
   * the hook that tells the watch what each bundle was built from, every watched action folder as readable (so one
   * spare pool fits every rerun), and for `f` a `select` of the cases that failed.
   */
  runOptions: Required<Pick<RunCasesOptions, "reserve" | "onBundle" | "readPaths">> & Pick<RunCasesOptions, "select">;
  /** Reporters to add to the run's own (the watch learns which cases failed from one). */
  reporters: Reporter[];
  /** Aborted when the watch ends (`q`, Ctrl-C): the run should stop at its next result instead of running to the end. */
  signal: AbortSignal;
}

/** Options of {@link watchActions}. */
export interface WatchOptions {
  /** Paths as given on the command line (action folders or folders of them). */
  paths: string[];
  /** Runs once; its failures (even thrown ones) are reported, never fatal. */
  run: (request: WatchRun) => Promise<unknown>;
  terminal: Terminal;
  /** Stops watching. */
  signal: AbortSignal;
  /**
   * Quiet time after the last change before a rerun, in ms. Not below chokidar's 50 ms: it drops a second change of
   * a file within 50 ms of the first, and a run that starts later than that has read both. @default 50
   */
  debounceMs?: number;
  /** Keys to take (a, f, Enter, q): a TTY's stdin, or a stream in tests. @default no keys */
  keys?: KeyInput;
  /** Clears the screen before each rerun (only on a terminal). @default not cleared */
  clearScreen?: () => void;
}

/** Folders never watched: dependencies, version control, cxda's own builds, and the reports a run writes. */
const IGNORED_DIRS = new Set(["node_modules", ".git", ".cxda", "reports"]);
/**
 * Editors' temp, swap, backup and lock files: vim's `4913` probe and `.x.swp` swap files, `x~` backups, emacs'
 * `.#x` locks and `#x#` autosaves, `x.tmp`, JetBrains' safe-write `x___jb_tmp___` and `x___jb_old___`. A save through
 * one of them still counts, as a change of the file it replaces.
 */
const TEMP_FILE = /^(?:4913|\.#.*|#.*#)$|\.(?:sw[a-px]|tmp)$|~$|___jb_(?:tmp|old)___$/;
const DEFAULT_DEBOUNCE_MS = 50;
/**
 * What loading an action reads in its folder (besides `cases/*.json`): a change elsewhere in the folder counts only
 * when the transform's bundle was built from it. A report written into the folder is then no reason to run again,
 * which would write it again, for ever.
 */
const LOADED_FILES = new Set(["definition.json", "trigger.json", ...TRANSFORM_FILES, "cases"]);

/** Whether loading the action in `dir` reads `path` (or its absence): the folder itself, a file it loads, a case file. */
function loadedByAction(dir: string, path: string): boolean {
  if (path === dir) return true;
  const parts = relative(dir, path).split(sep);
  if (parts.length === 1) return LOADED_FILES.has(parts[0]!);
  // A case file, or an upstream fixture a case reads (`"upstream": "fixtures/ok.json"`).
  return parts.length === 2 && (parts[0] === "cases" || parts[0] === "fixtures") && parts[1]!.endsWith(".json");
}

/**
 * Names an import without an extension may resolve to (esbuild's own extensions, a folder): a new one beside an
 * input may change the bundle; a new `junit.xml` or `report.html` may not.
 */
const MAY_RESOLVE = /\.(?:[cm]?[jt]sx?|json|css)$|^[^.]+$/;

/** What the watch does next: reruns of folders (every case), or of the cases that failed. */
interface Pending {
  /** Actions to run whole (the first run, `a`). */
  dirs: Set<string>;
  /** Paths that changed in bursts that are over, and whether their folder's listing changed (an add or a removal). */
  changes: Map<string, boolean>;
  failedOnly: boolean;
  /** The last run again (Enter). */
  again: boolean;
}

/**
 * Runs every action once, then watches each action folder and every file its transform's bundle was built from
 * (helpers outside the folder, tsconfig files), and reruns the actions a change touches: one rerun per burst of
 * changes, one `changed:` line naming the files. Atomic saves (a temp file renamed over the file), in-place writes,
 * new files and deletions all count; editors' temp files do not. Keys, when given: `a` reruns all, `f` the cases that
 * failed last, Enter the last run, `q` quits. Changes and keys during a run wait for it to end. Resolves when
 * `signal` aborts or `q` is pressed.
 */
export async function watchActions(options: WatchOptions): Promise<void> {
  const session = new WatchSession(
    options,
    await findActionDirs(options.paths),
    options.paths.map((path) => resolve(path)),
  );
  await session.start();
  try {
    await session.done;
  } finally {
    await session.stop();
  }
}

/** Which files make an action rerun beyond its own folder, learnt from each run's bundles. */
class BundleWatch {
  /** For each action folder, what its transform's bundle was last built from. */
  private readonly files = new Map<string, BundleFiles>();
  /** File → the actions whose bundle read it (inputs and config files). */
  private readonly readers = new Map<string, Set<string>>();
  /** Folder → the actions whose bundle depends on its listing (a new file beside an input). */
  private readonly listers = new Map<string, Set<string>>();

  constructor(private actionDirs: readonly string[]) {}

  /** The action folders are now `dirs` (some came, some went): what a gone action's bundle read no longer counts. */
  setActions(dirs: readonly string[]): void {
    this.actionDirs = dirs;
    for (const dir of this.files.keys()) if (!dirs.includes(dir)) this.files.delete(dir);
    this.index();
  }

  /** Records what a run bundled; an action the run did not bundle (its definition broke) no longer watches outside. */
  update(dirs: readonly string[], bundled: ReadonlyMap<string, BundleFiles>): void {
    for (const dir of dirs) {
      const files = bundled.get(dir);
      if (files === undefined) this.files.delete(dir);
      else this.files.set(dir, files);
    }
    this.index();
  }

  /** The action folder `path` is in, if any. */
  ownerOf(path: string): string | undefined {
    return this.actionDirs.find((dir) => path === dir || path.startsWith(dir + sep));
  }

  private index(): void {
    this.readers.clear();
    this.listers.clear();
    const add = (map: Map<string, Set<string>>, path: string, dir: string): void => {
      const set = map.get(path) ?? new Set();
      set.add(dir);
      map.set(path, set);
    };
    for (const [dir, { inputs, context }] of this.files) {
      const folders = new Set(inputs.map((input) => dirname(input)));
      for (const folder of folders) add(this.listers, folder, dir);
      for (const path of [...inputs, ...context]) if (!folders.has(path)) add(this.readers, path, dir);
      // A context folder's listing counts too: after a compile error, the folder a missing helper is to appear in.
      for (const path of context) add(this.listers, path, dir);
    }
  }

  /**
   * The actions a change of `path` touches: the one whose folder it is in, when loading the action reads it, and the
   * bundles that read it or list its folder.
   */
  affected(event: string, path: string): string[] {
    const dirs = new Set<string>();
    const own = this.ownerOf(path);
    if (own !== undefined && loadedByAction(own, path)) dirs.add(own);
    for (const dir of this.readers.get(path) ?? []) dirs.add(dir);
    if (event !== "change" && MAY_RESOLVE.test(basename(path))) for (const dir of this.listers.get(dirname(path)) ?? []) dirs.add(dir);
    return [...dirs];
  }

  /** What to watch outside the action folders (node_modules left out), sorted: files, config files, input folders. */
  outside(): string[] {
    return [...new Set([...this.readers.keys(), ...this.listers.keys()])]
      .filter((path) => this.ownerOf(path) === undefined && !path.split(sep).includes("node_modules"))
      .sort();
  }
}

/** Collapses a burst of events into the files it changed: a file that came and went within it (a temp file) did not. */
class ChangeLog {
  private readonly events = new Map<string, { first: string; last: string; listing: boolean }>();

  /** Notes an event of `path`. */
  note(event: string, path: string): void {
    const seen = this.events.get(path);
    if (seen === undefined) this.events.set(path, { first: event, last: event, listing: event !== "change" });
    else {
      seen.last = event;
      seen.listing ||= event !== "change";
    }
  }

  /**
   * The changed paths, in the order first seen, each with whether its folder's listing changed (it was added or
   * removed, not only written); the log is empty afterwards.
   */
  take(): Array<{ path: string; listing: boolean }> {
    const changed = [...this.events].filter(([, { first, last }]) => !(first.startsWith("add") && last.startsWith("unlink")));
    this.events.clear();
    return changed.map(([path, { listing }]) => ({ path, listing }));
  }
}

/** Key of a case in the set of failed ones. */
function caseKey(action: string, name: string, source: string | undefined): string {
  return `${action}\u0000${name}\u0000${source ?? ""}`;
}

class WatchSession {
  /** Resolves when the watch should end (the signal, or `q`). */
  readonly done: Promise<void>;
  private finish!: () => void;
  private readonly reserve = new PoolReserve();
  private readonly bundles: BundleWatch;
  private readonly changes = new ChangeLog();
  private readonly pending: Pending = { dirs: new Set(), changes: new Map(), failedOnly: false, again: false };
  /** Cases that did not pass, by action and name, as of the last run of each. */
  private readonly failed = new Set<string>();
  private last: { dirs: string[]; failedOnly: boolean } | undefined;
  private running: Promise<void> | undefined;
  private timer: NodeJS.Timeout | undefined;
  private folders: FSWatcher | undefined;
  /** Action folders the `folders` watcher was given (it keeps watching one that goes, for its return). */
  private readonly watchedDirs = new Set<string>();
  /** The given folders of actions, one level into each action (a new action folder, or one that went). */
  private rootWatcher: FSWatcher | undefined;
  private outside: { paths: string; watcher: FSWatcher } | undefined;
  private stopKeys: (() => void) | undefined;
  /** Lets esbuild's service stop again (it is kept running while watching: a rebuild after a save is then quick). */
  private releaseBundler: (() => void) | undefined;
  private ended = false;
  /** Aborted when the watch ends, so that a run in progress stops early (a transform that loops runs to its timeout). */
  private readonly ending = new AbortController();

  constructor(
    private readonly options: WatchOptions,
    /** The action folders, as of the last look into {@link roots}. */
    private dirs: string[],
    /** The paths given, absolute: action folders, or folders of them. */
    private readonly roots: readonly string[],
  ) {
    this.bundles = new BundleWatch(dirs);
    this.done = new Promise((resolve) => {
      this.finish = () => {
        this.ending.abort();
        resolve();
      };
    });
    if (options.signal.aborted) this.finish();
    options.signal.addEventListener("abort", () => this.finish(), { once: true });
    void this.done.then(() => (this.ended = true));
  }

  /** Watches the action folders, takes keys, and starts the first run. */
  async start(): Promise<void> {
    const ignored = (path: string): boolean => !this.roots.includes(path) && !this.watchedDirs.has(path) && isIgnored(path);
    for (const dir of this.dirs) this.watchedDirs.add(dir);
    this.folders = this.watcher(this.dirs, { ignored }, true);
    const parents = this.roots.filter((root) => !this.dirs.includes(root));
    if (parents.length > 0) this.rootWatcher = this.watcher(parents, { ignored, depth: 1 }, true);
    await Promise.all([ready(this.folders), this.rootWatcher && ready(this.rootWatcher)]);
    this.releaseBundler = holdBundler();
    if (this.options.keys !== undefined) this.stopKeys = listenForKeys(this.options.keys, (key) => this.onKey(key));
    for (const dir of this.dirs) this.pending.dirs.add(dir);
    this.kick();
  }

  async stop(): Promise<void> {
    this.ended = true;
    clearTimeout(this.timer);
    this.stopKeys?.();
    this.releaseBundler?.();
    await this.running;
    await Promise.all([this.folders?.close(), this.rootWatcher?.close(), this.outside?.watcher.close(), this.reserve.close()]);
  }

  /** A watcher of `paths`; with `rearm`, a given folder that is removed is watched for its return. */
  private watcher(paths: string[], extra: { ignored?: (path: string) => boolean; depth?: number }, rearm = false): FSWatcher {
    // atomic: false: the change log below judges a burst as a whole (an unlink then an add is a save), without
    // chokidar's 100 ms hold on every deletion.
    const watcher = watchFiles(paths, { ignoreInitial: true, atomic: false, ...extra });
    const roots = new Set(paths);
    watcher.on("all", (event, path) => {
      const absolute = resolve(path);
      // chokidar stops watching a folder it was given once that folder is removed (rm -rf, a move, a git checkout):
      // given again, it waits for the folder to come back and watches it anew.
      if (rearm && event === "unlinkDir" && roots.has(absolute)) {
        watcher.unwatch(absolute);
        watcher.add(absolute);
      }
      this.onEvent(event, absolute);
    });
    watcher.on("error", (error) =>
      this.options.terminal.err(`watch error: ${escapeControls(error instanceof Error ? error.message : String(error))}`),
    );
    return watcher;
  }

  private onEvent(event: string, path: string): void {
    if (this.ended || TEMP_FILE.test(basename(path))) return;
    this.changes.note(event, path);
    clearTimeout(this.timer);
    // The burst becomes a run only once it is over: a run ending meanwhile does not start on half of it. Which actions
    // it touches is decided when its run starts, from what the run before it bundled.
    this.timer = setTimeout(() => {
      for (const { path: changed, listing } of this.changes.take())
        this.pending.changes.set(changed, (this.pending.changes.get(changed) ?? false) || listing);
      this.kick();
    }, this.options.debounceMs ?? DEFAULT_DEBOUNCE_MS);
  }

  private onKey(key: WatchKey): void {
    if (key === "quit") return this.finish();
    if (key === "all") for (const dir of this.dirs) this.pending.dirs.add(dir);
    else if (key === "failed") this.pending.failedOnly = true;
    else this.pending.again = true;
    this.kick();
  }

  /** Starts the next run if one may be due and none is going; a run that ends starts the next. */
  private kick(): void {
    if (this.running !== undefined || this.ended) return;
    const { pending } = this;
    if (pending.dirs.size === 0 && pending.changes.size === 0 && !pending.failedOnly && !pending.again) return;
    this.running = this.next()
      .catch((error: unknown) => this.options.terminal.err(`watch error: ${escapeControls(error instanceof Error ? error.message : String(error))}`))
      .finally(() => {
        this.running = undefined;
        this.kick();
      });
  }

  /** Turns the changes since the last run into the actions they touch (finding action folders that came or went), and runs. */
  private async next(): Promise<void> {
    const changes = [...this.pending.changes];
    this.pending.changes.clear();
    const before = this.dirs;
    const reshaped = changes.some(([path, listing]) => listing && this.reshapes(path)) && (await this.rediscover());
    const added = this.dirs.filter((dir) => !before.includes(dir));
    const changed: string[] = [];
    for (const [path, listing] of changes) {
      const dirs = this.bundles.affected(listing ? "add" : "change", path);
      if (dirs.length === 0) continue;
      // A new action folder's files are not named one by one: its own line says it came.
      if (!added.some((dir) => path === dir || path.startsWith(dir + sep))) changed.push(path);
      for (const dir of dirs) this.pending.dirs.add(dir);
    }
    const next = this.nextRun();
    if (next !== undefined) await this.runOnce(next.dirs, next.failedOnly, changed);
    else if (reshaped) this.printWatching();
  }

  /** Whether adding or removing `path` may change which folders are actions. */
  private reshapes(path: string): boolean {
    if (this.roots.includes(path) || this.dirs.includes(path)) return true;
    if (this.bundles.ownerOf(path) !== undefined) return false;
    // In a folder of actions: a new folder, or a file or `cases/` in one (what makes it an action).
    return this.roots.some((root) => {
      const rel = relative(root, path);
      return rel !== "" && !rel.startsWith("..") && !isAbsolute(rel) && rel.split(sep).length <= 2;
    });
  }

  /** Looks for the action folders again; says which came and which went, and runs the new ones. Whether any did. */
  private async rediscover(): Promise<boolean> {
    const { terminal } = this.options;
    const found: string[] = [];
    const empty: Array<{ root: string; gone: boolean }> = [];
    for (const root of this.roots) {
      try {
        found.push(...(await findActionDirs([root])));
      } catch {
        // Gone, or no longer holding an action folder (a branch without it checked out): it may come back.
        empty.push({ root, gone: !(await exists(root)) });
      }
    }
    const dirs = [...new Set(found)];
    const added = dirs.filter((dir) => !this.dirs.includes(dir));
    const removed = this.dirs.filter((dir) => !dirs.includes(dir));
    if (added.length === 0 && removed.length === 0) return false;
    this.dirs = dirs;
    this.bundles.setActions(dirs);
    for (const dir of removed) terminal.out(paint(terminal, "yellow", `action folder gone: ${escapeControls(shown(dir))}`));
    for (const { root, gone } of empty)
      terminal.out(
        paint(terminal, "yellow", `${escapeControls(shown(root))} ${gone ? "is gone" : "holds no action folder now"}; watching for it to come back`),
      );
    for (const dir of added) {
      terminal.out(paint(terminal, "dim", `action folder added: ${escapeControls(shown(dir))}`));
      this.pending.dirs.add(dir);
      if (!this.watchedDirs.has(dir)) {
        this.watchedDirs.add(dir);
        this.folders?.add(dir);
      }
    }
    return true;
  }

  /** What the pending changes and keys ask for: changed folders first, else the failed cases, else the last run. */
  private nextRun(): { dirs: string[]; failedOnly: boolean } | undefined {
    const { pending } = this;
    // Only folders that are still actions: one may have gone since it was asked for.
    const changed = this.dirs.filter((dir) => pending.dirs.has(dir));
    const last = this.last === undefined ? undefined : { ...this.last, dirs: this.dirs.filter((dir) => this.last!.dirs.includes(dir)) };
    let next: { dirs: string[]; failedOnly: boolean } | undefined;
    if (changed.length > 0) next = { dirs: changed, failedOnly: false };
    else if (pending.failedOnly) next = { dirs: this.dirs, failedOnly: true };
    else if (pending.again) next = last !== undefined && last.dirs.length > 0 ? last : { dirs: this.dirs, failedOnly: false };
    pending.dirs.clear();
    pending.failedOnly = pending.again = false;
    // No action folder left to run (all gone): nothing to do until one comes back.
    if (next?.dirs.length === 0) return undefined;
    if (next?.failedOnly === true && this.failed.size === 0) {
      this.options.terminal.out(paint(this.options.terminal, "dim", "no failed cases to rerun"));
      return undefined;
    }
    return next;
  }

  private async runOnce(dirs: string[], failedOnly: boolean, changed: readonly string[]): Promise<void> {
    const { terminal } = this.options;
    if (this.last !== undefined) this.options.clearScreen?.();
    this.last = { dirs, failedOnly };
    if (changed.length > 0) terminal.out(paint(terminal, "dim", `changed: ${changed.map((path) => escapeControls(shown(path))).join(", ")}`));
    if (failedOnly) terminal.out(paint(terminal, "dim", `rerunning ${this.failed.size} failed case${this.failed.size === 1 ? "" : "s"}`));
    const bundled = new Map<string, BundleFiles>();
    const results: CaseResult[] = [];
    const failed = new Set(this.failed);
    const runOptions: WatchRun["runOptions"] = {
      reserve: this.reserve,
      onBundle: (dir, files) => bundled.set(dir, files),
      readPaths: this.dirs,
      ...(failedOnly ? { select: (action: string, name: string, source: string) => failed.has(caseKey(action, name, source)) } : {}),
    };
    const collector: Reporter = { name: "watch", onResult: (result) => void results.push(result) };
    try {
      await this.options.run({ dirs, runOptions, reporters: [collector], signal: this.ending.signal });
    } catch (error) {
      terminal.err(paint(terminal, "red", `the run failed: ${escapeControls(error instanceof Error ? error.message : String(error))}`));
    }
    this.recordFailures(results, !failedOnly);
    this.bundles.update(dirs, bundled);
    await this.watchOutside();
    this.printWatching();
  }

  private printWatching(): void {
    const { terminal } = this.options;
    const count = `${this.dirs.length} action${this.dirs.length === 1 ? "" : "s"}`;
    const help = this.options.keys === undefined ? "(Ctrl-C to stop)" : `· ${KEY_HELP}`;
    terminal.out(paint(terminal, "dim", `watching ${count} for changes ${help}`));
  }

  /** Keeps the failed set current: a case that passed leaves it; a whole-action run also drops cases that are gone. */
  private recordFailures(results: readonly CaseResult[], wholeActions: boolean): void {
    if (wholeActions) {
      const actions = new Set(results.map((result) => `${result.action}\u0000`));
      for (const key of this.failed) if (actions.has(key.slice(0, key.indexOf("\u0000") + 1))) this.failed.delete(key);
    }
    for (const result of results) {
      const key = caseKey(result.action, result.case, result.source);
      if (result.status === "pass") this.failed.delete(key);
      else this.failed.add(key);
    }
  }

  /**
   * Watches what the bundles read outside the action folders, one level deep (an input folder's own files, not its
   * subfolders). A new set gets a new watcher, ready before the old one closes, so no change falls between them.
   */
  private async watchOutside(): Promise<void> {
    const paths = this.bundles.outside();
    const key = paths.join("\n");
    if (this.ended || key === (this.outside?.paths ?? "")) return;
    const previous = this.outside;
    this.outside = undefined;
    if (paths.length > 0) {
      const watcher = this.watcher(paths, { depth: 0, ignored: isIgnored });
      await ready(watcher);
      await armed(watcher, paths);
      this.outside = { paths: key, watcher };
    }
    await previous?.watcher.close();
  }
}

/** Dependencies, version control, builds and reports, editors' temp files: never watched. */
function isIgnored(path: string): boolean {
  return IGNORED_DIRS.has(basename(path)) || TEMP_FILE.test(basename(path));
}

/** A path as the user would type it: relative to the current folder. */
function shown(path: string): string {
  return relative(process.cwd(), path) || ".";
}

/**
 * Resolves once `watcher` watches the folder each of `paths` is seen from: a folder itself, a file's folder, or for a
 * missing path the nearest folder above it that exists. chokidar 4 emits `ready` before that when given a missing path
 * (a tsconfig.json that is not there, a helper not written yet), and a change in between would be lost. Gives up after
 * two seconds, as a watch that starts late is better than none.
 */
async function armed(watcher: FSWatcher, paths: readonly string[]): Promise<void> {
  const folders = paths.map((path) => {
    let existing = path;
    while (!existsSync(existing) && dirname(existing) !== existing) existing = dirname(existing);
    return existing === path && !statSync(path, { throwIfNoEntry: false })?.isDirectory() ? dirname(path) : existing;
  });
  for (let waited = 0; waited < 2_000; waited += 10) {
    const watched = watcher.getWatched();
    if (folders.every((folder) => folder in watched)) return;
    await new Promise((resolveWait) => setTimeout(resolveWait, 10));
  }
}

function ready(watcher: FSWatcher): Promise<void> {
  return new Promise((resolveReady) => watcher.once("ready", () => resolveReady()));
}
