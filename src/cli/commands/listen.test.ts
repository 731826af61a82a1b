import { join, resolve } from "node:path";
import { Command } from "commander";
import { describe, expect, it } from "vitest";
import { hasErrorCode } from "../../core/errors.js";
import type { Terminal } from "../terminal.js";
import { registerListenCommand, runListenCommand, type ListenFlags } from "./listen.js";

const EXAMPLE = resolve(import.meta.dirname, "..", "..", "..", "examples", "billing-callback");

function flags(overrides: Partial<ListenFlags> = {}): ListenFlags {
  return { port: 0, host: "127.0.0.1", bodyLimit: 32_768, var: [], env: "sandbox", timeout: 2000, memory: 256, workers: 1, ...overrides };
}

/** A terminal that hands over the listener's URL as soon as it is printed. */
function watchingTerminal(): { terminal: Terminal; lines: string[]; url: Promise<string> } {
  const lines: string[] = [];
  let found: (url: string) => void = () => {};
  const url = new Promise<string>((resolveUrl) => (found = resolveUrl));
  const terminal: Terminal = {
    color: false,
    out: (line = "") => {
      lines.push(line);
      const match = /^cxda listen: (http:\/\/\S+)$/.exec(line);
      if (match?.[1] !== undefined) found(match[1]);
    },
    err: (line = "") => void lines.push(line),
  };
  return { terminal, lines, url };
}

describe("cxda listen", () => {
  it("prints its URL and actions, logs each request, and stops cleanly when told to", async () => {
    let stop: () => void = () => {};
    const stopped = new Promise<void>((resolveStop) => (stop = resolveStop));
    const { terminal, lines, url } = watchingTerminal();
    const running = runListenCommand([EXAMPLE], flags({ env: "sandbox" }), terminal, stopped);
    const origin = await url;
    expect(lines).toContain(
      `  POST ${origin}/api/v2/data-actions/da-test-12345/execute  Billing callback record, ${join("examples", "billing-callback")}`,
    );
    // A malformed body is answered before any transform is built or run.
    const response = await fetch(`${origin}/api/v2/data-actions/da-test-12345/execute`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: "{",
    });
    expect(response.status).toBe(400);
    expect(lines.at(-1)).toMatch(
      /^POST \/api\/v2\/data-actions\/da-test-12345\/execute 400 da-test-12345 \([\d.]+ ms\) bad_request: request body:1:2: malformed JSON/,
    );
    stop();
    expect(await running).toBe(0);
    await expect(fetch(`${origin}/healthz`)).rejects.toThrow();
  });

  it("rejects a port outside 0–65535 and a host that is not loopback as usage errors", async () => {
    const program = new Command().exitOverride();
    registerListenCommand(program, () => {});
    await expect(program.parseAsync(["node", "cxda", "listen", EXAMPLE, "--port", "70000"])).rejects.toSatisfy((error: unknown) =>
      hasErrorCode(error, "E_USAGE"),
    );
    const { terminal } = watchingTerminal();
    await expect(runListenCommand([EXAMPLE], flags({ host: "0.0.0.0" }), terminal, Promise.resolve())).rejects.toSatisfy((error: unknown) =>
      hasErrorCode(error, "E_USAGE"),
    );
  });
});
