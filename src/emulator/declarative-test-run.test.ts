// Where the emulator's test endpoint sends a resolved request, and what a test stopped from outside answers.
import { describe, expect, it } from "vitest";
import { stoppedTest } from "./declarative-test.js";
import { upstreamTarget } from "./declarative-test-run.js";

const ORIGIN = "http://127.0.0.1:4010";

describe("upstreamTarget", () => {
  it("sends an absolute http(s) URL as it is, and a Platform API path to the emulator itself", () => {
    expect(upstreamTarget("https://api.example.com/users/7?x=1", ORIGIN)).toEqual({ url: "https://api.example.com/users/7?x=1", own: false });
    expect(upstreamTarget("/api/v2/users/7", ORIGIN)).toEqual({ url: `${ORIGIN}/api/v2/users/7`, own: true });
  });

  it.each([["arn:aws:lambda:us-east-1:123456789012:function:slots"], ["/users/7"], ["api.example.com/users/7"], ["ftp://files.example.com/a"], [""]])(
    "refuses %j as E_REQUEST, saying what it accepts",
    (url) => {
      expect(() => upstreamTarget(url, ORIGIN)).toThrow(
        expect.objectContaining({
          code: "E_REQUEST",
          message: expect.stringContaining("is neither an absolute http(s) URL nor a Platform API path (/api/v2/…)"),
        }),
      );
    },
  );
});

describe("stoppedTest", () => {
  const request = { method: "GET" as const, url: "https://api.example.com/a", headers: {} };

  it("fails the step the test was in: resolving, waiting for the upstream, or rendering", () => {
    expect(stoppedTest({}, "E_TIMEOUT", "did not finish within 10 ms").steps).toEqual([
      {
        step: "resolve-request",
        ok: false,
        error: { code: "E_TIMEOUT", message: expect.stringMatching(/^resolving the request did not finish within 10 ms: a regular expression/) },
      },
    ]);
    expect(stoppedTest({ request }, "E_TIMEOUT", "did not finish within 10 ms").steps.map((step) => [step.step, step.ok])).toEqual([
      ["resolve-request", true],
      ["upstream", false],
    ]);
    const rendering = stoppedTest({ request, reply: { status: 200, headers: {}, body: '{"a":1}' } }, "E_MEMORY", "needed more than 256 MB");
    expect(rendering).toMatchObject({ ok: false, error: { code: "E_MEMORY" } });
    expect(rendering.steps.map((step) => [step.step, step.ok])).toEqual([
      ["resolve-request", true],
      ["upstream", true],
      ["success-template", false],
    ]);
    expect(rendering.steps[1]!.result).toEqual({ status: 200, headers: {}, body: { a: 1 } });
  });
});
