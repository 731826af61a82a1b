// The functions a CPU profile spent most time in, by self and by total time, as data and as a table.
import { isAbsolute, relative } from "node:path";
import { fileURLToPath } from "node:url";
import type { CpuProfile } from "../executor/protocol.js";

/** One function's share of a profile. */
export interface ProfileFunction {
  /** `(anonymous)` for a function without a name. */
  functionName: string;
  /** Where it is defined: a path relative to the working directory when inside it, else absolute (or a URL, a `node:` name); empty for V8's own entries. */
  file: string;
  /** 1-based line and column of the definition; 0 when unknown. */
  line: number;
  column: number;
  /** Time with the function on top of the stack. */
  selfMs: number;
  /** Time with the function anywhere on the stack (recursion counted once). */
  totalMs: number;
  selfPct: number;
  totalPct: number;
  /** True for the transform's own code (its sources, bundled dependencies included). */
  inTransform: boolean;
}

/** Options of {@link topFunctions}. */
export interface TopFunctionsOptions {
  /** How many rows. @default 10 */
  limit?: number;
  /** Order by self time or total time. @default "self" */
  by?: "self" | "total";
  /** `transform`: only functions of the transform's sources; `all`: the harness and V8 entries too. @default "transform" */
  scope?: "transform" | "all";
  /** File URLs of the transform's sources (after {@link mapProfileToSources}). */
  transformUrls?: ReadonlySet<string>;
  /** Base for relative file names. @default process.cwd() */
  cwd?: string;
}

/** {@link TopFunctionsOptions} with every default applied. */
export interface ResolvedTopFunctionsOptions {
  limit: number;
  by: "self" | "total";
  scope: "transform" | "all";
  transformUrls: ReadonlySet<string>;
  cwd: string;
}

/**
 * Applies the defaults and checks the limit.
 * @throws RangeError when `limit` is not a whole number >= 1
 * @example
 * resolveTopFunctionsOptions({ by: "total" }); // { limit: 10, by: "total", scope: "transform", … }
 */
export function resolveTopFunctionsOptions(options: TopFunctionsOptions = {}): ResolvedTopFunctionsOptions {
  const limit = options.limit ?? 10;
  if (!Number.isInteger(limit) || limit < 1) throw new RangeError(`limit must be a whole number >= 1, got ${limit}`);
  return {
    limit,
    by: options.by ?? "self",
    scope: options.scope ?? "transform",
    transformUrls: options.transformUrls ?? new Set(),
    cwd: options.cwd ?? process.cwd(),
  };
}

/** V8's bookkeeping entries that are not code anyone wrote or called. */
const NOT_CODE = new Set(["(root)", "(idle)"]);

function where(url: string, cwd: string): string {
  if (!url.startsWith("file:")) return url;
  try {
    const file = fileURLToPath(url);
    const rel = relative(cwd, file);
    return rel === "" || rel.startsWith("..") || isAbsolute(rel) ? file : rel;
  } catch {
    return url;
  }
}

/** Milliseconds each sample stands for: the time until the next sample (the last one runs to the profile's end). */
function sampleDurations(profile: CpuProfile): number[] {
  const samples = profile.samples ?? [];
  const deltas = profile.timeDeltas ?? [];
  const at: number[] = [];
  let time = profile.startTime;
  for (let i = 0; i < samples.length; i++) at.push((time += deltas[i] ?? 0));
  return at.map((start, i) => Math.max(0, ((at[i + 1] ?? Math.max(profile.endTime, start)) - start) / 1000));
}

/**
 * Adds up a profile by function, every function (the same function reached through different callers is one row),
 * unsorted and unfiltered: {@link topFunctions} picks from this.
 * @example
 * allFunctions(profile, { transformUrls }).length; // every function that was sampled
 */
