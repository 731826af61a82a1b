// The mock event bus on real runs: every case is delivered through it and every step is observable.
import { readFile } from "node:fs/promises";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { createBus } from "../../../src/runner/create-bus.js";
import type { BusEvent } from "../../../src/bus/event-bus.js";
import { runCases } from "../../../src/runner/run-cases.js";
import { EXAMPLE_DIR } from "../../helpers/temp-project.js";

async function exampleTrigger(): Promise<Record<string, unknown>> {
  return JSON.parse(await readFile(join(EXAMPLE_DIR, "trigger.json"), "utf8")) as Record<string, unknown>;
}

describe("runCases through the bus", () => {
  it("delivers every case and emits its steps in order", async () => {
    const bus = createBus();
    const events: BusEvent[] = [];
    bus.onAny((event) => events.push(event));
    const recording = bus.intercept();
    const results = [];
    for await (const result of runCases({ actions: [EXAMPLE_DIR], bus })) results.push(result);

    expect(recording.triggers).toHaveLength(14);
    expect(recording.triggers.every((t) => t.action === "da-test-12345")).toBe(true);
    const scoreTrap = recording.triggers.find((t) => t.case.includes('"87"'));
    expect((scoreTrap?.trigger.data as { customFields: { resolutionScore: unknown } }).customFields.resolutionScore).toBe("87");

    for (const result of results) {
      const mine = events.filter((e) => e.case === result.case).map((e) => e.type);
      expect(mine[0]).toBe("trigger.received");
      expect(mine[1]).toBe("execution.started");
      expect(mine.at(-1)).toBe("execution.finished");
    }
    const failed = events.filter((e) => e.type === "validation.failed");
    expect(failed.map((e) => (e.type === "validation.failed" ? `${e.side} ${e.issues[0]?.path} ${e.issues[0]?.keyword}` : ""))).toEqual([
      "output /resolutionScore type",
      "output /resolutionScore type",
      "output /resolutionScore maximum",
      "output /issueCategory enum",
      "input /interaction required",
    ]);
    recording.stop();
    await bus.close();
  });

  it("keeps running when a listener throws", async () => {
    const bus = createBus();
    bus.on("execution.finished", () => {
      throw new Error("listener bug");
    });
    let passed = 0;
    for await (const result of runCases({ actions: [EXAMPLE_DIR], bus })) if (result.status === "pass") passed++;
    expect(passed).toBe(14);
  });
});

describe("bus.publish", () => {
  const bus = createBus();
  afterAll(() => bus.close());

  it("routes a trigger to the action named by its dataActionId", async () => {
    bus.subscribe("da-test-12345", EXAMPLE_DIR);
    const errors: string[] = [];
    bus.on("execution.error", (e) => errors.push(e.error.code));
    const result = await bus.publish(await exampleTrigger());
    expect(result).toMatchObject({ action: "da-test-12345", status: "pass", output: { recordId: "rec-i-774421" } });
    const broken = await bus.publish(
      { ...(await exampleTrigger()), interaction: undefined, dataActionId: "elsewhere" },
      { to: "da-test-12345", name: "no interaction" },
    );
    expect(broken.issues.map((i) => `${i.side} ${i.path} ${i.keyword}`)).toEqual(["input /interaction required"]);
    expect(broken.case).toBe("no interaction");
    expect(errors).toEqual([]);
  });

  it("refuses a trigger for an action nobody subscribed, naming the ones that are", async () => {
    await expect(bus.publish({ dataActionId: "da-unknown" })).rejects.toThrow(/no action is subscribed for "da-unknown"; subscribed: da-test-12345/);
    await expect(bus.publish({})).rejects.toThrow(/no dataActionId/);
  });
});
