// Waits on what a child process prints, as it prints it: no polling, no timers.
import type { ChildProcess } from "node:child_process";
import { once } from "node:events";

/** Everything a child printed on stdout and stderr, and a way to wait for a line to have appeared some number of times. */
export interface ChildOutput {
  readonly text: string;
  /**
   * Resolves once `pattern` (a multiline match) has matched `times` times. Rejects, with the output so far, if the
   * child's output ends first, or after `failAfterMs` without it (a guard that only fires on a failing test).
   */
  seen(pattern: RegExp, times?: number, failAfterMs?: number): Promise<void>;
}

/** Collects `child`'s output; every chunk that arrives checks the waits still pending. */
export function childOutput(child: ChildProcess): ChildOutput {
  let text = "";
  const waits = new Set<() => void>();
  const add = (chunk: Buffer): void => {
    text += chunk.toString();
    for (const check of [...waits]) check();
  };
  child.stdout?.on("data", add);
  child.stderr?.on("data", add);
  return {
    get text() {
      return text;
    },
    seen(pattern, times = 1, failAfterMs = 20_000) {
      return new Promise((resolve, reject) => {
        const count = (): number => text.match(new RegExp(pattern.source, "gm"))?.length ?? 0;
        const settle = (error?: Error): void => {
          waits.delete(check);
          child.off("close", onClose);
          clearTimeout(guard);
          if (error === undefined) resolve();
          else reject(error);
        };
        const missing = (why: string): Error => new Error(`${why} before ${String(pattern)} was seen ${times} time(s); output:\n${text}`);
        // "close", not "exit": the last chunks of output may still arrive after the process has exited.
        const onClose = (code: number | null, signal: string | null): void =>
          settle(count() >= times ? undefined : missing(`the child ended (${signal ?? String(code)})`));
        const check = (): void => {
          if (count() >= times) settle();
        };
        const guard = setTimeout(() => settle(missing(`not within ${failAfterMs} ms`)), failAfterMs);
        waits.add(check);
        child.once("close", onClose);
        check();
      });
    },
  };
}

/** Stops `child` with `signal` and resolves once it has exited (at once if it already has). */
export async function stopChild(child: ChildProcess, signal: NodeJS.Signals = "SIGINT"): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = once(child, "exit");
  child.kill(signal);
  await exited;
}
