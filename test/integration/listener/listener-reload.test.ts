// The listener loads each action once and again only when a file it was built from changes: reads of definition.json are counted.
import type * as FsPromises from "node:fs/promises";
import { mkdir, readdir, readFile, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { startListener, type Listener, type ListenerRequest } from "../../../src/listener/listener.js";
import { createTempProject, EXAMPLE_DIR, exampleDefinition, type TempProject } from "../../helpers/temp-project.js";

// Every module under test reads files through this one: a spy that reads as it always did, and counts.
vi.mock("node:fs/promises", async (importOriginal) => {
  const actual = await importOriginal<typeof FsPromises>();
  return { ...actual, readFile: vi.fn(actual.readFile) };
});

const EXECUTE = "/api/v2/data-actions/da-test-12345/execute";

/** How many times `file` has been read since the test began. */
function readsOf(file: string): number {
  return vi.mocked(readFile).mock.calls.filter(([path]) => String(path) === file).length;
}

async function post(listener: Listener, body: string): Promise<{ status: number; body: Record<string, unknown> }> {
  const response = await fetch(`${listener.url}${EXECUTE}`, { method: "POST", headers: { "content-type": "application/json" }, body });
  return { status: response.status, body: (await response.json()) as Record<string, unknown> };
}

describe("the listener's loaded actions", () => {
  let project: TempProject;
  let dir: string;
  let definitionFile: string;
  let listener: Listener;
  let trigger: string;

  beforeEach(async () => {
    project = await createTempProject();
    dir = await project.addAction("billing-callback", {
      definition: await exampleDefinition(),
      transform: await readFile(join(EXAMPLE_DIR, "transform.ts"), "utf8"),
    });
    definitionFile = join(dir, "definition.json");
    trigger = await readFile(join(EXAMPLE_DIR, "trigger.json"), "utf8");
    vi.mocked(readFile).mockClear();
    listener = await startListener({ actions: [dir], buildDir: join(project.root, ".build"), workers: 1 });
  });
  afterEach(async () => {
    await listener.close();
    await project.remove();
  });

  it("reads the definition once while answering 1,000 requests", async () => {
    const statuses: number[] = [];
    // Ten clients at a time, as a busy integration would send them.
    for (let round = 0; round < 100; round++) {
      const answers = await Promise.all(Array.from({ length: 10 }, () => post(listener, trigger)));
      statuses.push(...answers.map((answer) => answer.status));
    }
    expect(statuses).toEqual(Array.from({ length: 1000 }, () => 200));
    expect(readsOf(definitionFile)).toBe(1);
  }, 60_000);

  it("answers from the new definition and the new transform only once their files have changed", async () => {
    expect((await post(listener, trigger)).status).toBe(200);
    expect((await post(listener, trigger)).status).toBe(200);
    expect(readsOf(definitionFile)).toBe(1);

    // The output schema now wants resolutionScore as a string: the same trigger's output no longer satisfies it.
    const definition = await exampleDefinition();
    const text = JSON.stringify(definition).replace('"resolutionScore":{"type":"integer"', '"resolutionScore":{"type":"string"');
    expect(text).not.toBe(JSON.stringify(definition));
    await writeFile(definitionFile, text);
    const refused = await post(listener, trigger);
    expect(refused).toMatchObject({ status: 422, body: { error: { code: "invalid_output" } } });
    expect(readsOf(definitionFile)).toBe(2);

    // A transform that returns the score as a string satisfies it again.
    const transform = await readFile(join(dir, "transform.ts"), "utf8");
    const edited = transform.replace("resolutionScore: fields.resolutionScore ?? 0,", "resolutionScore: String(fields.resolutionScore ?? 0),");
    expect(edited).not.toBe(transform);
    await writeFile(join(dir, "transform.ts"), edited);
    const answered = await post(listener, trigger);
    expect(answered).toMatchObject({ status: 200, body: { output: { resolutionScore: "87" } } });
    expect((await post(listener, trigger)).status).toBe(200);
    expect(readsOf(definitionFile)).toBe(3);
  }, 60_000);

  it("answers with a changed helper from outside the action folder (regression: only the folder was watched)", async () => {
    await mkdir(join(project.root, "shared"), { recursive: true });
    const helper = join(project.root, "shared", "helper.ts");
    await writeFile(helper, 'export const prefix = "rec-one";\n');
    const transform = await readFile(join(dir, "transform.ts"), "utf8");
    const edited = `import { prefix } from "../shared/helper.ts";\n${transform.replace("recordId: `rec-${trigger.interaction.id}`", "recordId: `${prefix}-${trigger.interaction.id}`")}`;
    expect(edited).not.toContain("recordId: `rec-");
    await writeFile(join(dir, "transform.ts"), edited);
    expect(await post(listener, trigger)).toMatchObject({ status: 200, body: { output: { recordId: expect.stringMatching(/^rec-one-/) } } });

    await writeFile(helper, 'export const prefix = "rec-three";\n');
    expect(await post(listener, trigger)).toMatchObject({ status: 200, body: { output: { recordId: expect.stringMatching(/^rec-three-/) } } });
  }, 60_000);

  it("does not load again for files written into the action folder: fixtures, recordings, reports (regression: every request reloaded)", async () => {
    const recordDir = join(dir, "recordings");
    const recording = await startListener({ actions: [dir], buildDir: join(project.root, ".build"), workers: 1, recordDir });
    try {
      const reads = readsOf(definitionFile);
      for (let round = 0; round < 20; round++) {
        await mkdir(join(dir, "fixtures", `round-${round}`), { recursive: true });
        await mkdir(join(dir, "reports", "traces"), { recursive: true });
        await Promise.all(
          Array.from({ length: 10 }, (_, index) => writeFile(join(dir, "fixtures", `round-${round}`, `fixture-${index}.json`), "{}")),
        );
        await writeFile(join(dir, "reports", "traces", `trace-${round}.json`), "{}");
        const answers = await Promise.all([post(recording, trigger), post(recording, trigger)]);
        expect(answers.map((answer) => answer.status)).toEqual([200, 200]);
      }
      expect(readsOf(definitionFile)).toBe(reads);
      const recorded = await readdir(recordDir, { recursive: true });
      expect(recorded.filter((file) => file.endsWith(".json"))).toHaveLength(40);
    } finally {
      await recording.close();
    }
  }, 60_000);

  it("answers 422 with E_TRANSFORM for a transform that breaks after start, logged with its code, and 200 once it is fixed", async () => {
    const log: ListenerRequest[] = [];
    const logged = await startListener({ actions: [dir], buildDir: join(project.root, ".build"), workers: 1, onRequest: (entry) => log.push(entry) });
    try {
      const transform = await readFile(join(dir, "transform.ts"), "utf8");
      await writeFile(join(dir, "transform.ts"), `${transform}\nexport const broken = ;\n`);
      const refused = await post(logged, trigger);
      expect(refused).toMatchObject({ status: 422, body: { error: { code: "E_COMPILE", message: expect.stringContaining("does not compile") } } });
      expect(log.at(-1)?.error).toMatch(/^E_COMPILE: .*does not compile/);
      await writeFile(join(dir, "transform.ts"), transform);
      expect((await post(logged, trigger)).status).toBe(200);
    } finally {
      await logged.close();
    }
  }, 60_000);

  it("times the trace's load-definition step for the request, and says when the action was loaded", async () => {
    const asked = Date.now();
    const answer = await post(listener, trigger);
    const steps = (answer.body["trace"] as { steps: Array<{ step: string; startedAt: number; durationMs: number; detail: { loadedAt: string } }> })
      .steps;
    const load = steps.find((step) => step.step === "load-definition");
    // performance.timeOrigin can drift from Date.now() (a monotonic clock against the wall clock): allow 50 ms, far less
    // than the time since the action was loaded, which was before the earlier tests of this file ran.
    expect(load?.startedAt).toBeGreaterThanOrEqual(asked - 50);
    expect(load?.durationMs).toBeGreaterThanOrEqual(0);
    expect(Date.parse(load?.detail.loadedAt ?? "")).toBeLessThan(asked);
  });
});
