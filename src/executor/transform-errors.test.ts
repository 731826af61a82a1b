import { describe, expect, it } from "vitest";
import { classifyTransformThrow, cleanStack, cutText, refusal } from "./transform-errors.js";

const context = { maxLogBytes: 200, memoryMb: 64, cwd: "/work/project" };

describe("classifyTransformThrow", () => {
  it("takes the transform's own throw as E_TRANSFORM that expect.throws may match", () => {
    expect(classifyTransformThrow(new TypeError("no tier on contact"), context)).toMatchObject({
      code: "E_TRANSFORM",
      message: "the transform threw TypeError: no tier on contact",
      ownThrow: true,
    });
  });

  it("describes a thrown value that is not an Error", () => {
    expect(classifyTransformThrow({ reason: "bad" }, context)).toMatchObject({
      code: "E_TRANSFORM",
      message: 'the transform threw non-Error value thrown: {"reason":"bad"}',
    });
  });

  it.each([
    ["Cannot assign to read only property 'tier' of object '#<Object>'", "tier"],
    ["Cannot add property extra, object is not extensible", "extra"],
    ["Cannot delete property 'id' of #<Object>", "id"],
  ])("names the property of a change to the frozen input: %s", (text, property) => {
    expect(classifyTransformThrow(new TypeError(text), context)).toMatchObject({
      code: "E_MUTATION",
      message: expect.stringContaining(`the transform changed its input (property "${property}")`),
      ownThrow: false,
    });
  });

  it("says what Node's permission model refused, and why", () => {
    const denied = Object.assign(new Error("Access to this API has been restricted"), {
      code: "ERR_ACCESS_DENIED",
      permission: "FileSystemRead",
      resource: "/etc/passwd",
    });
    expect(classifyTransformThrow(denied, context)).toMatchObject({
      code: "E_SANDBOX",
      message: expect.stringMatching(/^reading \/etc\/passwd was refused inside a transform: a transform may read only its action folder/),
      ownThrow: false,
    });
  });

  it("keeps the sandbox's own refusals as E_SANDBOX", () => {
    expect(classifyTransformThrow(Object.assign(new Error("fetch is blocked inside a transform"), { code: "E_SANDBOX" }), context)).toMatchObject({
      code: "E_SANDBOX",
      message: "fetch is blocked inside a transform",
    });
  });

  it("counts a refused buffer against --memory", () => {
    expect(classifyTransformThrow(new RangeError("Array buffer allocation failed"), context)).toMatchObject({
      code: "E_MEMORY",
      message: expect.stringContaining("counts against --memory (64 MB)"),
    });
  });

  it("names a stack overflow as unbounded recursion", () => {
    expect(classifyTransformThrow(new RangeError("Maximum call stack size exceeded"), context)).toMatchObject({
      code: "E_TRANSFORM",
      message: expect.stringMatching(/^the transform overflowed the stack \(unbounded recursion\?\)/),
    });
  });

  it("cuts a long message and its stack to the log limit", () => {
    const thrown = classifyTransformThrow(new Error("x".repeat(1000)), context);
    expect(thrown.message.length).toBeLessThan(300);
    expect(thrown.message).toMatch(/more characters cut\)$/);
    expect(thrown.stack!.length).toBeLessThan(300);
  });
});

describe("cleanStack", () => {
  it("drops the harness's frames and Node's, and shows paths under the working folder relative to it", () => {
    const stack = [
      "Error: no tier",
      "    at pick (file:///work/project/actions/a/transform.ts:4:9)",
      "    at startCase (/work/cxda/dist/executor/worker-entry.js:10:1)",
      "    at process.processTicksAndRejections (node:internal/process/task_queues:95:5)",
      "    at helper (/elsewhere/lib.js:1:1)",
    ].join("\n");
    expect(cleanStack(stack, "/work/project")).toBe(
      ["Error: no tier", "    at pick (actions/a/transform.ts:4:9)", "    at helper (/elsewhere/lib.js:1:1)"].join("\n"),
    );
  });

  it("keeps an absent stack absent", () => {
    expect(cleanStack(undefined, "/")).toBeUndefined();
  });
});

describe("cutText and refusal", () => {
  it("leaves short text alone and says how much of a long one was cut", () => {
    expect(cutText("short", 10)).toBe("short");
    expect(cutText("x".repeat(15), 10)).toBe("xxxxxxxxxx… (5 more characters cut)");
  });

  it.each([
    [{ code: "ERR_DLOPEN_DISABLED" }, /^loading a native addon was refused/],
    [{ code: "ERR_ACCESS_DENIED", permission: "FileSystemWrite", resource: "/tmp/x" }, /^writing \/tmp\/x was refused/],
    [{ code: "ERR_ACCESS_DENIED", permission: "ChildProcess" }, /^starting a process was refused/],
    [{ code: "ERR_ACCESS_DENIED", permission: "WorkerThreads" }, /^starting a thread was refused/],
  ])("words a refusal %#", (error, message) => {
    expect(refusal(error, 100)).toMatch(message);
  });
});
