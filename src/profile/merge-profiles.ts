// Merges the CPU profiles of many worker batches into one, and maps its frames from the bundle to the .ts sources.
import { isAbsolute } from "node:path";
import { pathToFileURL } from "node:url";
import type { CpuProfile } from "../executor/protocol.js";
import type { BundleSourceMap } from "./bundle-source-map.js";

type ProfileNode = CpuProfile["nodes"][number];
type CallFrame = ProfileNode["callFrame"];

function frameKey(frame: CallFrame): string {
  return `${frame.functionName}\u0000${frame.url}\u0000${frame.lineNumber}\u0000${frame.columnNumber}`;
}

/**
 * Merges profiles into one: call trees are joined by call path (same functions, same callers), hit counts added.
 * The batches ran on several threads at once, so there is no single true timeline: the merged profile lays the
 * batches end to end, each keeping its own sample spacing. Self and total times are therefore exact; the timeline
 * is the batches' time added up, not the run's wall time.
 * @example
 * const merged = mergeCpuProfiles([batchOne.profile, batchTwo.profile]);
 */
export function mergeCpuProfiles(profiles: readonly CpuProfile[]): CpuProfile {
  const root: ProfileNode = {
    id: 1,
    callFrame: { functionName: "(root)", scriptId: "0", url: "", lineNumber: -1, columnNumber: -1 },
    hitCount: 0,
    children: [],
  };
  const nodes: ProfileNode[] = [root];
  const childIndex = new Map<string, ProfileNode>();
  const samples: number[] = [];
  const timeDeltas: number[] = [];
  const startTime = profiles[0]?.startTime ?? 0;
  let offset = 0;
  let lastSampleAt = 0;

  const childOf = (parent: ProfileNode, frame: CallFrame): ProfileNode => {
    const key = `${parent.id}\u0000${frameKey(frame)}`;
    let node = childIndex.get(key);
    if (node === undefined) {
      node = { id: nodes.length + 1, callFrame: { ...frame }, hitCount: 0, children: [] };
      nodes.push(node);
      parent.children!.push(node.id);
      childIndex.set(key, node);
    }
    return node;
  };

  for (const profile of profiles) {
    const byId = new Map(profile.nodes.map((node) => [node.id, node]));
    const merged = new Map<number, ProfileNode>();
    const first = profile.nodes[0];
    if (first === undefined) continue;
    merged.set(first.id, root);
    root.hitCount = (root.hitCount ?? 0) + (first.hitCount ?? 0);
    const stack: ProfileNode[] = [first];
    while (stack.length > 0) {
      const node = stack.pop()!;
      const into = merged.get(node.id)!;
      for (const childId of node.children ?? []) {
        const child = byId.get(childId);
        if (child === undefined) continue;
        const target = childOf(into, child.callFrame);
        target.hitCount = (target.hitCount ?? 0) + (child.hitCount ?? 0);
        if (child.positionTicks !== undefined) target.positionTicks = addTicks(target.positionTicks, child.positionTicks);
        merged.set(child.id, target);
        stack.push(child);
      }
    }
    let at = profile.startTime;
    (profile.samples ?? []).forEach((sample, index) => {
      at += profile.timeDeltas?.[index] ?? 0;
      const sampleAt = offset + (at - profile.startTime);
      samples.push(merged.get(sample)?.id ?? root.id);
      timeDeltas.push(Math.max(0, sampleAt - lastSampleAt));
      lastSampleAt = sampleAt;
    });
    offset += Math.max(0, profile.endTime - profile.startTime);
  }
  // Deltas of the first profile count from its start; the rest follow on from the previous profile's samples.
  return { nodes, startTime, endTime: startTime + offset, samples, timeDeltas };
}

function addTicks(into: ProfileNode["positionTicks"], more: NonNullable<ProfileNode["positionTicks"]>): NonNullable<ProfileNode["positionTicks"]> {
  const lines = new Map<number, number>();
  for (const tick of [...(into ?? []), ...more]) lines.set(tick.line, (lines.get(tick.line) ?? 0) + tick.ticks);
  return [...lines].map(([line, ticks]) => ({ line, ticks }));
}

/**
 * Rewrites the frames of a profile that fall in a transform bundle to the user's source: `url` becomes the `.ts`
 * file's URL, `lineNumber`/`columnNumber` its 0-based position; the bundle's top-level code goes to the entry file's
 * first line. Frames of esbuild's helpers, which map to no source, stay as they are. Per-line ticks of a rewritten frame are dropped: they count bundle lines.
 * @param maps source maps by bundle path
 * @example
 * const mapped = mapProfileToSources(merged, new Map([[bundle, await readBundleSourceMap(bundle)]]));
 */
export function mapProfileToSources(profile: CpuProfile, maps: ReadonlyMap<string, BundleSourceMap>): CpuProfile {
  const byUrl = new Map<string, BundleSourceMap>();
  for (const map of maps.values()) byUrl.set(pathToFileURL(map.bundle).href, map);
  const nodes = profile.nodes.map((node) => {
    const url = node.callFrame.url.replace(/\?.*$/, "");
    const map = byUrl.get(url);
    if (map === undefined || node.callFrame.lineNumber < 0) return node;
    // The module's own top-level code starts at 0:0, before any mapping: it belongs to the entry file.
    const topLevel = node.callFrame.lineNumber === 0 && node.callFrame.columnNumber === 0 && map.entry !== undefined;
    const original =
      map.originalPosition(node.callFrame.lineNumber, node.callFrame.columnNumber) ??
      (topLevel ? { file: map.entry!, line: 0, column: 0 } : undefined);
    if (original === undefined) return node;
    const { positionTicks: _ticks, ...rest } = node;
    return {
      ...rest,
      callFrame: {
        ...node.callFrame,
        url: isAbsolute(original.file) ? pathToFileURL(original.file).href : original.file,
        lineNumber: original.line,
        columnNumber: original.column,
      },
    };
  });
  return { ...profile, nodes };
}
