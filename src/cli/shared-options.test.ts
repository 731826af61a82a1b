// Unit tests of the shared run flags: --timeout and --memory take whole numbers within their range, and say the range.
import { Command } from "commander";
import { describe, expect, it } from "vitest";
import { MAX_MEMORY_MB, MAX_TIMEOUT_MS, MIN_MEMORY_MB } from "../config/run-limits.js";
import { addRunOptions, integerFlag, type RunFlags } from "./shared-options.js";

function parse(args: string[]): RunFlags | unknown {
  const program = addRunOptions(new Command().exitOverride());
  try {
    program.parse(["node", "cxda", ...args]);
  } catch (error) {
    return error;
  }
  return program.opts<RunFlags>();
}

describe("the shared run flags", () => {
  it("accept --timeout up to ten minutes and --memory from 16 MB to 32 GB", () => {
    expect(parse(["--timeout", String(MAX_TIMEOUT_MS), "--memory", String(MAX_MEMORY_MB)])).toMatchObject({ timeout: 600_000, memory: 32_768 });
    expect(parse(["--timeout", "1", "--memory", String(MIN_MEMORY_MB)])).toMatchObject({ timeout: 1, memory: 16 });
  });

  it.each([
    [["--timeout", "600001"], '--timeout must be a whole number from 1 to 600000, got "600001"'],
    [["--timeout", "1e12"], '--timeout must be a whole number from 1 to 600000, got "1e12"'],
    [["--timeout", "0"], '--timeout must be a whole number from 1 to 600000, got "0"'],
    [["--memory", "32769"], '--memory must be a whole number from 16 to 32768, got "32769"'],
    [["--memory", "15"], '--memory must be a whole number from 16 to 32768, got "15"'],
  ])("refuse %j as a usage error saying the range", (args, message) => {
    expect(parse(args)).toMatchObject({ name: "CxdaError", code: "E_USAGE", message });
  });

  it("keeps a flag without a maximum open-ended", () => {
    expect(integerFlag("--workers")("512")).toBe(512);
    expect(() => integerFlag("--workers")("0")).toThrow('--workers must be a whole number >= 1, got "0"');
  });
});
