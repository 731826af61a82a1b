import { afterEach, describe, expect, it } from "vitest";
import { isCxdaError } from "../core/errors.js";
import { changedIntrinsic, recordIntrinsics, restoreIntrinsics, sandboxError, SandboxError } from "./runtime-guards.js";

// These tests change the built-ins of the thread they run in, and put them back before each ends.
describe("the built-ins record", () => {
  afterEach(() => {
    expect(restoreIntrinsics()).toBe(true);
  });

  it("finds nothing changed right after recording", () => {
    recordIntrinsics();
    expect(changedIntrinsic()).toBeUndefined();
  });

  it("names a replaced method, and puts it back", () => {
    recordIntrinsics();
    const max = Math.max;
    Math.max = () => 0;
    expect(changedIntrinsic()).toBe("Math.max");
    expect(restoreIntrinsics()).toBe(true);
    expect(Math.max).toBe(max);
  });

  it("names a key added to Object.prototype, even a non-enumerable one, and removes it", () => {
    recordIntrinsics();
    Object.defineProperty(Object.prototype, "polluted", { value: true, configurable: true });
    expect(changedIntrinsic()).toBe("Object.prototype.polluted");
    expect(restoreIntrinsics()).toBe(true);
    expect(Object.hasOwn(Object.prototype, "polluted")).toBe(false);
  });

  it("names a global variable a transform left behind", () => {
    recordIntrinsics();
    (globalThis as Record<string, unknown>).cache = {};
    expect(changedIntrinsic()).toBe("globalThis.cache");
  });

  it("names performance.now replaced on the performance object (regression: it poisoned the harness's timings)", () => {
    recordIntrinsics();
    Object.defineProperty(performance, "now", { value: () => Number.NaN, configurable: true, writable: true });
    expect(changedIntrinsic()).toBe("performance.now");
  });

  it("takes a key deleted and put back with its value for the same shape", () => {
    recordIntrinsics();
    const value = (globalThis as Record<string, unknown>).escape;
    delete (globalThis as Record<string, unknown>).escape;
    (globalThis as Record<string, unknown>).escape = value;
    expect(changedIntrinsic()).toBeUndefined();
  });
});

describe("sandboxError", () => {
  it("is an E_SANDBOX error that says what was blocked and why", () => {
    const error = sandboxError("fetch", "network access is refused");
    expect(error).toBeInstanceOf(Error);
    expect((error as Error & { code?: string }).code).toBe("E_SANDBOX");
    expect(error.message).toBe("fetch is blocked inside a transform: network access is refused");
  });

  it("is a real CxdaError, recognised by name and code", () => {
    const error = sandboxError("net.connect", "network access is refused");
    expect(error).toBeInstanceOf(SandboxError);
    expect(error.name).toBe("CxdaError");
    expect(isCxdaError(error)).toBe(true);
  });
});
