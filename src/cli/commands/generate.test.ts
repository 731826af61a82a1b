import { join, resolve } from "node:path";
import { Command } from "commander";
import { describe, expect, it } from "vitest";
import { hasErrorCode } from "../../core/errors.js";
import type { Terminal } from "../terminal.js";
import { MAX_GENERATED } from "../../payloads/generate-limits.js";
import { registerGenerateCommand, runGenerateCommand } from "./generate.js";
import { registerTestCommand } from "./test.js";

const EXAMPLE = resolve(import.meta.dirname, "..", "..", "..", "examples", "billing-callback");

function recorder(): Terminal & { lines: string[]; text(): string } {
  const lines: string[] = [];
  return {
    lines,
    color: false,
    out: (line = "") => void lines.push(line),
    err: (line = "") => void lines.push(`ERR ${line}`),
    text: () => lines.join("\n"),
  };
}

describe("cxda generate", () => {
  it("prints one JSON array of five payloads by default, the same for the same seed", async () => {
    const first = recorder();
    expect(await runGenerateCommand(EXAMPLE, { seed: "cxda", json: true }, first)).toBe(0);
    const payloads = JSON.parse(first.text()) as Array<Record<string, unknown>>;
    expect(payloads).toHaveLength(5);
    expect(payloads[0]).toMatchObject({ dataActionId: "da-test-12345", interaction: expect.any(Object), contact: expect.any(Object) });
    const again = recorder();
    await runGenerateCommand(EXAMPLE, { seed: "cxda", json: true }, again);
    expect(again.text()).toBe(first.text());
    const other = recorder();
    await runGenerateCommand(EXAMPLE, { seed: "other", json: true, count: 5 }, other);
    expect(other.text()).not.toBe(first.text());
  });

  it("prints { rule, path, payload } objects with --invalid --json", async () => {
    const terminal = recorder();
    await runGenerateCommand(EXAMPLE, { seed: "cxda", json: true, invalid: true, count: 4 }, terminal);
    const mutations = JSON.parse(terminal.text()) as Array<Record<string, unknown>>;
    expect(mutations).toHaveLength(4);
    for (const mutation of mutations) {
      expect(Object.keys(mutation)).toEqual(["rule", "path", "payload"]);
      expect(mutation.path === "" || String(mutation.path).startsWith("/")).toBe(true);
    }
  });

  it("lists labelled payloads without --json", async () => {
    const terminal = recorder();
    await runGenerateCommand(EXAMPLE, { seed: "cxda", count: 2 }, terminal);
    expect(terminal.lines[0]).toBe('da-test-12345: 2 valid payloads from the input schema (seed "cxda")');
    expect(terminal.lines).toContain("valid #1");
    expect(terminal.lines).toContain("valid #2");
    expect(terminal.text()).toMatch(/^ {4}"triggerId": "tr-\d{6}",$/m);

    const boundary = recorder();
    await runGenerateCommand(EXAMPLE, { seed: "cxda", boundary: true }, boundary);
    expect(boundary.lines).toContain("/environment absent (optional)");

    const invalid = recorder();
    await runGenerateCommand(EXAMPLE, { seed: "cxda", invalid: true }, invalid);
    expect(invalid.text()).toMatch(/^✗ required +\/interaction is missing \(required\)$/m);
  });

  it("refuses --invalid with --boundary, and a folder without a definition, as usage errors", async () => {
    const both = runGenerateCommand(EXAMPLE, { seed: "cxda", invalid: true, boundary: true }, recorder());
    await expect(both).rejects.toSatisfy((error: unknown) => hasErrorCode(error, "E_USAGE"));
    const missing = runGenerateCommand(join(EXAMPLE, "cases"), { seed: "cxda" }, recorder());
    await expect(missing).rejects.toSatisfy((error: unknown) => hasErrorCode(error, "E_DEFINITION"));
  });

  it("takes the same upper bound for cxda test --generate as for cxda generate -n, and says the range", async () => {
    const parse = async (args: string[]): Promise<unknown> => {
      const program = new Command().exitOverride();
      registerGenerateCommand(program, () => {});
      registerTestCommand(program, () => {});
      return program.parseAsync(["node", "cxda", ...args]).then(
        () => undefined,
        (error: unknown) => error,
      );
    };
    const over = String(MAX_GENERATED + 1);
    expect(await parse(["generate", EXAMPLE, "-n", over])).toMatchObject({
      code: "E_USAGE",
      message: `-n must be a whole number from 1 to ${MAX_GENERATED}, got "${over}"`,
    });
    // A folder that does not exist: should the flag pass, the run stops at once instead of generating 100,001 cases.
    expect(await parse(["test", "no-such-folder", "--generate", over])).toMatchObject({
      code: "E_USAGE",
      message: `--generate must be a whole number from 0 to ${MAX_GENERATED}, got "${over}"`,
    });
    expect(await parse(["test", "no-such-folder", "--generate", "1e9"])).toMatchObject({
      code: "E_USAGE",
      message: expect.stringContaining("--generate must be"),
    });
    expect(MAX_GENERATED).toBe(100_000);
  });

  it("rejects a count that is not a positive whole number while parsing the flags", async () => {
    const program = new Command().exitOverride();
    let exit: number | undefined;
    registerGenerateCommand(program, (code) => (exit = code));
    const parsing = program.parseAsync(["node", "cxda", "generate", EXAMPLE, "-n", "0"]);
    await expect(parsing).rejects.toSatisfy((error: unknown) => hasErrorCode(error, "E_USAGE"));
    expect(exit).toBeUndefined();
  });
});