export function allFunctions(profile: CpuProfile, options: Pick<TopFunctionsOptions, "transformUrls" | "cwd"> = {}): ProfileFunction[] {
  const settings = resolveTopFunctionsOptions(options);
  const byId = new Map(profile.nodes.map((node) => [node.id, node]));
  const parentOf = new Map<number, number>();
  for (const node of profile.nodes) for (const child of node.children ?? []) parentOf.set(child, node.id);

  // One key per function, and for each node the distinct functions on its stack, computed once per node.
  const keyOf = new Map<number, string>();
  const nodeOfKey = new Map<string, number>();
  for (const node of profile.nodes) {
    const frame = node.callFrame;
    const key = `${frame.functionName}\u0000${frame.url}\u0000${frame.lineNumber}\u0000${frame.columnNumber}`;
    keyOf.set(node.id, key);
    if (!nodeOfKey.has(key)) nodeOfKey.set(key, node.id);
  }
  const stackKeys = new Map<number, string[]>();
  const stackOf = (id: number): string[] => {
    let keys = stackKeys.get(id);
    if (keys === undefined) {
      const parent = parentOf.get(id);
      const above = parent === undefined ? [] : stackOf(parent);
      const own = keyOf.get(id)!;
      keys = above.includes(own) ? above : [...above, own];
      stackKeys.set(id, keys);
    }
    return keys;
  };

  const rows = new Map<string, { id: number; self: number; total: number }>();
  const row = (key: string) => {
    let found = rows.get(key);
    if (found === undefined) rows.set(key, (found = { id: nodeOfKey.get(key)!, self: 0, total: 0 }));
    return found;
  };
  const durations = sampleDurations(profile);
  let sampled = 0;
  (profile.samples ?? []).forEach((id, index) => {
    const node = byId.get(id);
    if (node === undefined || node.callFrame.functionName === "(idle)") return;
    const ms = durations[index] ?? 0;
    sampled += ms;
    row(keyOf.get(id)!).self += ms;
    for (const key of stackOf(id)) row(key).total += ms;
  });

  const round = (value: number): number => Math.round(value * 1000) / 1000;
  const pct = (value: number): number => (sampled === 0 ? 0 : Math.round((value / sampled) * 1000) / 10);
  const all: ProfileFunction[] = [];
  for (const { id, self, total } of rows.values()) {
    const frame = byId.get(id)!.callFrame;
    if (NOT_CODE.has(frame.functionName)) continue;
    all.push({
      functionName: frame.functionName || "(anonymous)",
      file: where(frame.url, settings.cwd),
      line: frame.lineNumber >= 0 ? frame.lineNumber + 1 : 0,
      column: frame.columnNumber >= 0 ? frame.columnNumber + 1 : 0,
      selfMs: round(self),
      totalMs: round(total),
      selfPct: pct(self),
      totalPct: pct(total),
      inTransform: settings.transformUrls.has(frame.url),
    });
  }
  return all;
}

/**
 * The top rows of a profile by self or total time, like Python's pstats; by default only the transform's functions.
 * @param functions rows from {@link allFunctions}, when already computed (they are computed from `profile` otherwise)
 * @example
 * topFunctions(profile, { transformUrls: new Set([pathToFileURL("actions/x/transform.ts").href]) })[0];
 * // { functionName: "hotHelper", file: "actions/x/transform.ts", line: 3, selfMs: 41.2, … }
 */
export function topFunctions(profile: CpuProfile, options: TopFunctionsOptions = {}, functions?: readonly ProfileFunction[]): ProfileFunction[] {
  const settings = resolveTopFunctionsOptions(options);
  const rows = functions ?? allFunctions(profile, options);
  const order = settings.by === "self" ? (f: ProfileFunction) => [f.selfMs, f.totalMs] : (f: ProfileFunction) => [f.totalMs, f.selfMs];
  return rows
    .filter((f) => settings.scope === "all" || f.inTransform)
    .sort((a, b) => {
      const [a1, a2] = order(a);
      const [b1, b2] = order(b);
      return b1! - a1! || b2! - a2! || a.functionName.localeCompare(b.functionName);
    })
    .slice(0, settings.limit);
}

/**
 * The rows as a fixed-width text table (no colour), for a terminal or a text file.
 * @example
 * formatTopFunctions(rows).join("\n");
 * //   self ms  self%  total ms total%  function   where
 * //    41.20   82.1     41.20   82.1  hotHelper  actions/x/transform.ts:3
 */
export function formatTopFunctions(rows: readonly ProfileFunction[]): string[] {
  const ms = (value: number): string => value.toFixed(2).padStart(9);
  const pct = (value: number): string => `${value.toFixed(1)}%`.padStart(7);
  const nameWidth = Math.min(40, Math.max(8, ...rows.map((r) => r.functionName.length)));
  const lines = [
    `${"self ms".padStart(9)}${"self".padStart(7)} ${"total ms".padStart(9)}${"total".padStart(7)}  ${"function".padEnd(nameWidth)}  where`,
  ];
  for (const r of rows) {
    const name = r.functionName.length > nameWidth ? `${r.functionName.slice(0, nameWidth - 1)}…` : r.functionName.padEnd(nameWidth);
    const location = r.file === "" ? "" : r.line > 0 ? `${r.file}:${r.line}` : r.file;
    lines.push(`${ms(r.selfMs)}${pct(r.selfPct)} ${ms(r.totalMs)}${pct(r.totalPct)}  ${name}  ${location}`);
  }
  return lines;
}
