// Watch mode: rerun the action whose transform, definition, trigger or cases changed, and keep going after failures.
import { watch, type FSWatcher } from "node:fs";
import { join, relative } from "node:path";
import { escapeControls } from "../internal/control-characters.js";
import { findActionDirs } from "../runner/load-action.js";
import { paint, type Terminal } from "./terminal.js";

/** Options of {@link watchActions}. */
export interface WatchOptions {
  /** Paths as given on the command line (action folders or folders of them). */
  paths: string[];
  /** Runs the given action folders once; its failures (even thrown ones) are reported, never fatal. */
  run: (dirs: string[]) => Promise<unknown>;
  terminal: Terminal;
  /** Stops watching. */
  signal: AbortSignal;
  /** Quiet time after the last change before a rerun, in ms. @default 100 */
  debounceMs?: number;
}

const IGNORED = /(^|[/\\])(node_modules|\.cxda|reports|\.git)([/\\]|$)/;

/**
 * Runs every action once, then watches the action folders and reruns only the actions whose files changed.
 * Changes during a run are queued for the next one. Resolves when `signal` aborts.
 */
export async function watchActions(options: WatchOptions): Promise<void> {
  const { terminal, signal } = options;
  const debounceMs = options.debounceMs ?? 100;
  const dirs = await findActionDirs(options.paths);
  const pending = new Set<string>(dirs);
  let running = false;
  let timer: NodeJS.Timeout | undefined;

  const runPending = async (): Promise<void> => {
    if (running || pending.size === 0 || signal.aborted) return;
    running = true;
    const batch = [...pending];
    pending.clear();
    try {
      await options.run(batch);
    } catch (error) {
      terminal.err(paint(terminal, "red", `the run failed: ${escapeControls(error instanceof Error ? error.message : String(error))}`));
    }
    running = false;
    terminal.out(paint(terminal, "dim", `watching ${dirs.length} action${dirs.length === 1 ? "" : "s"} for changes (Ctrl-C to stop)`));
    if (pending.size > 0) schedule();
  };
  const schedule = (): void => {
    if (timer) clearTimeout(timer);
    timer = setTimeout(() => void runPending(), debounceMs);
  };

  const watchers: FSWatcher[] = dirs.map((dir) =>
    watch(dir, { recursive: true }, (_event, file) => {
      const name = file === null ? "" : String(file);
      if (IGNORED.test(name)) return;
      pending.add(dir);
      terminal.out(paint(terminal, "dim", `changed: ${escapeControls(relative(process.cwd(), join(dir, name)) || name)}`));
      schedule();
    }),
  );
  for (const watcher of watchers) watcher.on("error", (error) => terminal.err(`watch error: ${escapeControls(error.message)}`));

  await runPending();
  await new Promise<void>((resolve) => {
    if (signal.aborted) resolve();
    signal.addEventListener("abort", () => resolve(), { once: true });
  });
  if (timer) clearTimeout(timer);
  for (const watcher of watchers) watcher.close();
}
