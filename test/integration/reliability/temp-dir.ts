// A temp folder per test, removed afterwards, and a seeded random source for fault probabilities.
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";

/** A temp folder and the function that removes it. */
export interface TempDir {
  dir: string;
  remove(): Promise<void>;
}

/** Creates a fresh folder under the system temp folder. */
export async function createTempDir(prefix = "cxda-reliability-"): Promise<TempDir> {
  const dir = await mkdtemp(join(tmpdir(), prefix));
  return { dir, remove: () => rm(dir, { recursive: true, force: true }) };
}

/** A deterministic random source in [0, 1) (mulberry32), so probabilistic faults fire the same way on every run. */
export function seededRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
