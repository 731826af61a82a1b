// The API client under network faults: connections cut mid-body, slow token endpoints, a 10-minute Retry-After, 429 storms.
import { readFile } from "node:fs/promises";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { createApiClient, type ApiClient } from "../../../src/client/api-client.js";
import { createDefinitionsCache } from "../../../src/definitions/definitions-cache.js";
import { pullDefinition } from "../../../src/definitions/resolve-definition.js";
import { startEmulator, type Emulator } from "../../../src/emulator/emulator.js";
import { fakeTimeouts } from "../../helpers/fake-timeouts.js";
import { cxda } from "../../helpers/run-cli.js";
import { EXAMPLE_DIR } from "../../helpers/temp-project.js";
import { jsonResponse, startRawServer, type RawExchange, type RawServer } from "./raw-server.js";
import { createTempDir, seededRandom, type TempDir } from "./temp-dir.js";

const ACTION_ID = "da-test-12345";
const definitionText = (): Promise<string> => readFile(join(EXAMPLE_DIR, "definition.json"), "utf8");

/** Waits that are recorded, never slept. */
function fakeSleeps(): { sleeps: number[]; sleep: (ms: number) => Promise<void> } {
  const sleeps: number[] = [];
  return { sleeps, sleep: async (ms) => void sleeps.push(ms) };
}

/** Ways a server can break an answer after it has started (or before). */
const CUTS: Record<string, (exchange: RawExchange, body: string) => void> = {
  "closed mid-body (Content-Length not reached)": ({ socket }, body) => {
    socket.write(
      `HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ncontent-length: ${Buffer.byteLength(body)}\r\n\r\n${body.slice(0, body.length >> 1)}`,
      () => socket.end(),
    );
  },
  "closed mid-chunk (chunked encoding)": ({ socket }, body) => {
    const half = body.slice(0, body.length >> 1);
    socket.write(
      `HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ntransfer-encoding: chunked\r\n\r\n${Buffer.byteLength(body).toString(16)}\r\n${half}`,
      () => socket.end(),
    );
  },
  "reset mid-body (RST)": ({ socket }, body) => {
    socket.write(`HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ncontent-length: ${Buffer.byteLength(body)}\r\n\r\n${body.slice(0, 100)}`, () =>
      socket.resetAndDestroy(),
    );
  },
  "closed mid-headers": ({ socket }) => {
    socket.write("HTTP/1.1 200 OK\r\ncontent-type: appl", () => socket.end());
  },
  "closed before answering": ({ socket }) => socket.end(),
  "reset before answering": ({ socket }) => socket.resetAndDestroy(),
  "not HTTP at all": ({ socket }) => socket.end("SSH-2.0-OpenSSH_9.6\r\n\r\n"),
};

/** A raw platform: tokens are granted; a data-action GET is cut with `cut` for the first `failures` requests, then served. */
async function rawPlatform(
  cut: (exchange: RawExchange, body: string) => void,
  failures: number,
): Promise<{ server: RawServer; client: (retry?: object) => ApiClient; gets: () => number }> {
  const body = await definitionText();
  let gets = 0;
  const server = await startRawServer((exchange) => {
    if (exchange.head.startsWith("POST /api/v2/oauth/token"))
      return void exchange.socket.end(jsonResponse(200, { access_token: "raw-token-1234", expires_in: 3600 }));
    gets++;
    if (gets <= failures) return cut(exchange, body);
    exchange.socket.end(jsonResponse(200, JSON.parse(body), { etag: '"v3"' }));
  });
  const env = { CXONE_API_URL: `${server.url}/api/v2`, CXONE_CLIENT_ID: "raw-client", CXONE_CLIENT_SECRET: "raw-secret-5678" };
  return {
    server,
    client: (retry = {}) => createApiClient({ env, envFile: false, timeoutMs: 2_000, retry: { ...fakeSleeps(), ...retry } }),
    gets: () => gets,
  };
}

