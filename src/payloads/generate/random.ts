// A seeded random source for payload generation: integers, choices and shuffles from one reproducible stream.
import { hashSeed, nextState, randomDigits, unitOf } from "../seeded-random.js";

/** Draws from one seeded stream; the same seed gives the same draws on every run and machine. */
export interface Random {
  /** An integer in `[min, max]` (both inclusive). */
  int(min: number, max: number): number;
  /** A number in `[0, 1)`. */
  unit(): number;
  /** True with probability `p`. */
  chance(p: number): boolean;
  /** One element of a non-empty list. */
  pick<T>(items: readonly T[]): T;
  /** A shuffled copy. */
  shuffle<T>(items: readonly T[]): T[];
  /** `count` decimal digits without a leading zero. */
  digits(count: number): string;
}

const TWO_32 = 4294967296;

/** One object per stream, its methods shared: generation makes a stream per instance attempt, so streams must be cheap. */
class SeededRandom implements Random {
  private state: number;

  constructor(seed: string) {
    this.state = hashSeed(seed);
  }

  /** An integer in `[0, max)`, as `createRandomInt` draws it. */
  private next(max: number): number {
    this.state = nextState(this.state);
    return Math.floor(unitOf(this.state) * max);
  }

  unit(): number {
    return this.next(TWO_32) / TWO_32;
  }

  int(min: number, max: number): number {
    if (max <= min) return min;
    const span = max - min + 1;
    // Spans beyond 2^32 lose a little evenness, which does not matter for test data.
    return span <= TWO_32 ? min + this.next(span) : Math.min(max, min + Math.floor(this.unit() * span));
  }

  chance(p: number): boolean {
    return this.unit() < p;
  }

  pick<T>(items: readonly T[]): T {
    if (items.length === 0) throw new RangeError("pick() needs a non-empty list");
    return items[this.next(items.length)] as T;
  }

  shuffle<T>(items: readonly T[]): T[] {
    const copy = [...items];
    for (let i = copy.length - 1; i > 0; i--) {
      const j = this.next(i + 1);
      [copy[i], copy[j]] = [copy[j] as T, copy[i] as T];
    }
    return copy;
  }

  digits(count: number): string {
    return randomDigits((max) => this.next(max), count);
  }
}

/**
 * A {@link Random} over the mulberry32 stream of `seeded-random.ts`: the same draws as `createRandomInt(seed)`.
 * The seed is hashed by its string form.
 * @example
 * const random = createRandom("cxda\u0000valid\u00000");
 * random.int(1, 6); // the same roll on every machine
 */
export function createRandom(seed: string): Random {
  return new SeededRandom(seed);
}
