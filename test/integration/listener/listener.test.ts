// The listener on a free loopback port, driven by real HTTP requests: answers, refusals, recording, concurrency.
import { request as httpRequest } from "node:http";
import { connect } from "node:net";
import { readFile, readdir } from "node:fs/promises";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { loadCases } from "../../../src/cases/load-cases.js";
import type { CaseResult } from "../../../src/core/types.js";
import { startListener, type Listener, type ListenerOptions, type ListenerRequest } from "../../../src/listener/listener.js";
import { runCases } from "../../../src/runner/run-cases.js";
import { createTempProject, EXAMPLE_DIR, exampleDefinition, type TempProject } from "../../helpers/temp-project.js";

const EXECUTE = "/api/v2/data-actions/da-test-12345/execute";

async function exampleAction(project: TempProject, name = "billing-callback"): Promise<string> {
  return project.addAction(name, {
    definition: await exampleDefinition(),
    transform: await readFile(join(EXAMPLE_DIR, "transform.ts"), "utf8"),
  });
}

/** A temp project holding the example action, and a listener (one worker unless told) serving it. */
async function serveExample(options: Omit<ListenerOptions, "actions">): Promise<{ project: TempProject; listener: Listener }> {
  const project = await createTempProject();
  await exampleAction(project);
  const listener = await startListener({ actions: [project.root], buildDir: join(project.root, ".build"), workers: 1, ...options });
  return { project, listener };
}

/** The reference trigger, loosely typed so tests can break it. */
interface Trigger {
  [key: string]: unknown;
  interaction?: Record<string, unknown>;
  contact?: { attributes: Record<string, unknown> };
  data: { customFields: Record<string, unknown> };
}

async function exampleTrigger(): Promise<Trigger> {
  return JSON.parse(await readFile(join(EXAMPLE_DIR, "trigger.json"), "utf8")) as Trigger;
}

/** What the listener answers with; every field is optional because refusals carry only some. */
interface ListenerBody {
  output?: Record<string, unknown>;
  issues?: Array<Record<string, unknown>>;
  trace?: { steps: Array<{ step: string; ok: boolean | null }> };
  logs?: Array<{ message: string }>;
  /** Every refusal and failure: a code to branch on, a message to read, and facts such as `line` or `actions`. */
  error?: { code: string; message: string; [detail: string]: unknown };
  recorded?: { file: string; removed: string[] };
  [key: string]: unknown;
}

interface Answer {
  status: number;
  headers: Headers;
  body: ListenerBody;
}

async function post(listener: Listener, path: string, body: unknown, headers: Record<string, string> = {}): Promise<Answer> {
  const response = await fetch(`${listener.url}${path}`, {
    method: "POST",
    headers: { "content-type": "application/json", ...headers },
    body: typeof body === "string" ? body : JSON.stringify(body),
  });
  return { status: response.status, headers: response.headers, body: (await response.json()) as ListenerBody };
}

/** A request written by hand: chunked or with a Content-Length, and a body that may never finish. */
function rawRequest(
  listener: Listener,
  options: { headers: Record<string, string>; chunks: string[]; end: boolean },
): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const request = httpRequest(`${listener.url}${EXECUTE}`, { method: "POST", headers: options.headers }, (response) => {
      let body = "";
      response.setEncoding("utf8");
      response.on("data", (chunk: string) => (body += chunk));
      response.on("end", () => resolve({ status: response.statusCode ?? 0, body }));
    });
    // The server may close the connection before this side has written everything; the answer is what counts.
    request.on("error", (error: NodeJS.ErrnoException) => (error.code === "ECONNRESET" || error.code === "EPIPE" ? undefined : reject(error)));
    for (const chunk of options.chunks) request.write(chunk);
    if (options.end) request.end();
  });
}

