// Random digits for payload ids: from a small seeded generator (same seed, same ids everywhere) or from crypto.
import { randomInt } from "node:crypto";

/** Returns integers in `[0, max)`. */
export type RandomInt = (max: number) => number;

/** 32-bit FNV-1a hash of a string: turns any seed into the generator's starting state. */
export function hashSeed(seed: string): number {
  let hash = 0x811c9dc5;
  for (let i = 0; i < seed.length; i++) {
    hash ^= seed.charCodeAt(i);
    hash = Math.imul(hash, 0x01000193);
  }
  return hash >>> 0;
}

/**
 * A random-integer source: deterministic (mulberry32) when `seed` is given, cryptographic otherwise.
 * The seed is used by its string form, so `7` and `"7"` give the same sequence.
 * @example
 * const next = createRandomInt("case-1");
 * next(1000); // the same number on every run and machine
 */
export function createRandomInt(seed?: string | number): RandomInt {
  if (seed === undefined) return (max) => randomInt(max);
  let state = hashSeed(String(seed));
  return (max) => {
    state = nextState(state);
    return Math.floor(unitOf(state) * max);
  };
}

/** The generator's next state (mulberry32: small, fast and well distributed for test data, not for secrets). */
export function nextState(state: number): number {
  return (state + 0x6d2b79f5) >>> 0;
}

/** The number in `[0, 1)` that mulberry32 draws from a state. */
export function unitOf(state: number): number {
  let t = state;
  t = Math.imul(t ^ (t >>> 15), t | 1);
  t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
  return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
}

/**
 * A string of `count` decimal digits with no leading zero.
 * @example
 * randomDigits(createRandomInt(1), 6); // e.g. "483920"
 */
export function randomDigits(next: RandomInt, count: number): string {
  let digits = String(1 + next(9));
  for (let i = 1; i < count; i++) digits += String(next(10));
  return digits;
}
