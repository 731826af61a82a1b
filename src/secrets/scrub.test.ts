// Unit tests of scrubbing: the secret values of a case's trigger and vars taken out of its logs, failures and errors.
import { describe, expect, it } from "vitest";
import { scrub, scrubError, scrubFailures, secretValues } from "./scrub.js";

describe("secretValues", () => {
  it("finds the strings under secret-looking keys of the trigger and vars, at any depth and below a secret key", () => {
    const trigger = { contact: { apiToken: "t-1234", name: "Ada" }, credentials: { user: "u-5678", ids: ["id-0001"] } };
    expect(secretValues(trigger, { password: "pw-9999", region: "eu" })).toEqual(["t-1234", "u-5678", "id-0001", "pw-9999"]);
  });

  it("leaves out values shorter than 4 characters and values that are not strings", () => {
    expect(secretValues({ token: "abc", apiKey: 12345, secret: null }, undefined)).toEqual([]);
  });
});

describe("scrub", () => {
  it("replaces every occurrence of each value", () => {
    expect(scrub("t-1234 then t-1234 and pw-9999", ["t-1234", "pw-9999"])).toBe("[redacted] then [redacted] and [redacted]");
  });

  it("scrubs failure messages and string actual values, and returns the same failures when there is nothing to scrub", () => {
    const failures = [{ expectation: "throws" as const, message: 'expected a throw, got "bad t-1234"', actual: "bad t-1234" }];
    expect(scrubFailures(failures, ["t-1234"])).toEqual([
      { expectation: "throws", message: 'expected a throw, got "bad [redacted]"', actual: "bad [redacted]" },
    ]);
    expect(scrubFailures(failures, [])).toBe(failures);
  });

  it("scrubs an error's message and stack", () => {
    expect(scrubError({ code: "E_TRANSFORM", message: "bad t-1234", stack: "Error: bad t-1234\n    at x" }, ["t-1234"])).toEqual({
      code: "E_TRANSFORM",
      message: "bad [redacted]",
      stack: "Error: bad [redacted]\n    at x",
    });
  });
});