describe("a connection dropped mid-answer (raw TCP server)", () => {
  it.each(Object.keys(CUTS))("%s: is retried, and the next answer is used whole", async (name) => {
    const platform = await rawPlatform(CUTS[name] as (exchange: RawExchange, body: string) => void, 1);
    try {
      const got = await platform.client().getDataAction(ACTION_ID);
      expect(got).toMatchObject({ notModified: false, etag: '"v3"', version: 3, definition: { id: ACTION_ID } });
      expect(platform.gets()).toBe(2);
    } finally {
      await platform.server.close();
    }
  });

  it.each(Object.keys(CUTS))("%s, every time: E_NETWORK naming the URL and the attempts, within retry.maxAttempts", async (name) => {
    const platform = await rawPlatform(CUTS[name] as (exchange: RawExchange, body: string) => void, Number.POSITIVE_INFINITY);
    try {
      const error = await platform
        .client({ maxAttempts: 3 })
        .getDataAction(ACTION_ID)
        .catch((e: unknown) => e);
      expect(error).toMatchObject({
        name: "CxdaError",
        code: "E_NETWORK",
        message: expect.stringMatching(
          new RegExp(
            `^GET ${platform.server.url}/api/v2/data-actions/${ACTION_ID}: .+ \\(gave up after 3 attempts in .+; retry\\.maxAttempts is 3\\)$`,
          ),
        ),
        context: { method: "GET", url: `${platform.server.url}/api/v2/data-actions/${ACTION_ID}`, attempts: 3 },
      });
      expect((error as Error).message).toMatch(/connection (closed by the server|reset)|the answer is not valid HTTP/);
      expect(platform.gets()).toBe(3);
    } finally {
      await platform.server.close();
    }
  });

  it("a token answer cut mid-body is retried like any call", async () => {
    let tokens = 0;
    const body = await definitionText();
    const server = await startRawServer(({ head, socket }) => {
      if (head.startsWith("POST")) {
        tokens++;
        const grant = JSON.stringify({ access_token: "raw-token-1234", expires_in: 3600 });
        if (tokens === 1)
          return void socket.write(`HTTP/1.1 200 OK\r\ncontent-length: ${grant.length}\r\n\r\n${grant.slice(0, 10)}`, () => socket.end());
        return void socket.end(jsonResponse(200, JSON.parse(grant)));
      }
      socket.end(jsonResponse(200, JSON.parse(body)));
    });
    try {
      const env = { CXONE_API_URL: `${server.url}/api/v2`, CXONE_CLIENT_ID: "raw-client", CXONE_CLIENT_SECRET: "raw-secret-5678" };
      const got = await createApiClient({ env, envFile: false, retry: fakeSleeps() }).getDataAction(ACTION_ID);
      expect(got.notModified).toBe(false);
      expect(tokens).toBe(2);
    } finally {
      await server.close();
    }
  });
});

describe("a 429 whose Retry-After is negative or garbage (raw TCP server)", () => {
  const values = ["-5", "abc", "1e999", "foo 12"].map((value) => ({ label: value, value }));
  const odd = [...values, { label: "(empty)", value: "" }, { label: "of 400 digits", value: "9".repeat(400) }];
  it.each(odd)("Retry-After $label is ignored and the normal backoff applies", async ({ value }) => {
    const platform = await rawPlatform(({ socket }) => socket.end(jsonResponse(429, { message: "slow down" }, { "retry-after": value })), 2);
    const { sleeps, sleep } = fakeSleeps();
    try {
      const got = await platform.client({ sleep, random: () => 0.5 }).getDataAction(ACTION_ID);
      expect(got).toMatchObject({ notModified: false, definition: { id: ACTION_ID } });
      expect(platform.gets()).toBe(3);
      // Equal jitter at random 0.5: three quarters of each 250 ms doubling step.
      expect(sleeps).toEqual([188, 375]);
    } finally {
      await platform.server.close();
    }
  });
});