describe("the listener", () => {
  let project: TempProject;
  let listener: Listener;
  const log: ListenerRequest[] = [];

  beforeAll(async () => {
    ({ project, listener } = await serveExample({ workers: 2, onRequest: (entry) => log.push(entry) }));
  });
  afterAll(async () => {
    await listener.close();
    await project.remove();
  });

  it("binds a free loopback port and says which actions it serves", async () => {
    expect(listener.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    expect(listener.port).toBeGreaterThan(0);
    expect(listener.actions).toEqual([expect.objectContaining({ id: "da-test-12345", transform: "file", executeUrl: `${listener.url}${EXECUTE}` })]);
    const health = await fetch(`${listener.url}/healthz`);
    expect(health.status).toBe(200);
    expect(await health.json()).toEqual({ status: "ok", actions: ["da-test-12345"] });
  });

  it("answers a valid trigger with 200, the output and the trace", async () => {
    const answer = await post(listener, EXECUTE, await exampleTrigger());
    expect(answer.status).toBe(200);
    expect(answer.body.output).toEqual({
      recordId: "rec-i-774421",
      customerId: "CUST-4412",
      issueCategory: "billing",
      priority: "high",
      resolutionScore: 87,
      processedAt: "2026-11-20T10:00:00.000Z",
    });
    expect(answer.body.issues).toEqual([]);
    expect(answer.body.trace?.steps.map((s) => s.step)).toEqual(["load-definition", "validate-input", "execute", "validate-output", "compare"]);
    expect(answer.body.logs).toEqual([expect.objectContaining({ message: "built record rec-i-774421 priority high" })]);
  });

  it("accepts the action's folder name in place of its id", async () => {
    const answer = await post(listener, "/api/v2/data-actions/billing-callback/execute", await exampleTrigger());
    expect(answer.status).toBe(200);
  });

  it("answers a trigger the input schema rejects with 400 and the issues, without running the transform", async () => {
    const trigger = await exampleTrigger();
    delete trigger.interaction;
    const answer = await post(listener, EXECUTE, trigger);
    expect(answer.status).toBe(400);
    expect(answer.body.error).toEqual({ code: "invalid_input", message: "the trigger does not satisfy the input schema of da-test-12345" });
    expect(answer.body.issues).toEqual([expect.objectContaining({ side: "input", path: "/interaction", keyword: "required" })]);
    expect(answer.body).not.toHaveProperty("output");
  });

  it("answers an output the output schema rejects with 422, the output, the issues and an error", async () => {
    const trigger = await exampleTrigger();
    trigger.data.customFields["resolutionScore"] = "87";
    const answer = await post(listener, EXECUTE, trigger);
    expect(answer.status).toBe(422);
    expect(answer.body.error).toEqual({ code: "invalid_output", message: "the output does not satisfy the output schema of da-test-12345" });
    expect(answer.body.output).toMatchObject({ resolutionScore: "87" });
    expect(answer.body.issues).toEqual([expect.objectContaining({ side: "output", path: "/resolutionScore", keyword: "type" })]);
    expect(answer.body.trace?.steps).toContainEqual(expect.objectContaining({ step: "validate-output", ok: false }));
  });

  it("refuses a body over the limit with 413, announced or streamed", async () => {
    const big = { ...(await exampleTrigger()), padding: "x".repeat(40_000) };
    const announced = await post(listener, EXECUTE, big);
    expect(announced.status).toBe(413);
    expect(announced.body).toEqual({
      error: { code: "payload_too_large", message: "the request body is larger than 32768 bytes", limitBytes: 32768 },
    });
    const streamed = await rawRequest(listener, {
      headers: { "content-type": "application/json", "transfer-encoding": "chunked" },
      chunks: Array.from({ length: 10 }, () => "y".repeat(8192)),
      end: true,
    });
    expect(streamed.status).toBe(413);
  });

  it("refuses a body that is not JSON with 415, and malformed JSON with 400 and its line and column", async () => {
    const plain = await post(listener, EXECUTE, "hello", { "content-type": "text/plain" });
    expect(plain.status).toBe(415);
    expect(plain.body.error).toEqual({
      code: "unsupported_media_type",
      message: "the trigger payload must be sent as application/json in UTF-8, got text/plain",
    });
    const latin1 = await post(listener, EXECUTE, "{}", { "content-type": "application/json; charset=iso-8859-1" });
    expect(latin1).toMatchObject({
      status: 415,
      body: { error: { code: "unsupported_media_type", message: expect.stringContaining("charset iso-8859-1") } },
    });
    const malformed = await post(listener, EXECUTE, '{\n  "dataActionId": "x",\n  oops\n}');
    expect(malformed.status).toBe(400);
    expect(malformed.body).toEqual({
      error: { code: "bad_request", line: 3, column: 3, message: expect.stringMatching(/^request body:3:3: malformed JSON/) },
    });
    const array = await post(listener, EXECUTE, "[1, 2]");
    expect(array).toMatchObject({
      status: 400,
      body: { error: { code: "bad_request", message: "the body must be the trigger payload, a JSON object; got an array" } },
    });
  });

  it("answers 404 for an unknown route or id, naming the known ids, and 405 for a wrong method", async () => {
    const route = await fetch(`${listener.url}/api/v2/nothing`);
    expect(route.status).toBe(404);
    expect(await route.json()).toEqual({
      error: { code: "not_found", message: "no route for GET /api/v2/nothing; use POST /api/v2/data-actions/{id}/execute or GET /healthz" },
    });
    const id = await post(listener, "/api/v2/data-actions/da-nope/execute", await exampleTrigger());
    expect(id.status).toBe(404);
    expect(id.body).toEqual({
      error: { code: "not_found", message: 'unknown data action "da-nope"; this listener serves "da-test-12345"', actions: ["da-test-12345"] },
    });
    const method = await fetch(`${listener.url}${EXECUTE}`);
    expect(method.status).toBe(405);
    expect(method.headers.get("allow")).toBe("POST");
    expect(await method.json()).toEqual({ error: { code: "method_not_allowed", message: "GET is not allowed here; use POST" } });
  });

  it("answers requests that are not HTTP at all and keeps serving", async () => {
    const reply = await new Promise<string>((resolve) => {
      const socket = connect(listener.port, "127.0.0.1", () => socket.end("THIS IS NOT HTTP\r\n\r\n"));
      let text = "";
      socket.on("data", (chunk) => (text += chunk.toString()));
      socket.on("close", () => resolve(text));
    });
    expect(reply).toMatch(/^HTTP\/1\.1 400/);
    expect((await fetch(`${listener.url}/healthz`)).status).toBe(200);
  });

  it("answers many concurrent triggers, each with its own output", async () => {
    const base = await exampleTrigger();
    const ids = Array.from({ length: 40 }, (_, i) => `i-${100000 + i}`);
    const answers = await Promise.all(ids.map((id) => post(listener, EXECUTE, { ...base, interaction: { ...base.interaction, id } })));
    expect(answers.map((a) => a.status)).toEqual(ids.map(() => 200));
    expect(answers.map((a) => a.body.output?.["recordId"])).toEqual(ids.map((id) => `rec-${id}`));
  });

  it("logs each request without its body or headers", () => {
    expect(log.length).toBeGreaterThan(5);
    expect(log).toContainEqual(expect.objectContaining({ method: "POST", path: EXECUTE, status: 200, actionId: "da-test-12345" }));
    expect(JSON.stringify(log)).not.toContain("CUST-4412");
    // The code before the message (regression: the log line had lost it).
    expect(log).toContainEqual(
      expect.objectContaining({ status: 422, error: "invalid_output: the output does not satisfy the output schema of da-test-12345" }),
    );
  });
});

describe("the listener with a slow client", () => {
  let project: TempProject;
  let listener: Listener;
  beforeAll(async () => {
    ({ project, listener } = await serveExample({ bodyTimeoutMs: 200 }));
  });
  afterAll(async () => {
    await listener.close();
    await project.remove();
  });

  it("answers 408 when the body stops arriving, and keeps serving", async () => {
    const slow = await rawRequest(listener, {
      headers: { "content-type": "application/json", "content-length": "500" },
      chunks: ['{"dataActionId":'],
      end: false,
    });
    expect(slow.status).toBe(408);
    expect(JSON.parse(slow.body)).toEqual({ error: { code: "request_timeout", message: "the request body did not arrive within 200 ms" } });
    expect((await fetch(`${listener.url}/healthz`)).status).toBe(200);
  });
});

describe("the listener behind a tunnel that keeps its own Host (allowedHosts)", () => {
  let project: TempProject;
  let listener: Listener;
  const log: ListenerRequest[] = [];
  beforeAll(async () => {
    ({ project, listener } = await serveExample({ allowedHosts: ["Tunnel.Example"], onRequest: (entry) => log.push(entry) }));
  });
  afterAll(async () => {
    await listener.close();
    await project.remove();
  });

  it("answers the allowed name, with or without a port, and still refuses any other name with 403", async () => {
    const body = JSON.stringify(await exampleTrigger());
    const send = (host: string): Promise<{ status: number; body: string }> =>
      rawRequest(listener, {
        headers: { host, "content-type": "application/json", "content-length": String(Buffer.byteLength(body)) },
        chunks: [body],
        end: true,
      });
    expect((await send("tunnel.example")).status).toBe(200);
    expect((await send("tunnel.example:443")).status).toBe(200);
    const refused = await send("rebound.example:443");
    expect(refused.status).toBe(403);
    expect(JSON.parse(refused.body)).toEqual({
      error: {
        code: "host_not_allowed",
        host: "rebound.example:443",
        message: expect.stringContaining('the Host header "rebound.example:443" does not name this machine'),
      },
    });
    expect(log.at(-1)).toMatchObject({ status: 403, error: expect.stringContaining("DNS rebinding") });
  });
});

describe("the listener recording triggers", () => {
  let project: TempProject;
  let actionDir: string;
  let listener: Listener;
  beforeAll(async () => {
    project = await createTempProject();
    actionDir = await exampleAction(project);
    listener = await startListener({
      actions: [actionDir],
      recordDir: project.root,
      buildDir: join(project.root, ".build"),
      workers: 1,
      now: () => Date.parse("2026-11-20T10:00:00.123Z"),
    });
  });
  afterAll(async () => {
    await listener.close();
    await project.remove();
  });

  it("writes each trigger as a case file without secrets or headers, which loadCases reads and runCases passes", async () => {
    const trigger = await exampleTrigger();
    trigger.contact!.attributes["apiToken"] = "tok-SECRET-123";
    trigger.data.customFields["password"] = "hunter2";
    const answer = await post(listener, EXECUTE, trigger, { authorization: "Bearer abc.def.ghi", "x-api-key": "key-999" });
    expect(answer.status).toBe(200);
    expect(answer.body.recorded).toEqual({
      file: join(actionDir, "cases", "recorded-20261120T100000123Z-1.json"),
      removed: ["/contact/attributes/apiToken", "/data/customFields/password"],
    });

    expect(await readdir(join(actionDir, "cases"))).toEqual(["recorded-20261120T100000123Z-1.json"]);
    const text = await readFile(answer.body.recorded?.file ?? "", "utf8");
    for (const secret of ["apiToken", "tok-SECRET-123", "password", "hunter2", "authorization", "Bearer", "abc.def.ghi", "x-api-key", "key-999"]) {
      expect(text.toLowerCase()).not.toContain(secret.toLowerCase());
    }
    const cases = await loadCases(actionDir);
    expect(cases).toEqual([
      {
        ok: true,
        case: expect.objectContaining({ name: "recorded 2026-11-20T10:00:00.123Z #1", payload: expect.objectContaining({ triggerId: "tr-883210" }) }),
      },
    ]);

    const results: CaseResult[] = [];
    for await (const result of runCases({ actions: [actionDir], buildDir: join(project.root, ".build"), workers: 1 })) results.push(result);
    expect(results.map((r) => [r.case, r.status])).toEqual([["recorded 2026-11-20T10:00:00.123Z #1", "pass"]]);
  });

  it("records a trigger the input schema rejects too, numbered after the one before", async () => {
    const trigger = await exampleTrigger();
    delete trigger.contact;
    const answer = await post(listener, EXECUTE, trigger);
    expect(answer.status).toBe(400);
    expect(answer.body.recorded?.file).toBe(join(actionDir, "cases", "recorded-20261120T100000123Z-2.json"));
  });

  it("records a trigger without credentials in URLs, token-like query parameters or card numbers in its strings", async () => {
    const trigger = await exampleTrigger();
    trigger.contact!.attributes["callbackUrl"] = "https://svc-user:pa55-SECRET@hooks.example.com/cb?access_token=at-SECRET-1&lang=en";
    trigger.contact!.attributes["links"] = ["https://files.example.com/r.pdf?X-Amz-Signature=sig-SECRET-2&part=1"];
    trigger.data.customFields["note"] = "customer read out 4111-1111-1111-1111 on the call";
    const answer = await post(listener, EXECUTE, trigger);
    expect(answer.status).toBe(200);
    expect(answer.body.recorded?.removed).toEqual(["/contact/attributes/callbackUrl", "/contact/attributes/links/0", "/data/customFields/note"]);
    const text = await readFile(answer.body.recorded?.file ?? "", "utf8");
    for (const secret of ["svc-user", "pa55-SECRET", "at-SECRET-1", "sig-SECRET-2", "4111-1111-1111-1111"]) expect(text).not.toContain(secret);
    const recorded = (JSON.parse(text) as { payload: Trigger }).payload;
    expect(recorded.contact?.attributes).toMatchObject({
      callbackUrl: "https://[redacted]@hooks.example.com/cb?access_token=[redacted]&lang=en",
      links: ["https://files.example.com/r.pdf?X-Amz-Signature=[redacted]&part=1"],
    });
    expect(recorded.data.customFields["note"]).toBe("customer read out [redacted] on the call");
  });
});

describe("the listener, given a transform that returns 100 MB", () => {
  it("answers that request with E_OUTPUT and goes on answering (it used to die with the heap)", async () => {
    const project = await createTempProject();
    const definition = await exampleDefinition();
    await project.addAction("huge", { definition, transform: `export default () => ({ blob: "x".repeat(100 * 1024 * 1024) });` });
    const listener = await startListener({ actions: [project.root], buildDir: join(project.root, ".build"), workers: 1 });
    try {
      const first = await post(listener, EXECUTE, await exampleTrigger());
      expect(first.status).toBeGreaterThanOrEqual(400);
      expect(JSON.stringify(first.body)).toMatch(/E_OUTPUT/);
      expect(JSON.stringify(first.body).length).toBeLessThan(100_000);
      const health = await fetch(`${listener.url}/healthz`);
      expect(health.status).toBe(200);
    } finally {
      await listener.close();
      await project.remove();
    }
  }, 60_000);
});
