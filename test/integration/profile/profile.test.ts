// CPU profiles taken in real workers: the hot helper comes first by self time, mapped to its .ts line; valid .cpuprofile files.
import { readFile } from "node:fs/promises";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { CpuProfile } from "../../../src/executor/protocol.js";
import { createProfileCollector, writeProfiles, type ActionProfile } from "../../../src/profile/profile-collector.js";
import { createWorkerPool } from "../../../src/executor/worker-pool.js";
import { runCases } from "../../../src/runner/run-cases.js";
import { createTempProject, type TempProject } from "../../helpers/temp-project.js";

const TRANSFORM = [
  "// A transform with one deliberately hot helper.",
  "function checksum(text: string): number {",
  "  let sum = 0;",
  "  for (let round = 0; round < 300; round++) {",
  "    for (let i = 0; i < text.length; i++) sum = (sum * 31 + text.charCodeAt(i) + round) % 1_000_003;",
  "  }",
  "  return sum;",
  "}",
  "",
  "function label(n: number): string {",
  '  return n % 2 === 0 ? "even" : "odd";',
  "}",
  "",
  "export default function transform(trigger: { triggerId: string }) {",
  "  const sum = checksum(JSON.stringify(trigger).repeat(20));",
  "  return { label: label(sum), sum };",
  "}",
  "",
].join("\n");

/** The checks Chrome DevTools and speedscope rely on when they open a .cpuprofile. */
function expectValidCpuProfile(profile: CpuProfile): void {
  const ids = new Set(profile.nodes.map((n) => n.id));
  expect(ids.size).toBe(profile.nodes.length);
  expect(profile.nodes[0]?.callFrame.functionName).toBe("(root)");
  const children = profile.nodes.flatMap((n) => n.children ?? []);
  for (const child of children) expect(ids.has(child)).toBe(true);
  expect(new Set(children).size).toBe(children.length);
  for (const node of profile.nodes) {
    expect(node.callFrame).toEqual({
      functionName: expect.any(String),
      scriptId: expect.any(String),
      url: expect.any(String),
      lineNumber: expect.any(Number),
      columnNumber: expect.any(Number),
    });
  }
  expect(profile.samples?.length).toBeGreaterThan(0);
  expect(profile.timeDeltas?.length).toBe(profile.samples?.length);
  for (const sample of profile.samples ?? []) expect(ids.has(sample)).toBe(true);
  for (const delta of profile.timeDeltas ?? []) expect(delta).toBeGreaterThanOrEqual(0);
  expect(profile.endTime).toBeGreaterThanOrEqual(profile.startTime);
}

describe("a CPU profile of an action with a hot helper", () => {
  let project: TempProject;
  let profile: ActionProfile;
  let source: string;

  beforeAll(async () => {
    project = await createTempProject();
    const dir = await project.addAction("hot", {
      definition: { id: "hot-action", schema: { input: { type: "object" }, output: { type: "object" } } },
      transform: TRANSFORM,
      cases: { "a.json": Array.from({ length: 6 }, (_, i) => ({ name: `case ${i + 1}`, set: { triggerId: `t-${i}` } })) },
    });
    source = join(dir, "transform.ts");
    const collector = createProfileCollector();
    const statuses: string[] = [];
    // A pool of two given to the run: a run's own pool keeps a run this small on one worker.
    const buildDir = join(project.root, "build");
    const pool = await createWorkerPool({ workers: 2, inspector: true, readPaths: [dir, buildDir] });
    try {
      for await (const result of runCases({
        actions: [dir],
        pool,
        buildDir,
        instrument: { profile: { samplingIntervalUs: 100 } },
        onInstrumentation: collector.add,
      })) {
        statuses.push(result.status);
      }
    } finally {
      await pool.close();
    }
    expect(statuses).toEqual(Array.from({ length: 6 }, () => "pass"));
    const profiles = await collector.toProfiles();
    expect(profiles.map((p) => p.action)).toEqual(["hot-action"]);
    profile = profiles[0]!;
  });
  afterAll(async () => {
    await project.remove();
  });

  it("shows the hot helper first by self time, at its line in the .ts source", () => {
    const [first] = profile.top.self;
    expect(first).toMatchObject({ functionName: "checksum", line: 2, inTransform: true });
    expect(first?.file).toMatch(/hot\/transform\.ts$/);
    expect(first!.selfMs).toBeGreaterThan(0);
  });

  it("ranks the caller by total time, which includes the helper", () => {
    const transform = profile.top.total.find((f) => f.functionName === "transform");
    const checksum = profile.top.total.find((f) => f.functionName === "checksum");
    expect(transform?.line).toBe(14);
    expect(transform!.totalMs).toBeGreaterThanOrEqual(checksum!.totalMs);
    expect(profile.top.total[0]?.functionName).toBe("transform");
  });

  it("lists only the transform's own functions in the top rows", () => {
    for (const row of [...profile.top.self, ...profile.top.total]) expect(row.file).toMatch(/hot\/transform\.ts$/);
  });

  it("merges the batches of both workers into one valid profile whose frames point at the .ts file", () => {
    expect(profile.batches).toBe(2);
    expectValidCpuProfile(profile.profile);
    const frames = profile.profile.nodes.map((n) => n.callFrame).filter((f) => f.functionName === "checksum");
    expect(frames.length).toBeGreaterThan(0);
    for (const frame of frames) expect(frame).toMatchObject({ url: pathToFileURL(source).href, lineNumber: 1 });
    expect(profile.profile.nodes.some((n) => n.callFrame.url.includes(".mjs") && n.callFrame.url.includes("/build/"))).toBe(false);
  });

  it("writes <action>.cpuprofile as JSON that reads back to the same profile", async () => {
    const [written] = await writeProfiles([profile], join(project.root, "profiles"));
    expect(written?.file).toBe(join(project.root, "profiles", "hot-action.cpuprofile"));
    const parsed = JSON.parse(await readFile(written!.file, "utf8")) as CpuProfile;
    expect(parsed).toEqual(profile.profile);
    expectValidCpuProfile(parsed);
  });
});