describe("against the emulator", () => {
  let emulator: Emulator;
  let temp: TempDir;
  beforeEach(async () => {
    temp = await createTempDir();
    emulator = await startEmulator({
      definitions: { [ACTION_ID]: JSON.parse(await definitionText()) as Record<string, unknown> },
      random: seededRandom(8),
    });
  });
  afterEach(async () => {
    await emulator.close();
    await temp.remove();
  });
  const routeCount = (route: string): number => emulator.requests.filter((r) => r.route === route).length;

  describe("a slow token endpoint", () => {
    it("slower than usual but within the timeout: the call succeeds, with one token request", async () => {
      emulator.setFaults([{ route: "token", latencyMs: 300 }]);
      // The emulator's latency is a setTimeout on this thread: it runs on a fake clock, and the client's own timeout (a
      // real AbortSignal.timeout of 10 s) keeps running on the wall clock.
      const clock = fakeTimeouts();
      try {
        const calling = createApiClient({ env: emulator.env, envFile: false, timeoutMs: 10_000, retry: fakeSleeps() }).getDataAction(ACTION_ID);
        const ended = calling.then(() => "the call ended before the token endpoint answered");
        expect(await Promise.race([clock.set(300).then(() => "token held 300 ms"), ended])).toBe("token held 300 ms");
        await clock.advance(300);
        const got = await calling;
        expect(got.notModified).toBe(false);
      } finally {
        clock.restore();
      }
      expect(routeCount("token")).toBe(1);
    });

    it("slow in access-key mode too (discovery, then the password grant): the call succeeds", async () => {
      emulator.setFaults([{ route: ["openid-configuration", "auth-token"], latencyMs: 150 }]);
      // Both slow answers are held on a fake clock (see above), one after the other.
      const clock = fakeTimeouts();
      try {
        const calling = createApiClient({ env: emulator.accessKeyEnv, envFile: false, timeoutMs: 10_000, retry: fakeSleeps() }).getDataAction(
          ACTION_ID,
        );
        const ended = calling.then(() => "the call ended before the slow answers");
        for (const _slow of ["openid-configuration", "auth-token"]) {
          expect(await Promise.race([clock.set(150).then(() => "held 150 ms"), ended])).toBe("held 150 ms");
          await clock.advance(150);
        }
        const got = await calling;
        expect(got.notModified).toBe(false);
      } finally {
        clock.restore();
      }
      expect(emulator.requests.map((r) => r.route)).toEqual(["cxone-configuration", "openid-configuration", "auth-token", "get-data-action"]);
    });

    it("slower than the timeout: E_NETWORK naming the token URL and the timeout, and the API is never called", async () => {
      emulator.setFaults([{ route: "token", latencyMs: 1_000 }]);
      // Kept on the wall clock: the 2 x 100 ms are the client's AbortSignal.timeout, Node's own timer that no fake clock
      // moves, and the timing out is the behaviour under test.
      const error = await createApiClient({ env: emulator.env, envFile: false, timeoutMs: 100, retry: { ...fakeSleeps(), maxAttempts: 2 } })
        .getDataAction(ACTION_ID)
        .catch((e: unknown) => e);
      expect(error).toMatchObject({
        name: "CxdaError",
        code: "E_NETWORK",
        message: expect.stringMatching(new RegExp(`^POST ${emulator.tokenUrl}: timed out \\(gave up after 2 attempts`)),
        context: { method: "POST", url: emulator.tokenUrl, timeoutMs: 100, attempts: 2 },
      });
      expect(routeCount("get-data-action")).toBe(0);
    });
  });

  describe("a Retry-After of 10 minutes", () => {
    // The real CLI with the real clock: a wait beyond the retry budget must end the command at once, not hang it.
    it.each([
      ["the API, in seconds", "get-data-action", 600, /GET http:\/\/127\.0\.0\.1:\d+\/api\/v2\/data-actions\/da-test-12345: 429 Too Many Requests/],
      ["the token endpoint, as an HTTP date", "token", "date", /POST http:\/\/127\.0\.0\.1:\d+\/api\/v2\/oauth\/token: 429 Too Many Requests/],
    ] as const)("from %s: cxda pull exits 3 with E_RATE_LIMIT after one request", async (_where, route, retryAfter, where) => {
      emulator.setFaults([{ route, status: 429, retryAfter: retryAfter === "date" ? new Date(Date.now() + 600_000).toUTCString() : retryAfter }]);
      const run = await cxda(["pull", ACTION_ID], { cwd: temp.dir, env: emulator.env });
      expect(run.code).toBe(3);
      expect(run.stderr).toMatch(where);
      // An HTTP date has whole seconds, set before the CLI starts: the wait it gives is 600 s less up to a second, less
      // however long the child process took to start on a loaded machine.
      expect(run.stderr).toMatch(
        /E_RATE_LIMIT .*the platform asked to wait (59\d|600)\.\d s \(Retry-After\), more than the (29\.\d|30\.0) s left of the retry budget; try again later or raise retry\.maxElapsedMs/,
      );
      expect(routeCount(route)).toBe(1);
    });
  });

  describe("a 429 storm on 8 parallel pulls", () => {
    const ids = Array.from({ length: 8 }, (_, i) => `da-storm-${i}`);
    const pullAll = async (sleeps: number[]): Promise<Array<{ status: string } | { code: string; message: string }>> => {
      const base = JSON.parse(await definitionText()) as Record<string, unknown>;
      for (const id of ids) emulator.setDefinition(id, { ...base, id });
      const cache = createDefinitionsCache({ cwd: temp.dir });
      // Eight clients, as eight `cxda pull` processes would have: each its own token, all on one cache folder.
      return Promise.all(
        ids.map((id) =>
          pullDefinition(id, {
            client: createApiClient({ env: emulator.env, envFile: false, retry: { sleep: async (ms) => void sleeps.push(ms) } }),
            cache,
          }).then(
            (result) => ({ status: result.status }),
            (error: { code: string; message: string }) => ({ code: error.code, message: error.message }),
          ),
        ),
      );
    };

    it("every request refused: each pull gives up with E_RATE_LIMIT after 4 attempts, 32 data requests in all", async () => {
      emulator.setFaults([{ route: "get-data-action", status: 429 }]);
      const sleeps: number[] = [];
      const outcomes = await pullAll(sleeps);
      expect(outcomes).toEqual(
        ids.map(() => ({ code: "E_RATE_LIMIT", message: expect.stringMatching(/429 Too Many Requests, rate limited.*gave up after 4 attempts/) })),
      );
      expect(routeCount("get-data-action")).toBe(8 * 4);
      expect(routeCount("token")).toBe(8);
      // Three backoffs per pull, each within the default bounds (equal jitter, 250 ms doubling).
      expect(sleeps).toHaveLength(8 * 3);
      expect(Math.max(...sleeps)).toBeLessThanOrEqual(1_000);
    });

    it("two in three refused, with Retry-After: 1: each pull succeeds or gives up cleanly, never more than 4 attempts each", async () => {
      emulator.setFaults([{ route: "get-data-action", status: 429, retryAfter: 1, probability: 2 / 3 }]);
      const sleeps: number[] = [];
      const outcomes = await pullAll(sleeps);
      for (const outcome of outcomes) {
        if ("status" in outcome) expect(outcome.status).toBe("fetched");
        else expect(outcome).toMatchObject({ code: "E_RATE_LIMIT", message: expect.stringMatching(/gave up after 4 attempts/) });
      }
      const fetched = outcomes.filter((o) => "status" in o).length;
      const gets = emulator.requests.filter((r) => r.route === "get-data-action");
      expect(gets.length).toBeLessThanOrEqual(8 * 4);
      expect(gets.filter((r) => r.status === 200)).toHaveLength(fetched);
      expect(sleeps.every((ms) => ms === 1_000)).toBe(true);
      expect(sleeps).toHaveLength(gets.length - 8);
      const cache = createDefinitionsCache({ cwd: temp.dir });
      for (const [i, id] of ids.entries()) expect((await cache.read(id)).status).toBe("status" in (outcomes[i] ?? {}) ? "hit" : "miss");
    });
  });
});
