import { describe, expect, it } from "vitest";
import { availableParallelism } from "node:os";
import { resolve } from "node:path";
import { batchSize, processCpuMicros, processPeakRss, resolveWorkerPoolOptions } from "./worker-pool.js";

describe("resolveWorkerPoolOptions", () => {
  it("applies every default", () => {
    expect(resolveWorkerPoolOptions()).toEqual({
      workers: availableParallelism(),
      timeoutMs: 2000,
      loadTimeoutMs: 10_000,
      maxOutputBytes: 32_768,
      maxLogBytes: 65_536,
      memoryMb: 256,
      allowNetwork: false,
      allowFsWrite: false,
      readPaths: [resolve(".cxda", "build")],
      inspector: false,
    });
  });

  it.each<[string, Parameters<typeof resolveWorkerPoolOptions>[0], RegExp]>([
    ["no workers", { workers: 0 }, /workers must be an integer >= 1, got 0/],
    ["a fractional timeout", { timeoutMs: 1.5 }, /timeoutMs must be an integer >= 1, got 1.5/],
    ["a timeout past ten minutes", { timeoutMs: 600_001 }, /timeoutMs must be at most 600000/],
    ["a memory limit too small to start", { memoryMb: 1 }, /memoryMb must be an integer >= /],
    ["a log limit under 64 bytes", { maxLogBytes: 10 }, /maxLogBytes must be an integer >= 64/],
  ])("refuses %s", (_name, options, message) => {
    expect(() => resolveWorkerPoolOptions(options)).toThrow(message);
  });
});

describe("batchSize", () => {
  it("cuts untimed cases into at least four batches per worker, at most 256 each", () => {
    expect(batchSize(13, 1, undefined, false)).toBe(4);
    expect(batchSize(10_000, 2, undefined, false)).toBe(256);
  });

  it("gives each worker one batch of a measured submission (each measured batch starts the profiler)", () => {
    expect(batchSize(6, 2, undefined, true)).toBe(3);
  });

  it("sizes timed cases to about 20 ms a batch, between 1 and 1024", () => {
    expect(batchSize(100_000, 1, 0.005, false)).toBe(1024);
    expect(batchSize(100_000, 1, 0.1, false)).toBe(200);
    expect(batchSize(100_000, 1, 50, false)).toBe(1);
  });

  it("never splits by a duration that is not a time (regression: a NaN average hung the run)", () => {
    expect(batchSize(1000, 1, Number.NaN, false)).toBe(250);
    expect(batchSize(1000, 1, Infinity, false)).toBe(250);
  });
});

describe("reading /proc", () => {
  it.skipIf(process.platform !== "linux")("reads a live process's CPU time and peak resident size", () => {
    expect(processCpuMicros(process.pid)).toBeGreaterThan(0);
    expect(processPeakRss(process.pid)).toBeGreaterThan(10 * 1024 * 1024);
  });

  it("answers undefined for a process that is not there", () => {
    expect(processCpuMicros(undefined)).toBeUndefined();
    expect(processPeakRss(2 ** 30)).toBeUndefined();
  });
});
