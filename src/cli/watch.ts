// Watch mode: rerun the actions whose files changed (in their folders or anywhere their transform's bundle was built from), and take vitest's keys.
import { basename, dirname, relative, resolve, sep } from "node:path";
import { watch as watchFiles, type FSWatcher } from "chokidar";
import type { CaseResult } from "../core/types.js";
import { escapeControls } from "../internal/control-characters.js";
import type { Reporter } from "../report/reporter.js";
import { findActionDirs } from "../runner/load-action.js";
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

/** What the watch does next: reruns of folders (every case), or of the cases that failed. */
interface Pending {
  dirs: Set<string>;
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
  const session = new WatchSession(options, await findActionDirs(options.paths));
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

  constructor(private readonly actionDirs: readonly string[]) {}

  /** Records what a run bundled; an action the run did not bundle (its definition broke) no longer watches outside. */
  update(dirs: readonly string[], bundled: ReadonlyMap<string, BundleFiles>): void {
    for (const dir of dirs) {
      const files = bundled.get(dir);
      if (files === undefined) this.files.delete(dir);
      else this.files.set(dir, files);
    }
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
    }
  }

  /** The actions a change of `path` touches: the folder it is in, the bundles that read it or list its folder. */
  affected(event: string, path: string): string[] {
    const dirs = new Set<string>();
    const own = this.actionDirs.find((dir) => path === dir || path.startsWith(dir + sep));
    if (own !== undefined) dirs.add(own);
    for (const dir of this.readers.get(path) ?? []) dirs.add(dir);
    if (event !== "change") for (const dir of this.listers.get(dirname(path)) ?? []) dirs.add(dir);
    return [...dirs];
  }

  /** What to watch outside the action folders (node_modules left out), sorted: files, config files, input folders. */
  outside(): string[] {
    const inside = (path: string): boolean => this.actionDirs.some((dir) => path === dir || path.startsWith(dir + sep));
    return [...new Set([...this.readers.keys(), ...this.listers.keys()])]
      .filter((path) => !inside(path) && !path.split(sep).includes("node_modules"))
      .sort();
  }
}

/** Collapses a burst of events into the files it changed: a file that came and went within it (a temp file) did not. */
class ChangeLog {
  private readonly events = new Map<string, { first: string; last: string; dirs: readonly string[] }>();

  /** Notes an event of `path`, which touches the actions of `dirs`. */
  note(event: string, path: string, dirs: readonly string[]): void {
    const seen = this.events.get(path);
    if (seen === undefined) this.events.set(path, { first: event, last: event, dirs });
    else seen.last = event;
  }

