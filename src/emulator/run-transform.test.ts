// Unit tests of the emulator's transform runner: outputs, throws, frozen input, blocked imports and time limits.
import { describe, expect, it } from "vitest";
import { runTransformSource } from "./run-transform.js";

const run = { actionId: "da-1", env: "sandbox", nowMs: Date.parse("2026-11-20T10:00:00Z") };

describe("runTransformSource", () => {
  it("runs the default export with the trigger and ctx", async () => {
    const source = `export default function transform(trigger, ctx) {
      ctx.log("hello", ctx.actionId);
      return { id: trigger.id, env: ctx.env, at: ctx.now().toISOString(), vars: ctx.vars };
    }`;
    await expect(runTransformSource(source, { id: 7 }, run)).resolves.toEqual({
      ok: true,
      output: { id: 7, env: "sandbox", at: "2026-11-20T10:00:00.000Z", vars: {} },
      logs: ["hello da-1"],
    });
  });

  it("awaits an async transform", async () => {
    const result = await runTransformSource("export default async (t) => { await null; return t.n * 2; }", { n: 21 }, run);
    expect(result).toMatchObject({ ok: true, output: 42 });
  });

  it("reports a throw as E_TRANSFORM with its message", async () => {
    const result = await runTransformSource('export default () => { throw new TypeError("boom"); }', {}, run);
    expect(result).toMatchObject({ ok: false, code: "E_TRANSFORM", message: "boom" });
  });

  it("freezes the trigger", async () => {
    const result = await runTransformSource('"use strict"; export default (t) => { t.x = 1; return t; }', {}, run);
    expect(result).toMatchObject({ ok: false, code: "E_TRANSFORM", message: expect.stringMatching(/read only|not extensible/) });
  });

  it("refuses imports", async () => {
    const result = await runTransformSource(
      'import { readFileSync } from "node:fs"; export default () => readFileSync("/etc/hostname", "utf8");',
      {},
      run,
    );
    expect(result).toMatchObject({ ok: false, code: "E_TRANSFORM", message: expect.stringContaining('cannot import "node:fs"') });
  });

  it("has no process, timers or fetch", async () => {
    const result = await runTransformSource("export default () => [typeof process, typeof setTimeout, typeof fetch]", {}, run);
    expect(result).toMatchObject({ ok: true, output: ["undefined", "undefined", "undefined"] });
  });

  it("stops an endless loop with E_TIMEOUT", async () => {
    const result = await runTransformSource("export default () => { for (;;) {} }", {}, run, { timeoutMs: 100 });
    expect(result).toMatchObject({ ok: false, code: "E_TIMEOUT" });
  });

  it("stops an endless promise chain with E_TIMEOUT", async () => {
    const result = await runTransformSource("export default async () => { for (;;) { await null; } }", {}, run, { timeoutMs: 100 });
    expect(result).toMatchObject({ ok: false, code: "E_TIMEOUT" });
  });

  it("says when there is no default export", async () => {
    const result = await runTransformSource("export const x = 1;", {}, run);
    expect(result).toMatchObject({ ok: false, code: "E_TRANSFORM", message: expect.stringContaining("no default export") });
  });

  it("refuses a 100 MB output with E_OUTPUT without serialising it", async () => {
    const result = await runTransformSource("export default () => ({ blob: 'x'.repeat(100 * 1024 * 1024) })", {}, run, { timeoutMs: 5000 });
    expect(result).toMatchObject({ ok: false, code: "E_OUTPUT", message: expect.stringContaining("32768 bytes") });
  });

  it("refuses an output over the cap in bytes of UTF-8 even when its characters are fewer", async () => {
    const result = await runTransformSource("export default () => ({ text: 'é'.repeat(20000) })", {}, run);
    expect(result).toMatchObject({ ok: false, code: "E_OUTPUT" });
  });

  it("ends a case that logs a 50 MB line with E_LOG, and keeps what it logged before", async () => {
    const result = await runTransformSource(
      "export default () => { console.log('before'); console.log('y'.repeat(50 * 1024 * 1024)); return {}; }",
      {},
      run,
      { timeoutMs: 5000 },
    );
    expect(result).toMatchObject({ ok: false, code: "E_LOG", logs: ["before"] });
  });

  it("cuts an error message of 50 MB to the log limit", async () => {
    const result = await runTransformSource("export default () => { throw new Error('z'.repeat(50 * 1024 * 1024)); }", {}, run, { timeoutMs: 5000 });
    expect(result.ok).toBe(false);
    expect(!result.ok && result.message.length).toBeLessThan(70_000);
    expect(!result.ok && result.message).toMatch(/more characters cut/);
  });
});
