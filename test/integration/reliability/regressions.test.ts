// One regression test per bug the reliability work found, each named after the bug it pins down.
import { describe, expect, it } from "vitest";
import { mkdir, mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { loadCases, parseCase } from "../../../src/cases/load-cases.js";
import { createDefinitionsCache } from "../../../src/definitions/definitions-cache.js";
import { prepareCase } from "../../../src/cases/prepare-case.js";
import { createServer, type IncomingMessage } from "node:http";
import { connect, type AddressInfo } from "node:net";
import { createAccessKeyTokenProvider } from "../../../src/auth/access-key.js";
import { createApiClient } from "../../../src/client/api-client.js";
import type { JsonSchema } from "../../../src/core/types.js";
import { normaliseDefinition } from "../../../src/definitions/load-definition.js";
import { startEmulator, type Emulator } from "../../../src/emulator/emulator.js";
import { runTransformSource } from "../../../src/emulator/run-transform.js";
import { createValidator } from "../../../src/validation/create-validator.js";
import { jsonResponse, pumpForever, startRawServer } from "./raw-server.js";

/** `{ a: { a: … } }`, `depth` levels deep, built without recursion. */
function nested(depth: number, leaf: unknown = {}): Record<string, unknown> {
  let value = leaf as Record<string, unknown>;
  for (let i = 0; i < depth; i++) value = { type: "object", properties: { a: value } };
  return value;
}

function thrown(fn: () => unknown): unknown {
  try {
    fn();
  } catch (error) {
    return error;
  }
  throw new Error("expected a throw");
}

describe("validation", () => {
  it("createValidator(null) threw a TypeError from detectDraft; it is E_SCHEMA naming what it got", () => {
    for (const schema of [null, 5, "string"]) {
      expect(thrown(() => createValidator(schema as unknown as JsonSchema, { side: "input" }))).toMatchObject({
        name: "CxdaError",
        code: "E_SCHEMA",
        message: expect.stringMatching(/^input schema must be a JSON object or a boolean, got (null|number 5|string "string")$/),
      });
    }
  });

  it("a $schema object carrying its own toString key threw a TypeError (Cannot convert object to primitive value); it is E_SCHEMA", () => {
    const schema = { $schema: { toString: 5, valueOf: 6 }, type: "object" } as unknown as JsonSchema;
    expect(thrown(() => createValidator(schema, { side: "output" }))).toMatchObject({
      name: "CxdaError",
      code: "E_SCHEMA",
      message: expect.stringMatching(/^output schema: \$schema must be a URI string, got object;/),
      context: { schemaUri: 'object {"toString":5,"valueOf":6}' },
    });
  });

  it("enum, const and uniqueItems threw a TypeError on data holding a toString or valueOf key (ajv #2624); they compare it as JSON", () => {
    const data = (text: string): unknown => JSON.parse(text);
    const unique = createValidator({ type: "array", uniqueItems: true }, { side: "input" });
    expect(unique.validate(data('[{}, {"toString": ""}]'))).toEqual([]);
    expect(unique.validate(data('[{"valueOf": 1}, {"valueOf": 1}]')).map((issue) => issue.keyword)).toEqual(["uniqueItems"]);
    expect(unique.validate(data('[{"toString": 1, "a": [1, {"b": 2}]}, {"a": [1, {"b": 2}], "toString": 1}]')).map((issue) => issue.keyword)).toEqual(
      ["uniqueItems"],
    );
    expect(createValidator({ enum: [{}, { valueOf: 0 }] }, { side: "input" }).validate({})).toEqual([]);
    expect(
      createValidator({ enum: [{ a: 1 }] }, { side: "input" })
        .validate(data('{"toString": "x"}'))
        .map((issue) => issue.keyword),
    ).toEqual(["enum"]);
    expect(createValidator({ const: { toString: "x" } }, { side: "output" }).validate(data('{"toString": "x"}'))).toEqual([]);
    expect(
      createValidator({ const: [1, 3] }, { side: "output" })
        .validate([1, 2])
        .map((issue) => issue.keyword),
    ).toEqual(["const"]);
    // The same comparison checks schemas against their meta-schema: a "type" list holding such objects is E_SCHEMA.
    expect(thrown(() => createValidator({ type: [{ toString: "x" }, { toString: "y" }] } as unknown as JsonSchema, { side: "input" }))).toMatchObject(
      { code: "E_SCHEMA" },
    );
  });

  it("a schema nested thousands of levels deep overflowed the stack (RangeError); it is E_SCHEMA naming the depth limit", () => {
    expect(thrown(() => createValidator(nested(10_000), { side: "output" }))).toMatchObject({
      name: "CxdaError",
      code: "E_SCHEMA",
      message: "output schema is nested more than 256 levels deep; cxda compiles schemas up to that depth",
    });
    expect(
      thrown(() => normaliseDefinition({ id: "deep", schema: { output: nested(10_000) } }, { file: "actions/deep/definition.json" })),
    ).toMatchObject({
      code: "E_SCHEMA",
      message: expect.stringMatching(/^actions\/deep\/definition\.json: the output schema at schema\.output is nested more than 256 levels deep/),
    });
    // Real schemas stay far below the limit and still compile.
    expect(createValidator(nested(60, { type: "string" }), { side: "output" }).validate({ a: { a: {} } })).toEqual([]);
  });
});

describe("cases", () => {
  it("a case payload nested thousands of levels deep overflowed the stack in prepareCase (RangeError); parseCase refuses it with E_CASE", async () => {
    const deepText = `${'{"a":'.repeat(5_000)}{}${"}".repeat(5_000)}`;
    const deep = JSON.parse(deepText) as Record<string, unknown>;
    expect(thrown(() => parseCase({ name: "deep", payload: deep }, "cases/deep.json", "deep"))).toMatchObject({
      name: "CxdaError",
      code: "E_CASE",
      message: 'cases/deep.json (case "deep").payload: nested more than 256 levels deep; a case may nest values up to that depth',
    });
    expect(thrown(() => parseCase({ name: "deep", set: { "data.customFields.x": deep } }, "cases/deep.json", "deep"))).toMatchObject({
      code: "E_CASE",
    });
    // Through a file, the broken case is reported as data and its neighbour still loads.
    const dir = await mkdtemp(join(tmpdir(), "cxda-regression-"));
    try {
      await mkdir(join(dir, "cases"));
      await writeFile(join(dir, "cases", "a.json"), `[{"name":"deep","payload":${deepText}},{"name":"fine","payload":{"a":1}}]`);
      const loaded = await loadCases(dir);
      expect(loaded.map((entry) => entry.ok)).toEqual([false, true]);
      const fine = loaded[1];
      expect(fine?.ok === true ? prepareCase(fine.case, { actionId: "a", vars: {} }).trigger : undefined).toEqual({ a: 1 });
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});

describe("client", () => {
  it("an endless response body was buffered until V8 aborted the process (fatal, uncatchable); it is E_HTTP at the size limit, not retried", async () => {
    const megabyte = Buffer.alloc(1024 * 1024, 0x61);
    const server = await startRawServer(({ head, socket }) => {
      if (head.startsWith("POST")) return void socket.end(jsonResponse(200, { access_token: "tok-raw-1234", expires_in: 3600 }));
      if (head.includes("/announced")) socket.write("HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ncontent-length: 4000000000\r\n\r\n");
      else socket.write("HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ntransfer-encoding: chunked\r\n\r\n");
      // A chunked body is framed per chunk; the endless one simply never sends its last chunk.
      if (head.includes("/announced")) pumpForever(socket, megabyte);
      else pumpForever(socket, Buffer.concat([Buffer.from("100000\r\n"), megabyte, Buffer.from("\r\n")]));
    });
    try {
      const env = { CXONE_API_URL: `${server.url}/api/v2`, CXONE_CLIENT_ID: "raw-client", CXONE_CLIENT_SECRET: "raw-secret-5678" };
      const client = createApiClient({ env, envFile: false, maxResponseBytes: 8 * 1024 * 1024 });
      await expect(client.getDataAction("announced")).rejects.toMatchObject({
        name: "CxdaError",
        code: "E_HTTP",
        message: expect.stringMatching(
          /data-actions\/announced: 200 OK, the response body is 4000000000 bytes \(Content-Length\), more than the 8388608 bytes cxda reads/,
        ),
        context: { status: 200, maxResponseBytes: 8388608 },
      });
      await expect(client.getDataAction("endless")).rejects.toMatchObject({
        code: "E_HTTP",
        message: expect.stringMatching(/data-actions\/endless: 200 OK, the response body is over 8388608 bytes and still coming/),
      });
      // One token request and one request per call: a body too large is not retried.
      expect(server.heads.map((head) => head.split("\r\n")[0])).toEqual([
        "POST /api/v2/oauth/token HTTP/1.1",
        "GET /api/v2/data-actions/announced HTTP/1.1",
        "GET /api/v2/data-actions/endless HTTP/1.1",
      ]);
    } finally {
      await server.close();
    }
  });
});

/** Reads a request body as text. */
function bodyOf(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    let text = "";
    req.on("data", (chunk: Buffer) => (text += chunk.toString("utf8")));
    req.on("end", () => resolve(text));
    req.on("error", reject);
  });
}

describe("secrets", () => {
  it("a token endpoint echoing the request showed the form-encoded secret, the Basic credentials and the refresh token in E_AUTH; all are redacted", async () => {
    // Credentials with characters that change when URL-, form- or base64-encoded.
    const clientSecret = "cs+with/odd=chars&more é";
    const accessKeySecret = "ak secret+plus/slash=";
    const refreshToken = "rt+refresh/token=value";
    let issue = true;
    const server = createServer((req, res) => {
      void bodyOf(req).then((body) => {
        const origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
        res.setHeader("content-type", "application/json");
        if (req.url === "/.well-known/openid-configuration") return void res.end(JSON.stringify({ token_endpoint: `${origin}/auth/token` }));
        if (req.url === "/auth/token" && issue) {
          issue = false;
          return void res.end(JSON.stringify({ access_token: "at-first-token", refresh_token: refreshToken, expires_in: 60 }));
        }
        // Like a debugging proxy: the refusal quotes the Authorization header and the body it received.
        res.statusCode = 400;
        res.end(
          JSON.stringify({
            error: "invalid_request",
            error_description: `refused: authorization=${req.headers.authorization ?? "none"} body=${body}`,
          }),
        );
      });
    });
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    const origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    const leaks = (message: string): string[] => {
      const basic = Buffer.from(`${encodeURIComponent("client-id")}:${encodeURIComponent(clientSecret)}`).toString("base64");
      const forms = [clientSecret, accessKeySecret, refreshToken].flatMap((v) => [
        v,
        encodeURIComponent(v),
        new URLSearchParams([["", v]]).toString().slice(1),
      ]);
      return [...forms, basic].filter((value) => message.includes(value));
    };
    try {
      // Client credentials: the secret travels form-encoded in the body.
      const cc = createApiClient({
        env: { CXONE_API_URL: `${origin}/api/v2`, CXONE_CLIENT_ID: "client-id", CXONE_CLIENT_SECRET: clientSecret },
        envFile: false,
        retry: { maxAttempts: 1 },
      });
      const first = (await cc.getDataAction("x").catch((e: unknown) => e)) as Error;
      expect(first).toMatchObject({ code: "E_AUTH", message: expect.stringContaining("client_secret=[redacted]") });
      expect(leaks(first.message)).toEqual([]);

      // Access key: Basic credentials in the header, then a refresh token in the body once the first token is due.
      let now = 0;
      const tokens = createAccessKeyTokenProvider({
        issuerUrl: origin,
        accessKeyId: "key-id",
        accessKeySecret,
        clientId: "client-id",
        clientSecret,
        now: () => now,
        retry: { maxAttempts: 1 },
      });
      expect(await tokens.getToken()).toBe("at-first-token");
      now = 3_600_000;
      const second = (await tokens.getToken().catch((e: unknown) => e)) as Error;
      expect(second).toMatchObject({
        code: "E_AUTH",
        message: expect.stringMatching(/authorization=Basic \[redacted\] body=grant_type=refresh_token&refresh_token=\[redacted\]/),
      });
      expect(leaks(second.message)).toEqual([]);
    } finally {
      await new Promise<void>((resolve) => server.close(() => resolve()));
    }
  });
});

describe("secrets in long error bodies", () => {
  it("an error body clipped to 200 characters cut through a secret and showed its first characters; it is redacted before clipping", async () => {
    const clientSecret = "clipped-secret-abcdefghijklmnopqrstuvwxyz";
    const server = await startRawServer(({ socket }) => {
      // The secret starts at character 180 of the description, so a 200-character cut goes through it.
      socket.end(jsonResponse(400, { error: "invalid_request", error_description: `${"x".repeat(180)}${clientSecret} and more` }));
    });
    try {
      const client = createApiClient({
        env: { CXONE_API_URL: `${server.url}/api/v2`, CXONE_CLIENT_ID: "client-id", CXONE_CLIENT_SECRET: clientSecret },
        envFile: false,
        retry: { maxAttempts: 1 },
      });
      const error = (await client.getDataAction("x").catch((e: unknown) => e)) as Error;
      expect(error).toMatchObject({ code: "E_AUTH", message: expect.stringContaining(`${"x".repeat(180)}[redacted] and more`) });
      expect(error.message).not.toContain(clientSecret.slice(0, 8));
    } finally {
      await server.close();
    }
  });
});

/** Sends raw bytes to a loopback port and resolves with everything the server wrote before closing. */
function rawExchange(port: number, text: string): Promise<string> {
  return new Promise((resolve, reject) => {
    let answer = "";
    const socket = connect(port, "127.0.0.1", () => socket.write(text));
    socket.on("data", (chunk: Buffer) => (answer += chunk.toString("utf8")));
    socket.on("error", reject);
    socket.on("close", () => resolve(answer));
  });
}

describe("emulator", () => {
  it("a request target that is not a URL (GET //%zz) crashed the handler into a 500 emulator_error; it is a logged 400", async () => {
    const emulator = await startEmulator();
    try {
      const answer = await rawExchange(emulator.port, "GET //%zz HTTP/1.1\r\nhost: 127.0.0.1\r\nconnection: close\r\n\r\n");
      expect(answer).toMatch(/^HTTP\/1\.1 400 Bad Request/);
      expect(answer).toContain('"the request target is not a valid path"');
      expect(emulator.requests).toEqual([expect.objectContaining({ method: "GET", path: "(malformed request target)", route: null, status: 400 })]);
      // And the next request is served as usual.
      expect((await fetch(`${emulator.url}/.well-known/openid-configuration`)).status).toBe(200);
    } finally {
      await emulator.close();
    }
  });
});

/** An emulator serving one action with a transform, and a bearer token for it. */
async function emulatorWithAction(): Promise<{ emulator: Emulator; execute: string; authorization: string }> {
  const definition = {
    id: "da-1",
    schema: { input: { type: "object" }, output: { type: "object" } },
    transform: { language: "javascript", source: "export default (t) => ({ n: t.n ?? 0 })" },
  };
  const emulator = await startEmulator({ definitions: { "da-1": definition } });
  const form = new URLSearchParams({
    grant_type: "client_credentials",
    client_id: emulator.credentials.clientId,
    client_secret: emulator.credentials.clientSecret,
  });
  const token = (await (await fetch(emulator.tokenUrl, { method: "POST", body: form })).json()) as { access_token: string };
  return { emulator, execute: `${emulator.apiUrl}/data-actions/da-1/execute`, authorization: `Bearer ${token.access_token}` };
}

describe("emulator execute", () => {
  it("a trigger sent as text/plain (or with no content type) was executed; it is 415 unsupported_media_type", async () => {
    const { emulator, execute, authorization } = await emulatorWithAction();
    try {
      for (const type of ["text/plain", "application/x-www-form-urlencoded", undefined]) {
        const response = await fetch(execute, {
          method: "POST",
          headers: { authorization, ...(type === undefined ? {} : { "content-type": type }) },
          body: new Blob(['{"n":1}']),
        });
        expect(response.status).toBe(415);
        expect(await response.json()).toMatchObject({
          error: { code: "unsupported_media_type", message: expect.stringContaining(type ?? "no content-type") },
        });
      }
      for (const type of ["application/json", "application/json; charset=utf-8", "application/vnd.cxone+json"]) {
        const response = await fetch(execute, { method: "POST", headers: { authorization, "content-type": type }, body: '{"n":1}' });
        expect(await response.json()).toEqual({ output: { n: 1 } });
      }
    } finally {
      await emulator.close();
    }
  });
});

describe("emulator execute bodies", () => {
  it('a trigger that is JSON but not an object (null, [], 7, "x") was run by the transform (a 200, or its crash as 422); it is 400', async () => {
    const { emulator, execute, authorization } = await emulatorWithAction();
    try {
      const bodies: Array<[string, string]> = [
        ["null", "null"],
        ["[]", "an array"],
        ["7", "a number"],
        ['"x"', "a string"],
      ];
      for (const [body, kind] of bodies) {
        const response = await fetch(execute, { method: "POST", headers: { authorization, "content-type": "application/json" }, body });
        expect(response.status).toBe(400);
        expect(await response.json()).toEqual({
          error: { code: "bad_request", message: `the body must be the trigger payload, a JSON object; got ${kind}` },
        });
      }
    } finally {
      await emulator.close();
    }
  });
});

describe("emulator memory", () => {
  it("the request log kept every request ever served (about 0.4 KB each, 8 MB after 20,000); it keeps the last requestLogLimit", async () => {
    const emulator = await startEmulator({ requestLogLimit: 100 });
    try {
      for (let i = 0; i < 250; i++) await fetch(`${emulator.url}/.well-known/openid-configuration`).then((r) => r.arrayBuffer());
      const log = emulator.requests;
      expect(log).toHaveLength(100);
      expect([log[0]?.seq, log.at(-1)?.seq]).toEqual([151, 250]);
    } finally {
      await emulator.close();
    }
    await expect(startEmulator({ requestLogLimit: -1 })).rejects.toMatchObject({
      code: "E_CONFIG",
      message: expect.stringContaining("requestLogLimit"),
    });
  });
});

/** Opens a raw connection that sends `head` and then one more byte every 20 ms until the server closes it. */
function trickle(port: number, head: string): Promise<{ answer: string; elapsedMs: number }> {
  return new Promise((resolve) => {
    const started = performance.now();
    let answer = "";
    let timer: NodeJS.Timeout | undefined;
    const socket = connect(port, "127.0.0.1", () => {
      socket.write(head);
      timer = setInterval(() => socket.write("a"), 20);
    });
    socket.on("data", (chunk: Buffer) => (answer += chunk.toString("utf8")));
    socket.on("error", () => undefined);
    socket.on("close", () => {
      clearInterval(timer);
      resolve({ answer, elapsedMs: performance.now() - started });
    });
  });
}

describe("emulator slow clients", () => {
  it("a body trickled a byte at a time held its connection for Node's default 300 s; it gets 408 after requestTimeoutMs", async () => {
    const emulator = await startEmulator({ requestTimeoutMs: 300 });
    try {
      const body = trickle(
        emulator.port,
        "POST /api/v2/data-actions/x/execute HTTP/1.1\r\nhost: 127.0.0.1\r\ncontent-type: application/json\r\ncontent-length: 100000\r\n\r\n{",
      );
      const headers = trickle(emulator.port, "GET /.well-known/openid-configuration HTTP/1.1\r\nx-slow: ");
      for (const slow of await Promise.all([body, headers])) {
        expect(slow.answer).toMatch(/^HTTP\/1\.1 408 Request Timeout/);
        expect(slow.elapsedMs).toBeGreaterThanOrEqual(300);
      }
    } finally {
      await emulator.close();
    }
    await expect(startEmulator({ requestTimeoutMs: 0 })).rejects.toMatchObject({
      code: "E_CONFIG",
      message: expect.stringContaining("requestTimeoutMs"),
    });
  });
});

describe("client timeouts", () => {
  it("the client's timeoutMs was not passed to its token provider, so a slow token endpoint got the provider's own 10 s; it applies to token requests", async () => {
    const emulator = await startEmulator();
    try {
      emulator.setFaults([{ route: "token", latencyMs: 1_000 }]);
      const client = createApiClient({ env: emulator.env, envFile: false, timeoutMs: 100, retry: { maxAttempts: 1 } });
      await expect(client.getDataAction("da-1")).rejects.toMatchObject({
        code: "E_NETWORK",
        message: expect.stringMatching(/oauth\/token: timed out/),
        context: { timeoutMs: 100 },
      });
    } finally {
      await emulator.close();
    }
  });
});

describe("client messages", () => {
  it('an answer that is not HTTP was reported as "network error HPE_INVALID_CONSTANT"; it says the answer is not HTTP and what to check', async () => {
    const server = await startRawServer(({ socket }) => socket.end("SSH-2.0-OpenSSH_9.6\r\n\r\n"));
    try {
      const client = createApiClient({
        env: { CXONE_API_URL: `${server.url}/api/v2`, CXONE_CLIENT_ID: "id", CXONE_CLIENT_SECRET: "secret-1234" },
        envFile: false,
        retry: { maxAttempts: 1 },
      });
      await expect(client.getDataAction("x")).rejects.toMatchObject({
        code: "E_NETWORK",
        message: expect.stringMatching(/oauth\/token: the answer is not valid HTTP \(HPE_[A-Z_]+\); check the URL's host and port/),
      });
    } finally {
      await server.close();
    }
  });
});

describe("cache messages", () => {
  it('a cache folder that is a file was reported as "cannot write the cache file (EEXIST)"; the message says a file is in the way and what to do', async () => {
    const dir = await mkdtemp(join(tmpdir(), "cxda-regression-"));
    try {
      await writeFile(join(dir, "a-file"), "not a folder");
      await mkdir(join(dir, "cache", "da-1.json"), { recursive: true });
      const write = (cacheDir: string): Promise<unknown> =>
        createDefinitionsCache({ cwd: dir, dir: cacheDir })
          .write("da-1", { definition: { a: 1 } })
          .catch((e: unknown) => e);
      expect(await write("a-file")).toMatchObject({
        code: "E_CACHE",
        message: `${join(dir, "a-file", "da-1.json")}: cannot write the cache file: a file is in the way: ${join(dir, "a-file")} is a file, not a folder (EEXIST); the previous copy, if any, is unchanged; make ${join(dir, "a-file")} a writable folder or use another cache folder`,
        context: { errno: "EEXIST" },
      });
      expect(await write("a-file/below")).toMatchObject({
        message: expect.stringContaining(
          `a file is in the way: ${join(dir, "a-file", "below")} or a folder above it is a file, not a folder (ENOTDIR)`,
        ),
      });
      expect(await write("cache")).toMatchObject({
        message: expect.stringContaining(`${join(dir, "cache", "da-1.json")} is a folder, not a file (EISDIR)`),
      });
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});

describe("emulator transform context", () => {
  it("a transform reached the emulator's process through a host function (__cxda.done.constructor) and read its environment; no host object is left to reach", async () => {
    const run = { actionId: "da-1", env: "sandbox", nowMs: 0 };
    const escapes = [
      "export default () => globalThis.__cxda.done.constructor('return typeof process')()",
      "export default () => console.log.constructor('return typeof process')()",
      "export default () => globalThis.constructor.constructor('return typeof process')()",
      "export default function () { return this === undefined ? 'strict' : this.constructor.constructor('return typeof process')(); }",
    ];
    for (const source of escapes) {
      const result = await runTransformSource(source, {}, run);
      expect(result).toMatchObject({ ok: false, code: "E_TRANSFORM" });
      expect(result.ok ? "" : result.message).toMatch(/Cannot read properties of undefined|Code generation from strings disallowed/);
    }
    // A thrown proxy or a replaced state object cannot make the host run the transform's code outside the time limit.
    const hostile = await runTransformSource(
      "throw new Proxy({}, { get() { for (;;) {} }, has() { for (;;) {} } }); export default () => 1;",
      {},
      run,
      { timeoutMs: 200 },
    );
    expect(hostile).toMatchObject({ ok: false, code: "E_TIMEOUT" });
    expect(
      await runTransformSource("export default (t, ctx) => { console.log('seen', 1); return { at: ctx.now().toISOString(), t }; }", { a: 1 }, run),
    ).toEqual({
      ok: true,
      output: { at: "1970-01-01T00:00:00.000Z", t: { a: 1 } },
      logs: ["seen 1"],
    });
  });
});

describe("a platform that echoes the Authorization header", () => {
  it("never shows the bearer token in an error or an execute result (regression: 400/403/422 bodies kept it)", async () => {
    const { createServer } = await import("node:http");
    const { createApiClient } = await import("../../../src/client/api-client.js");
    const token = "tok-SECRET-abcdef123456";
    const server = createServer((request, response) => {
      request.resume();
      request.on("end", () => {
        if (request.url?.endsWith("/oauth/token")) {
          response.writeHead(200, { "content-type": "application/json" });
          response.end(JSON.stringify({ access_token: token, expires_in: 3600 }));
          return;
        }
        response.writeHead(request.url?.includes("execute") ? 422 : 400, { "content-type": "application/json" });
        response.end(JSON.stringify({ error: { code: "bad", message: `rejected request with ${request.headers.authorization}` } }));
      });
    });
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    try {
      const { port } = server.address() as { port: number };
      const client = createApiClient({
        apiUrl: `http://127.0.0.1:${port}/api/v2`,
        clientId: "id",
        clientSecret: "secret-xyz-987",
        envFile: false,
        env: {},
      });
      const failure = await client.getDataAction("da-1").catch((error: unknown) => error as Error);
      expect(String((failure as Error).message)).toMatch(/400/);
      const executed = await client.executeDataAction("da-1", { a: 1 });
      for (const text of [String((failure as Error).message), JSON.stringify(failure), JSON.stringify(executed)]) expect(text).not.toContain(token);
    } finally {
      await new Promise((resolve) => server.close(resolve));
    }
  });
});

describe("discovered endpoints", () => {
  it("refuses a plain-http token endpoint on another host instead of sending the access key there (regression)", async () => {
    const { createServer } = await import("node:http");
    const { createAccessKeyTokenProvider } = await import("../../../src/auth/access-key.js");
    let tokenRequests = 0;
    const server = createServer((request, response) => {
      if (request.url === "/.well-known/openid-configuration") {
        response.writeHead(200, { "content-type": "application/json" });
        // Another host: never contacted, since the check refuses it before any request is made.
        response.end(JSON.stringify({ token_endpoint: "http://example.invalid/auth/token" }));
        return;
      }
      tokenRequests++;
      response.writeHead(404).end();
    });
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    try {
      const { port } = server.address() as { port: number };
      const provider = createAccessKeyTokenProvider({
        issuerUrl: `http://127.0.0.1:${port}`,
        accessKeyId: "key",
        accessKeySecret: "key-secret-123",
        clientId: "c",
        clientSecret: "client-secret-456",
      });
      await expect(provider.getToken()).rejects.toThrow(/plain http on another host \(example\.invalid\)/);
      expect(tokenRequests).toBe(0);
    } finally {
      await new Promise((resolve) => server.close(resolve));
    }
  });
});