  /** The changed paths, in the order first seen, and the actions they touch; the log is empty afterwards. */
  take(): { paths: string[]; dirs: Set<string> } {
    const changed = [...this.events].filter(([, { first, last }]) => !(first.startsWith("add") && last.startsWith("unlink")));
    this.events.clear();
    return { paths: changed.map(([path]) => path), dirs: new Set(changed.flatMap(([, { dirs }]) => dirs)) };
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
  private readonly pending: Pending = { dirs: new Set(), failedOnly: false, again: false };
  /** Paths the last burst changed, waiting to be named when the run they cause starts. */
  private changedPaths: string[] = [];
  /** Cases that did not pass, by action and name, as of the last run of each. */
  private readonly failed = new Set<string>();
  private last: { dirs: string[]; failedOnly: boolean } | undefined;
  private running: Promise<void> | undefined;
  private timer: NodeJS.Timeout | undefined;
  private folders: FSWatcher | undefined;
  private outside: { paths: string; watcher: FSWatcher } | undefined;
  private stopKeys: (() => void) | undefined;
  /** Lets esbuild's service stop again (it is kept running while watching: a rebuild after a save is then quick). */
  private releaseBundler: (() => void) | undefined;
  private ended = false;

  constructor(
    private readonly options: WatchOptions,
    private readonly dirs: string[],
  ) {
    this.bundles = new BundleWatch(dirs);
    this.done = new Promise((resolve) => (this.finish = resolve));
    if (options.signal.aborted) this.finish();
    options.signal.addEventListener("abort", () => this.finish(), { once: true });
    void this.done.then(() => (this.ended = true));
  }

  /** Watches the action folders, takes keys, and starts the first run. */
  async start(): Promise<void> {
    const roots = new Set(this.dirs);
    this.folders = this.watcher(this.dirs, {
      ignored: (path: string) => !roots.has(path) && (IGNORED_DIRS.has(basename(path)) || TEMP_FILE.test(basename(path))),
    });
    await ready(this.folders);
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
    await Promise.all([this.folders?.close(), this.outside?.watcher.close(), this.reserve.close()]);
  }

  private watcher(paths: string[], extra: { ignored?: (path: string) => boolean; depth?: number }): FSWatcher {
    // atomic: false: the change log below judges a burst as a whole (an unlink then an add is a save), without
    // chokidar's 100 ms hold on every deletion.
    const watcher = watchFiles(paths, { ignoreInitial: true, atomic: false, ...extra });
    watcher.on("all", (event, path) => this.onEvent(event, resolve(path)));
    watcher.on("error", (error) =>
      this.options.terminal.err(`watch error: ${escapeControls(error instanceof Error ? error.message : String(error))}`),
    );
    return watcher;
  }

  private onEvent(event: string, path: string): void {
    if (this.ended || TEMP_FILE.test(basename(path))) return;
    const dirs = this.bundles.affected(event, path);
    if (dirs.length === 0) return;
    this.changes.note(event, path, dirs);
    clearTimeout(this.timer);
    // The burst becomes a run only once it is over: a run ending meanwhile does not start on half of it.
    this.timer = setTimeout(() => {
      const burst = this.changes.take();
      for (const dir of burst.dirs) this.pending.dirs.add(dir);
      this.changedPaths.push(...burst.paths.filter((changed) => !this.changedPaths.includes(changed)));
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

  /** Starts the next run if one is due and none is going; a run that ends starts the next. */
  private kick(): void {
    if (this.running !== undefined || this.ended) return;
    const next = this.nextRun();
    if (next === undefined) return;
    this.running = this.runOnce(next.dirs, next.failedOnly).finally(() => {
      this.running = undefined;
      this.kick();
    });
  }

  /** What the pending changes and keys ask for: changed folders first, else the failed cases, else the last run. */
  private nextRun(): { dirs: string[]; failedOnly: boolean } | undefined {
    const { pending } = this;
    let next: { dirs: string[]; failedOnly: boolean } | undefined;
    if (pending.dirs.size > 0) next = { dirs: this.dirs.filter((dir) => pending.dirs.has(dir)), failedOnly: false };
    else if (pending.failedOnly) next = { dirs: this.dirs, failedOnly: true };
    else if (pending.again) next = this.last ?? { dirs: this.dirs, failedOnly: false };
    pending.dirs.clear();
    pending.failedOnly = pending.again = false;
    if (next?.failedOnly === true && this.failed.size === 0) {
      this.options.terminal.out(paint(this.options.terminal, "dim", "no failed cases to rerun"));
      return undefined;
    }
    return next;
  }

  private async runOnce(dirs: string[], failedOnly: boolean): Promise<void> {
    const { terminal } = this.options;
    if (this.last !== undefined) this.options.clearScreen?.();
    this.last = { dirs, failedOnly };
    const changed = this.changedPaths.splice(0);
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
      await this.options.run({ dirs, runOptions, reporters: [collector] });
    } catch (error) {
      terminal.err(paint(terminal, "red", `the run failed: ${escapeControls(error instanceof Error ? error.message : String(error))}`));
    }
    this.recordFailures(results, !failedOnly);
    this.bundles.update(dirs, bundled);
    await this.watchOutside();
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
      const watcher = this.watcher(paths, {
        depth: 0,
        ignored: (path: string) => IGNORED_DIRS.has(basename(path)) || TEMP_FILE.test(basename(path)),
      });
      await ready(watcher);
      this.outside = { paths: key, watcher };
    }
    await previous?.watcher.close();
  }
}

/** A path as the user would type it: relative to the current folder. */
function shown(path: string): string {
  return relative(process.cwd(), path) || ".";
}

function ready(watcher: FSWatcher): Promise<void> {
  return new Promise((resolveReady) => watcher.once("ready", () => resolveReady()));
}
