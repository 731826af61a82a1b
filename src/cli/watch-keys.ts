// Watch mode's keys, as vitest takes them: a all, f failed, Enter again, q (or Ctrl-C) quit; the terminal left as found.

/** What a key asks the watch to do. */
export type WatchKey = "all" | "failed" | "again" | "quit";

/**
 * Where key presses come from: the terminal's stdin in raw mode, or any readable stream (a test writes to one). Only
 * what the watch uses of a `tty.ReadStream`.
 */
export interface KeyInput {
  on(event: "data", listener: (chunk: string | Buffer) => void): unknown;
  off(event: "data", listener: (chunk: string | Buffer) => void): unknown;
  resume(): unknown;
  pause(): unknown;
  /** Present on a TTY: raw mode delivers each key at once, without echo, Ctrl-C included. */
  setRawMode?(raw: boolean): unknown;
  isRaw?: boolean;
}

/** The line printed after each run on a terminal, as vitest prints its own. */
export const KEY_HELP = "press a to rerun all, f to rerun failed, Enter to rerun, q to quit";

const KEYS: Record<string, WatchKey> = { a: "all", f: "failed", "\r": "again", "\n": "again", q: "quit", "\u0003": "quit", "\u0004": "quit" };

/**
 * Listens for the watch's keys on `input` (in raw mode when it is a TTY) and returns the function that stops listening
 * and puts the terminal back as it was. That function also runs if the process exits first (an error on the way out),
 * and calling it twice is harmless.
 * @example
 * const stop = listenForKeys(process.stdin, (key) => key === "quit" && controller.abort());
 * try { … } finally { stop(); }
 */
export function listenForKeys(input: KeyInput, onKey: (key: WatchKey) => void): () => void {
  const wasRaw = input.isRaw === true;
  input.setRawMode?.(true);
  const onData = (chunk: string | Buffer): void => {
    const text = chunk.toString();
    // An escape sequence (an arrow key, a mouse report) is not a key of ours, even where it contains one's letter.
    if (text.startsWith("\u001b")) return;
    for (const character of text) {
      const key = KEYS[character];
      if (key !== undefined) onKey(key);
    }
  };
  input.on("data", onData);
  input.resume();
  let stopped = false;
  const stop = (): void => {
    if (stopped) return;
    stopped = true;
    process.off("exit", stop);
    input.off("data", onData);
    input.setRawMode?.(wasRaw);
    // A paused stdin no longer holds the process open once the watch is over.
    input.pause();
  };
  process.on("exit", stop);
  return stop;
}
