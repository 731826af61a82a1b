// --filter and --shard: which cases a run keeps, decided the same way on every machine.
import { CxdaError } from "../core/errors.js";

/** A shard `index` of `total`, both 1-based as written on the command line (`--shard 2/3`). */
export interface Shard {
  index: number;
  total: number;
}

/** Parses `i/n`, or throws E_USAGE. */
export function parseShard(text: string): Shard {
  const match = /^(\d+)\/(\d+)$/.exec(text.trim());
  const index = Number(match?.[1]);
  const total = Number(match?.[2]);
  if (!match || total < 1 || index < 1 || index > total) {
    throw new CxdaError("E_USAGE", `--shard must be i/n with 1 <= i <= n (like 2/3), got "${text}"`);
  }
  return { index, total };
}

/**
 * FNV-1a with a final avalanche step, so a case lands in the same shard on every machine and run. Without the final
 * mixing the low bits are poorly spread, and `hash % n` for small n would leave some shards nearly empty.
 */
function hash(text: string): number {
  let value = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    value ^= text.charCodeAt(i);
    value = Math.imul(value, 0x01000193);
  }
  value ^= value >>> 16;
  value = Math.imul(value, 0x85ebca6b);
  value ^= value >>> 13;
  value = Math.imul(value, 0xc2b2ae35);
  value ^= value >>> 16;
  return value >>> 0;
}

/**
 * Builds the runner's `select` from --filter (a substring of "action › case", or /regex/flags) and --shard.
 * A case's shard depends only on its action, name and file, so adding a case never moves the others.
 */
export function caseSelector(options: {
  filter?: string;
  shard?: Shard;
}): ((action: string, caseName: string, source: string) => boolean) | undefined {
  const { filter, shard } = options;
  if (filter === undefined && shard === undefined) return undefined;
  let matches: (title: string) => boolean = () => true;
  if (filter !== undefined) {
    const regex = /^\/(.+)\/([a-z]*)$/.exec(filter);
    if (regex) {
      let pattern: RegExp;
      try {
        pattern = new RegExp(regex[1]!, regex[2]);
      } catch (error) {
        throw new CxdaError("E_USAGE", `--filter ${filter}: not a valid regular expression (${(error as Error).message})`);
      }
      matches = (title) => pattern.test(title);
    } else {
      const needle = filter.toLowerCase();
      matches = (title) => title.toLowerCase().includes(needle);
    }
  }
  return (action, caseName, source) => {
    if (!matches(`${action} › ${caseName}`)) return false;
    return (
      shard === undefined || hash(`${action}\u0000${caseName}\u0000${source.replace(/^.*?([^/]+\/cases\/)/, "$1")}`) % shard.total === shard.index - 1
    );
  };
}
