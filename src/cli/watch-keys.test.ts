// Watch mode's keys: which key does what, and the terminal's raw mode put back however the watch ends.
import { PassThrough } from "node:stream";
import { describe, expect, it } from "vitest";
import { listenForKeys, type WatchKey } from "./watch-keys.js";

/** A stream that records raw-mode switches, as a TTY's stdin would take them. */
function fakeTty(initiallyRaw = false): PassThrough & { isRaw: boolean; modes: boolean[]; setRawMode(raw: boolean): void } {
  const stream = new PassThrough() as PassThrough & { isRaw: boolean; modes: boolean[]; setRawMode(raw: boolean): void };
  stream.isRaw = initiallyRaw;
  stream.modes = [];
  stream.setRawMode = (raw) => {
    stream.isRaw = raw;
    stream.modes.push(raw);
  };
  return stream;
}

/** Writes `text` and waits for the stream to deliver it. */
async function press(input: PassThrough, text: string): Promise<void> {
  input.write(text);
  await new Promise((resolve) => setImmediate(resolve));
}

describe("listenForKeys", () => {
  it("maps a, f, Enter, q and Ctrl-C to the watch's actions, several keys in one chunk included", async () => {
    const input = fakeTty();
    const keys: WatchKey[] = [];
    const stop = listenForKeys(input, (key) => keys.push(key));
    await press(input, "a");
    await press(input, "f\r");
    await press(input, "xq\u0003");
    stop();
    expect(keys).toEqual(["all", "failed", "again", "quit", "quit"]);
  });

  it("ignores an escape sequence that happens to contain a key's letter (an arrow key, a mouse report)", async () => {
    const input = fakeTty();
    const keys: WatchKey[] = [];
    const stop = listenForKeys(input, (key) => keys.push(key));
    await press(input, "\u001b[1;5a");
    stop();
    expect(keys).toEqual([]);
  });

  it("turns raw mode on, and back to what it was when stopped, once, and hears no key after", async () => {
    const input = fakeTty(false);
    const keys: WatchKey[] = [];
    const stop = listenForKeys(input, (key) => keys.push(key));
    expect(input.isRaw).toBe(true);
    stop();
    stop();
    expect(input.modes).toEqual([true, false]);
    await press(input, "a");
    expect(keys).toEqual([]);
  });

  it("puts the terminal back if the process exits while the watch still listens (an error on the way out)", () => {
    const input = fakeTty(false);
    const before = process.listeners("exit");
    listenForKeys(input, () => undefined);
    const added = process.listeners("exit").filter((listener) => !before.includes(listener));
    expect(added).toHaveLength(1);
    // Called as the process would call it (emitting "exit" here would also run the test runner's own listeners).
    added[0]!.call(process, 1);
    expect(input.isRaw).toBe(false);
    expect(process.listeners("exit")).toEqual(before);
  });
});
