// Gathers the CPU profiles of every worker batch, one merged and source-mapped profile per action, and writes them.
import { mkdir, writeFile } from "node:fs/promises";
import { isAbsolute, join, resolve } from "node:path";
import { pathToFileURL } from "node:url";
import type { CpuProfile } from "../executor/protocol.js";
import type { ActionInstrumentation } from "../runner/run-cases.js";
import { readBundleSourceMap, type BundleSourceMap } from "./bundle-source-map.js";
import { actionFileName } from "../trace/case-slug.js";
import { mapProfileToSources, mergeCpuProfiles } from "./merge-profiles.js";
import { allFunctions, topFunctions, type ProfileFunction } from "./top-functions.js";

/** One action's profile: every batch of its cases, merged, with frames on the `.ts` sources. */
export interface ActionProfile {
  action: string;
  /** A valid `.cpuprofile` (Chrome DevTools, speedscope). */
  profile: CpuProfile;
  /** How many batches (worker runs) were merged. */
  batches: number;
  /** Sampled time in milliseconds: the batches' time added up. */
  sampledMs: number;
  /** Time in the transform's own code (its sources and bundled dependencies), in milliseconds and as a share of all sampled time. */
  transform: { ms: number; pct: number };
  /** The transform's own functions that took the most time, by self time and by total time. */
  top: { self: ProfileFunction[]; total: ProfileFunction[] };
}

/** Collects profiles as batches report them; merges once, at the end. */
export interface ProfileCollector {
  /** Takes the profile part of one batch's measurements (other parts are ignored). */
  add(data: ActionInstrumentation): void;
  readonly batches: number;
  /** One profile per action, in the order actions first reported. */
  toProfiles(options?: { limit?: number }): Promise<ActionProfile[]>;
}

/**
 * Creates a collector for the `onInstrumentation` option of `runCases`.
 * @example
 * const profiles = createProfileCollector();
 * for await (const r of runCases({ actions, instrument: { profile: { samplingIntervalUs: 100 } }, onInstrumentation: profiles.add })) {}
 * for (const p of await profiles.toProfiles()) console.log(p.action, p.top.self[0]?.functionName);
 */
export function createProfileCollector(): ProfileCollector {
  const byAction = new Map<string, { bundles: Set<string>; profiles: CpuProfile[] }>();
  let batches = 0;
  return {
    add(data) {
      if (data.profile === undefined) return;
      batches++;
      let entry = byAction.get(data.action);
      if (entry === undefined) byAction.set(data.action, (entry = { bundles: new Set(), profiles: [] }));
      entry.bundles.add(data.bundle);
      entry.profiles.push(data.profile);
    },
    get batches() {
      return batches;
    },
    async toProfiles(options = {}) {
      const result: ActionProfile[] = [];
      for (const [action, entry] of byAction) {
        const maps = new Map<string, BundleSourceMap>();
        for (const bundle of entry.bundles) {
          const map = await readBundleSourceMap(bundle).catch(() => undefined);
          if (map !== undefined) maps.set(bundle, map);
        }
        const transformUrls = new Set<string>();
        for (const map of maps.values()) for (const file of map.contents.keys()) if (isAbsolute(file)) transformUrls.add(pathToFileURL(file).href);
        const profile = mapProfileToSources(mergeCpuProfiles(entry.profiles), maps);
        const limit = options.limit ?? 10;
        const functions = allFunctions(profile, { transformUrls });
        const own = functions.filter((f) => f.inTransform);
        result.push({
          action,
          profile,
          batches: entry.profiles.length,
          sampledMs: Math.round((profile.endTime - profile.startTime) / 10) / 100,
          transform: {
            ms: Math.round(own.reduce((sum, f) => sum + f.selfMs, 0) * 1000) / 1000,
            pct: Math.round(own.reduce((sum, f) => sum + f.selfPct, 0) * 10) / 10,
          },
          top: {
            self: topFunctions(profile, { limit, by: "self", transformUrls }, functions),
            total: topFunctions(profile, { limit, by: "total", transformUrls }, functions),
          },
        });
      }
      return result;
    },
  };
}

/**
 * Writes each profile as `<dir>/<action>.cpuprofile`.
 * @returns the files written, by action
 * @example
 * await writeProfiles(await collector.toProfiles(), "reports/profiles"); // [{ action: "x", file: "/abs/reports/profiles/x.cpuprofile" }]
 */
export async function writeProfiles(profiles: readonly ActionProfile[], dir: string): Promise<Array<{ action: string; file: string }>> {
  const target = resolve(dir);
  await mkdir(target, { recursive: true });
  const written: Array<{ action: string; file: string }> = [];
  for (const { action, profile } of profiles) {
    const file = join(target, `${actionFileName(action)}.cpuprofile`);
    await writeFile(file, JSON.stringify(profile));
    written.push({ action, file });
  }
  return written;
}
