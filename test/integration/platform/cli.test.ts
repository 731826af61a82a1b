// `cxda pull` and `cxda emulator` as commands: waits on Retry-After (on a fake clock), output, exit codes, and no secret anywhere.
import { readdir, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { inspect } from "node:util";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { runEmulatorCommand } from "../../../src/cli/commands/emulator.js";
import { runPullCommand } from "../../../src/cli/commands/pull.js";
import { startEmulator, type Emulator } from "../../../src/emulator/emulator.js";
import { fakeTimeouts } from "../../helpers/fake-timeouts.js";
import { ACTION_ID, captureTerminal, referenceDefinition, tempDir } from "./helpers.js";

let emulator: Emulator;
let dir: string;
let cleanup: () => Promise<void>;
beforeEach(async () => {
  ({ dir, remove: cleanup } = await tempDir());
  emulator = await startEmulator({ definitions: { [ACTION_ID]: await referenceDefinition() } });
});
afterEach(async () => {
  await emulator.close();
  await cleanup();
});

describe("cxda pull", () => {
  it("tries once with --retry-attempts 1, and as often as the config's retry.maxAttempts says without it", async () => {
    emulator.setFaults([{ route: "get-data-action", status: 503, count: 2 }]);
    const gets = (): number[] => emulator.requests.filter((r) => r.route === "get-data-action").map((r) => r.status);
    const config = { platform: {}, cacheDir: join(dir, "cache"), retry: { maxAttempts: 3, maxDelayMs: 0 } };
    const once = await runPullCommand([ACTION_ID], { retryAttempts: 1 }, captureTerminal(), { env: emulator.env, cwd: dir, config });
    expect(once).toBe(3);
    expect(gets()).toEqual([503]);
    // One 503 is left: the config's three attempts (no wait between them, maxDelayMs 0) get past it.
    expect(await runPullCommand([ACTION_ID], {}, captureTerminal(), { env: emulator.env, cwd: dir, config })).toBe(0);
    expect(gets()).toEqual([503, 503, 200]);
    expect(await readdir(join(dir, "cache"))).toContain(`${ACTION_ID}.json`);
  });

  it("succeeds on the third try after two 429s with Retry-After: 1, waiting 1 s before each retry", async () => {
    emulator.setFaults([{ route: "get-data-action", status: 429, retryAfter: 1, count: 2 }]);
    const gets = (): number[] => emulator.requests.filter((r) => r.route === "get-data-action").map((r) => r.status);
    const terminal = captureTerminal();
    // The command waits with setTimeout on this thread: a fake clock gives it its seconds, and the test moves on when
    // the command sets its 1 s timer, not after 2 s of wall clock.
    const clock = fakeTimeouts();
    let code: number;
    try {
      const pulling = runPullCommand([ACTION_ID], {}, terminal, { env: emulator.env, cwd: dir });
      const ended = pulling.then(() => "the command ended without waiting");
      for (const retry of [1, 2]) {
        expect(await Promise.race([clock.set(1000).then(() => "waiting 1000 ms"), ended])).toBe("waiting 1000 ms");
        // No retry while the clock stands still: the command is in its wait after the 429.
        expect(gets()).toEqual(Array<number>(retry).fill(429));
        await clock.advance(1000);
      }
      code = await pulling;
    } finally {
      clock.restore();
    }
    expect(code).toBe(0);
    expect(gets()).toEqual([429, 429, 200]);
    expect(terminal.lines.join("\n")).toMatch(/✓ da-test-12345 v3 etag "[0-9a-f]+": pulled → .cxda\/cache\/da-test-12345.json/);
  });

  it("takes ids from CXONE_DATA_ACTION_ID and reports a current copy as not modified, in JSON", async () => {
    const env = { ...emulator.env, CXONE_DATA_ACTION_ID: ACTION_ID };
    await runPullCommand([], {}, captureTerminal(), { env, cwd: dir });
    const terminal = captureTerminal();
    expect(await runPullCommand([], { json: true, cacheDir: "cache-here" }, terminal, { env, cwd: dir })).toBe(0);
    const first = JSON.parse(terminal.lines.join("\n")) as { pulled: Array<Record<string, unknown>> };
    expect(first.pulled).toEqual([
      expect.objectContaining({ id: ACTION_ID, status: "fetched", fromCache: false, file: join(dir, "cache-here", `${ACTION_ID}.json`) }),
    ]);
    const again = captureTerminal();
    await runPullCommand([], { json: true, cacheDir: "cache-here" }, again, { env, cwd: dir });
    expect(JSON.parse(again.lines.join("\n"))).toMatchObject({ pulled: [{ status: "not-modified", fromCache: true, version: 3 }], errors: [] });
  });

  it("takes --api-url and --token-url over the environment", async () => {
    const env = {
      CXONE_CLIENT_ID: emulator.credentials.clientId,
      CXONE_CLIENT_SECRET: emulator.credentials.clientSecret,
      CXONE_ENVIRONMENT: "api-us-1.cxone.com",
    };
    const code = await runPullCommand([ACTION_ID], { apiUrl: emulator.apiUrl, tokenUrl: emulator.tokenUrl }, captureTerminal(), { env, cwd: dir });
    expect(code).toBe(0);
  });

  it("exits 3 for a platform error and 2 for missing credentials or ids", async () => {
    expect(await runPullCommand(["da-missing"], {}, captureTerminal(), { env: emulator.env, cwd: dir })).toBe(3);
    await expect(runPullCommand([ACTION_ID], {}, captureTerminal(), { env: {}, cwd: dir })).rejects.toMatchObject({ code: "E_CONFIG" });
    await expect(runPullCommand([], {}, captureTerminal(), { env: emulator.env, cwd: dir })).rejects.toMatchObject({ code: "E_USAGE" });
  });
});

describe("cxda pull of a definition whose id is not the id requested", () => {
  it("exits 3 with E_HTTP naming both ids, writes nothing, and still pulls the other ids", async () => {
    emulator.setDefinition("da-requested", { ...(await referenceDefinition()), id: "da-someone-else" });
    const terminal = captureTerminal();
    expect(await runPullCommand(["da-requested", ACTION_ID], {}, terminal, { env: emulator.env, cwd: dir })).toBe(3);
    const output = terminal.lines.join("\n");
    expect(output).toMatch(
      /✗ da-requested: E_HTTP GET \S+\/data-actions\/da-requested: the platform answered with data action "da-someone-else", not the "da-requested" requested; nothing was written to the cache/,
    );
    expect(output).toMatch(/✓ da-test-12345 v3/);
    expect(await readdir(join(dir, ".cxda/cache"))).toEqual([`${ACTION_ID}.json`]);
  });
});

describe("secrets", () => {
  it("never show the client secret, the access key secret or a token in output, errors or the request log", async () => {
    const secrets = new Set([emulator.credentials.clientSecret, emulator.credentials.accessKeySecret, "wrong-secret-value-42"]);
    // Record every token the platform hands out, and every Authorization header sent.
    const recordingFetch: typeof fetch = async (input, init) => {
      const headers = new Headers(init?.headers);
      const authorization = headers.get("authorization");
      if (authorization !== null) secrets.add(authorization.replace(/^(Bearer|Basic)\s+/i, ""));
      const response = await fetch(input, init);
      const text = await response.clone().text();
      for (const match of text.matchAll(/"(access_token|refresh_token)":"([^"]+)"/g)) if (match[2] !== undefined) secrets.add(match[2]);
      return response;
    };
    const produced: string[] = [];
    const run = async (ids: string[], env: Record<string, string>, json = false): Promise<number> => {
      const terminal = captureTerminal();
      try {
        return await runPullCommand(ids, { json }, terminal, { env, cwd: dir, client: { fetch: recordingFetch } });
      } catch (error) {
        // What the CLI would print with --debug, and more: the whole error object, its cause chain and context.
        produced.push(String(error), inspect(error, { depth: 20 }), JSON.stringify(error));
        return -1;
      } finally {
        produced.push(...terminal.lines);
      }
    };

    expect(await run([ACTION_ID], emulator.env)).toBe(0); // passing, client credentials
    expect(await run([ACTION_ID], emulator.accessKeyEnv, true)).toBe(0); // passing, access key, JSON
    expect(await run(["da-missing"], emulator.env)).toBe(3); // 404
    emulator.setFaults([{ route: "get-data-action", status: 401 }]);
    expect(await run([ACTION_ID], emulator.env, true)).toBe(3); // 401 twice
    emulator.clearFaults();
    expect(await run([ACTION_ID], { ...emulator.env, CXONE_CLIENT_SECRET: "wrong-secret-value-42" })).toBe(3); // token refused
    expect(await run([ACTION_ID], { ...emulator.accessKeyEnv, CXONE_ACCESS_KEY_SECRET: "wrong-secret-value-42" })).toBe(3);
    produced.push(JSON.stringify(emulator.requests));

    const tokens = [...secrets].filter((s) => s.startsWith("emu_at_"));
    expect(tokens.length).toBeGreaterThan(2);
    expect(produced.join("\n")).toMatch(/E_AUTH/);
    const everything = produced.join("\n");
    for (const secret of secrets) expect(everything).not.toContain(secret);
  });
});

describe("cxda emulator", () => {
  it("prints its URL and credentials, serves a folder with faults from a file, and stops on abort", async () => {
    await writeFile(join(dir, `${ACTION_ID}.json`), JSON.stringify(await referenceDefinition()));
    await writeFile(join(dir, "faults.json"), JSON.stringify({ faults: [{ route: "token", status: 503, count: 1 }] }));
    const terminal = captureTerminal();
    const stop = new AbortController();
    const running = runEmulatorCommand({ definitions: dir, faults: join(dir, "faults.json"), json: true }, terminal, stop.signal);
    await expect.poll(() => terminal.lines.length).toBeGreaterThan(0);
    const ready = JSON.parse(terminal.lines[0] ?? "{}") as { url: string; env: Record<string, string> };
    expect(ready.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);

    const pulled = captureTerminal();
    expect(await runPullCommand([ACTION_ID], {}, pulled, { env: ready.env, cwd: dir })).toBe(0);
    const requests = terminal.lines.slice(1).map((line) => (JSON.parse(line) as { request: { route: string; status: number } }).request);
    expect(requests.map((r) => `${r.route}:${r.status}`)).toEqual(["token:503", "token:200", "get-data-action:200"]);

    stop.abort();
    expect(await running).toBe(0);
    await expect(fetch(`${ready.url}/.well-known/openid-configuration`)).rejects.toThrow();
  });

  it("prints the environment to use in plain text", async () => {
    const terminal = captureTerminal();
    const stop = new AbortController();
    stop.abort();
    await runEmulatorCommand({ quiet: true }, terminal, stop.signal);
    const text = terminal.lines.join("\n");
    expect(text).toMatch(/cxda emulator listening on http:\/\/127\.0\.0\.1:\d+/);
    expect(text).toMatch(/CXONE_API_URL=http:\/\/127\.0\.0\.1:\d+\/api\/v2/);
    expect(text).toMatch(/CXONE_CLIENT_SECRET=emu-cs-/);
    expect(text).toMatch(/CXONE_TENANT_ID=emulator-tenant/);
  });
});
