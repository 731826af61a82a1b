// A fake clock for setTimeout alone that says when a timer of a given length is set, so a test waits on that event.
import { vi } from "vitest";

/** setTimeout on a fake clock, for code that runs on the test's thread (real sockets keep working). */
export interface FakeTimeouts {
  /** Resolves once a timer of exactly `ms` has been set; each timer answers one call, in the order they were set. */
  set(ms: number): Promise<void>;
  /** Moves the clock on by `ms`, running the timers that come due. */
  advance(ms: number): Promise<void>;
  /** Puts the real setTimeout back. */
  restore(): void;
}

/**
 * Fakes setTimeout and clearTimeout only: setImmediate, Date and Node's own socket timers stay real, so loopback
 * HTTP goes on while the clock stands still. Other timers on this thread (undici's tick, a server's body timeout)
 * are on the fake clock too, and run only if an advance reaches them.
 */
export function fakeTimeouts(): FakeTimeouts {
  vi.useFakeTimers({ toFake: ["setTimeout", "clearTimeout"] });
  const fake = globalThis.setTimeout;
  const unclaimed = new Map<number, number>();
  const waiting = new Map<number, Array<() => void>>();
  const announce = (ms: number): void => {
    const next = waiting.get(ms)?.shift();
    if (next !== undefined) next();
    else unclaimed.set(ms, (unclaimed.get(ms) ?? 0) + 1);
  };
  globalThis.setTimeout = Object.assign((callback: (...args: unknown[]) => void, ms?: number, ...args: unknown[]) => {
    const timer = fake(callback, ms, ...args);
    announce(ms ?? 0);
    return timer;
  }, fake) as typeof setTimeout;
  return {
    set(ms) {
      const count = unclaimed.get(ms) ?? 0;
      if (count > 0) {
        unclaimed.set(ms, count - 1);
        return Promise.resolve();
      }
      return new Promise((resolve) => waiting.set(ms, [...(waiting.get(ms) ?? []), resolve]));
    },
    async advance(ms) {
      await vi.advanceTimersByTimeAsync(ms);
    },
    restore() {
      globalThis.setTimeout = fake;
      vi.useRealTimers();
    },
  };
}
