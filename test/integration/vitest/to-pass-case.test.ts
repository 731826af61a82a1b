// toPassCase against the example in real workers: cases by name and by object, failure messages, .not, and usage errors.
import { pathToFileURL } from "node:url";
import { describe, expect, it } from "vitest";
import { loadAction } from "../../../src/runner/load-action.js";
import { createTempProject, EXAMPLE_DIR, exampleDefinition } from "../../helpers/temp-project.js";
import "../../../src/vitest/index.js";

async function failureOf(run: () => Promise<void>): Promise<string> {
  try {
    await run();
  } catch (error) {
    return (error as Error).message;
  }
  throw new Error("the assertion did not fail");
}

describe("toPassCase", () => {
  it("passes a case named in the action's case files", async () => {
    await expect(EXAMPLE_DIR).toPassCase("a premium billing trigger maps every field");
  });

  it("passes a case given as an object, with a file URL or a loaded action as the action", async () => {
    const standard = { name: "standard tier", set: { "contact.attributes.tier": "standard" }, expect: { match: { priority: "standard" } } };
    await expect(pathToFileURL(EXAMPLE_DIR)).toPassCase(standard);
    await expect(await loadAction(EXAMPLE_DIR)).toPassCase(standard);
  });

  it("fails with the case's failed expectations", async () => {
    const message = await failureOf(() =>
      expect(EXAMPLE_DIR).toPassCase({
        name: "wrong priority",
        set: { "contact.attributes.tier": "standard" },
        expect: { match: { priority: "high" } },
      }),
    );
    expect(message).toBe(
      ['expected case "wrong priority" of da-test-12345 to pass, but it failed:', '  output /priority: expected "high", got "standard"'].join("\n"),
    );
  });

  it("fails with the validation issue when a case has no expectation about it", async () => {
    const message = await failureOf(() =>
      expect(EXAMPLE_DIR).toPassCase({ name: "score as a string", set: { "data.customFields.resolutionScore": "87" } }),
    );
    expect(message).toContain('output /resolutionScore: must be integer, got string "87"');
  });

  it("fails with the error when the case ends in one", async () => {
    const project = await createTempProject();
    try {
      const dir = await project.addAction("throws", {
        definition: await exampleDefinition(),
        transform: 'export default function transform() { throw new Error("no record today"); }\n',
      });
      const message = await failureOf(() => expect(dir).toPassCase({ name: "any trigger" }));
      expect(message.split("\n").slice(0, 2)).toEqual([
        'expected case "any trigger" of da-test-12345 to pass, but it ended in an error:',
        "  E_TRANSFORM the transform threw Error: no record today",
      ]);
    } finally {
      await project.remove();
    }
  });

  it("works with .not", async () => {
    await expect(EXAMPLE_DIR).not.toPassCase({ name: "wrong category", expect: { match: { issueCategory: "technical" } } });
    const message = await failureOf(() => expect(EXAMPLE_DIR).not.toPassCase("a missing score defaults to 0"));
    expect(message).toBe('expected case "a missing score defaults to 0" of da-test-12345 not to pass, but it passed');
  });

  it("rejects a case name the action does not have, suggesting the closest", async () => {
    await expect(expect(EXAMPLE_DIR).toPassCase("a missing score defaults to zero")).rejects.toThrow(
      expect.objectContaining({ code: "E_USAGE", message: expect.stringContaining('no case named "a missing score defaults to zero" in') }),
    );
    await expect(expect(EXAMPLE_DIR).toPassCase("a missing score defaults to 1")).rejects.toThrow('(did you mean "a missing score defaults to 0"?)');
  });

  it("rejects something that is not an action", async () => {
    await expect(expect(42).toPassCase("x")).rejects.toThrow(
      "toPassCase: expect(…) must be an action folder (a path or file URL) or an action from loadAction(), got number",
    );
  });
});
