// Stopping the listener lets a request that is already running finish and get its answer.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startListener } from "../../../src/listener/listener.js";
import { createTempProject, type TempProject } from "../../helpers/temp-project.js";

describe("closing the listener", () => {
  let project: TempProject;
  beforeAll(async () => {
    project = await createTempProject();
  });
  afterAll(async () => {
    await project.remove();
  });

  it("answers a request still running when close() is called (regression: it was cut off with an empty reply)", async () => {
    const dir = await project.addAction("slow", {
      definition: { id: "slow", schema: { input: { type: "object" }, output: { type: "object" } } },
      transform: "export default async function t() { await new Promise((resolve) => setTimeout(resolve, 1500)); return { done: true }; }",
    });
    const listener = await startListener({ actions: [dir], workers: 1 });
    const answer = fetch(`${listener.url}/api/v2/data-actions/slow/execute`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: "{}",
    });
    // Close once the request is in: a short wait for it to reach the server, well before the transform's 1.5 s end.
    await new Promise((resolve) => setTimeout(resolve, 400));
    const closed = listener.close();
    const response = await answer;
    expect(response.status).toBe(200);
    expect(((await response.json()) as { output: unknown }).output).toEqual({ done: true });
    await closed;
  });
});
