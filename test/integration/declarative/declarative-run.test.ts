// Declarative (Genesys) actions run through runCases: real sandboxed workers, the upstream over real HTTP on loopback
// (the run's stub, or a live endpoint this test starts), real files.
import { createServer, type IncomingMessage, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { copyFile, mkdir, readdir, readFile, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import type { CaseDefinition, CaseResult } from "../../../src/core/types.js";
import { runCases, type RunCasesOptions } from "../../../src/runner/run-cases.js";
import { createTempProject, type TempProject } from "../../helpers/temp-project.js";
import { DECLARATIVE_TRACE } from "../../helpers/declarative.js";

const definition = {
  id: "get-user",
  name: "Get user",
  contract: {
    input: { inputSchema: { type: "object", required: ["id"], properties: { id: { type: "string" }, note: { type: "string" } } } },
    output: { successSchema: { type: "object", required: ["name"], properties: { name: { type: "string" }, plan: { type: "string" } } } },
  },
  config: {
    request: {
      requestUrlTemplate: "https://crm.example.com/users/${input.id}",
      requestType: "POST",
      headers: { Authorization: "Bearer ${credentials.token}", "Content-Type": "application/json" },
      requestTemplate: '{ "note": "${input.note}" }',
    },
    response: {
      translationMap: { name: "$.user.name", plan: "$.user.plan" },
      translationMapDefaults: { plan: '"basic"' },
      successTemplate: '{ "name": ${name}, "plan": ${plan} }',
    },
  },
};

async function run(project: TempProject, cases: CaseDefinition[], extra: Partial<RunCasesOptions> = {}): Promise<CaseResult[]> {
  const results: CaseResult[] = [];
  for await (const result of runCases({
    actions: [join(project.root, "get-user")],
    cases,
    workers: 1,
    buildDir: join(project.root, ".build"),
    ...extra,
  }))
    results.push(result);
  return results;
}

describe("declarative actions", () => {
  let project: TempProject;
  beforeAll(async () => {
    project = await createTempProject();
    await project.addAction("get-user", { definition });
  });
  afterAll(() => project.remove());

  it("runs every step, with the request sent over HTTP to the stub serving the case's answer", async () => {
    const [result] = await run(project, [
      {
        name: "found",
        payload: { id: "u-1", note: "hello" },
        upstream: { status: 200, headers: { "X-Trace": "t-9" }, body: { user: { name: "Ada" } } },
        expect: {
          output: { name: "Ada", plan: "basic" },
          request: { method: "POST", url: "https://crm.example.com/users/u-1", body: { note: "hello" } },
        },
      },
    ]);
    expect(result?.status).toBe("pass");
    const steps = result!.trace.steps;
    expect(steps.map((s) => s.step)).toEqual(DECLARATIVE_TRACE);
    // The stub answered over HTTP: its headers are those a real server sends.
    expect(steps[3]?.detail).toMatchObject({ target: "stub", status: 200, headers: { "x-trace": "t-9", "content-type": "application/json" } });
    // Offline, the credential is a placeholder, and a secret-looking header is redacted in the trace anyway.
    expect(steps[2]?.detail).toMatchObject({ headers: { Authorization: "[redacted]" } });
    expect(steps[4]?.detail).toMatchObject({
      entries: [
        { key: "name", usedDefault: false },
        { key: "plan", usedDefault: true },
      ],
    });
  });

  it("fails a case whose request differs, names the upstream status on the failure path, and asks for a missing answer", async () => {
    const results = await run(project, [
      {
        name: "wrong url",
        payload: { id: "u-2", note: "" },
        upstream: { body: { user: { name: "B" } } },
        expect: { request: { url: "https://crm.example.com/users/u-1" } },
      },
      {
        name: "404 expected",
        payload: { id: "u-3", note: "" },
        upstream: { status: 404, body: { error: "no user" } },
        expect: { throws: "status 404" },
      },
      { name: "404 unexpected", payload: { id: "u-3", note: "" }, upstream: { status: 503, body: "busy" } },
      { name: "no answer", payload: { id: "u-4", note: "" } },
      { name: "quote and newline", payload: { id: "u-5", note: 'say "hi"\nbye' }, upstream: { body: { user: { name: "C" } } } },
    ]);
    expect(results.map((r) => r.status)).toEqual(["fail", "pass", "error", "error", "error"]);
    expect(results[0]?.failures[0]?.message).toMatch(
      /request url: expected "https:\/\/crm\.example\.com\/users\/u-1", got "https:\/\/crm\.example\.com\/users\/u-2"/,
    );
    expect(results[2]?.error).toMatchObject({ code: "E_UPSTREAM" });
    expect(results[2]?.error?.message).toMatch(/status 503.*busy/);
    expect(results[3]?.error?.message).toMatch(/says nothing about the upstream's answer/);
    expect(results[4]?.error).toMatchObject({ code: "E_REQUEST" });
    expect(results[4]?.error?.message).toMatch(/not valid JSON/);
  });

  it("redacts secret-looking fields in a step's JSON and keeps it JSON", async () => {
    const [result] = await run(project, [
      {
        name: "secret in answer",
        payload: { id: "u-1", note: "n" },
        upstream: { body: { user: { name: "Ada" }, password: "pw-123", api_key: "k-9" } },
      },
    ]);
    const body = JSON.parse(result!.trace.steps[3]!.detail!["body"] as string) as Record<string, unknown>;
    expect(body).toEqual({ user: { name: "Ada" }, password: "[redacted]", api_key: "[redacted]" });
  });

  it("makes an unresolved reference an error with strict", async () => {
    const cases: CaseDefinition[] = [{ name: "no note", payload: { id: "u-6" }, upstream: { body: { user: { name: "D" } } } }];
    const [lenient] = await run(project, cases);
    expect(lenient?.status).toBe("pass");
    expect(lenient?.trace.steps[2]?.detail?.["warnings"]).toEqual(["${input.note} in body (1:12) does not resolve"]);
    const [strict] = await run(project, cases, { declarative: { strict: true } });
    expect(strict?.error).toMatchObject({ code: "E_TEMPLATE" });
  });

  it("stops a template whose regex never ends at the case's time limit, and runs the next case", async () => {
    const slow = await createTempProject();
    try {
      const config = structuredClone(definition.config);
      config.request.requestUrlTemplate = "https://x.example.com/${input.id.matches('(a+)+b')}";
      await slow.addAction("get-user", { definition: { ...definition, config } });
      const results = await run(
        slow,
        [
          { name: "catastrophic", payload: { id: "a".repeat(40) }, upstream: { body: { user: { name: "E" } } } },
          { name: "quick", payload: { id: "ab" }, upstream: { body: { user: { name: "F" } } } },
        ],
        { timeoutMs: 1000 },
      );
      expect(results.map((r) => r.error?.code ?? r.status)).toEqual(["E_TIMEOUT", "pass"]);
    } finally {
      await slow.remove();
    }
  });

  describe("--live and --record-upstream", () => {
    let server: Server;
    let received: { url: string; authorization: string | undefined; body: string } | undefined;
    let hungClosed = false;
    let liveProject: TempProject;
    beforeAll(async () => {
      server = createServer((request: IncomingMessage, response) => {
        let body = "";
        request.on("data", (chunk: Buffer) => (body += chunk.toString()));
        request.on("end", () => {
          received = { url: request.url ?? "", authorization: request.headers.authorization, body };
          // A request for /hang gets no answer: the run must not wait for it past the case's limit.
          if (request.url?.startsWith("/users/hang")) {
            request.socket.on("close", () => (hungClosed = true));
            return;
          }
          // The answer echoes the credential in a header, as some endpoints do, and is chunked (no Content-Length).
          response.writeHead(200, { "content-type": "application/json", "x-echo-auth": request.headers.authorization ?? "" });
          response.write(JSON.stringify({ user: { name: "Live", plan: body.includes("u-9") ? "other" : "gold" }, access_token: "tok-123" }));
          response.end();
        });
      });
      await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
      const { port } = server.address() as AddressInfo;
      liveProject = await createTempProject();
      const config = structuredClone(definition.config);
      config.request.requestUrlTemplate = `http://127.0.0.1:${port}/users/\${input.id}`;
      await liveProject.addAction("get-user", { definition: { ...definition, config } });
    });
    afterAll(async () => {
      await new Promise<void>((resolve) => server.close(() => resolve()));
      await liveProject.remove();
    });

    it("sends the request to the endpoint with the credential filled in outside the sandbox, and records the answer without secrets", async () => {
      const recordDir = join(liveProject.root, "recorded");
      const [result] = await run(liveProject, [{ name: "live", payload: { id: "u-7", note: "n" } }], {
        declarative: { live: true, recordDir, env: { CXDA_CREDENTIAL_token: "s3cr3t-value" } },
      });
      expect(result?.status).toBe("pass");
      expect(result?.output).toEqual({ name: "Live", plan: "gold" });
      expect(received).toEqual({ url: "/users/u-7", authorization: "Bearer s3cr3t-value", body: '{ "note": "n" }' });
      // The endpoint echoed the credential in a header: it is hidden there too.
      expect(JSON.stringify(result)).not.toContain("s3cr3t-value");
      expect(result?.trace.steps[3]?.detail?.["headers"]).toMatchObject({ "x-echo-auth": "Bearer [redacted]" });
      const [file] = await readdir(recordDir);
      const text = await readFile(join(recordDir, file!), "utf8");
      const fixture = JSON.parse(text) as { status: number; headers: Record<string, string>; body: Record<string, unknown> };
      expect(fixture.status).toBe(200);
      expect(fixture.body["user"]).toEqual({ name: "Live", plan: "gold" });
      expect(text).not.toContain("tok-123");
      expect(text).not.toContain("s3cr3t-value");
      // No framing headers: the fixture replays through the stub as it is.
      expect(Object.keys(fixture.headers).map((h) => h.toLowerCase())).not.toContain("transfer-encoding");
      await mkdir(join(liveProject.root, "get-user", "fixtures"), { recursive: true });
      await copyFile(join(recordDir, file!), join(liveProject.root, "get-user", "fixtures", "recorded.json"));
      await writeFile(
        join(liveProject.root, "get-user", "cases", "replay.json"),
        JSON.stringify({
          name: "replay",
          payload: { id: "u-7", note: "n" },
          upstream: "fixtures/recorded.json",
          expect: { output: { name: "Live", plan: "gold" } },
        }),
      );
      const replayed: CaseResult[] = [];
      for await (const r of runCases({ actions: [join(liveProject.root, "get-user")], workers: 1, buildDir: join(liveProject.root, ".build") }))
        replayed.push(r);
      expect(replayed.map((r) => [r.case, r.status])).toEqual([["replay", "pass"]]);
    });

    it("records two different answers to the same request under two names, never with the query in the name", async () => {
      const recordDir = join(liveProject.root, "twice");
      const env = { CXDA_CREDENTIAL_token: "t" };
      await run(liveProject, [{ name: "a", payload: { id: "u-7", note: "n" } }], { declarative: { live: true, recordDir, env } });
      await run(liveProject, [{ name: "b", payload: { id: "u-7", note: "u-9" } }], { declarative: { live: true, recordDir, env } });
      const names = await readdir(recordDir);
      // Different bodies are different requests; the same request answered twice differently in one run gets -2.
      expect(names).toHaveLength(2);
      expect(names.every((name) => /^POST-users-u-7-[0-9a-f]{10}(-\d+)?\.json$/.test(name))).toBe(true);
    });

    it("does not fill in a credential whose placeholder text an input wrote", async () => {
      await run(liveProject, [{ name: "forged", payload: { id: "u-7", note: "{{cxda-credential:token}} ${credentials.token}" } }], {
        declarative: { live: true, env: { CXDA_CREDENTIAL_token: "s3cr3t-value" } },
      });
      expect(received?.body).toBe('{ "note": "{{cxda-credential:token}} ${credentials.token}" }');
    });

    it("gives up on an endpoint that does not answer at the case's limit, and closes the connection", async () => {
      const [result] = await run(liveProject, [{ name: "hang", payload: { id: "hang", note: "n" } }], {
        timeoutMs: 1000,
        declarative: { live: true, env: { CXDA_CREDENTIAL_token: "t" } },
      });
      expect(result?.error?.code).toBe("E_TIMEOUT");
      expect(result?.error?.message).toMatch(/the action did not finish within 1000 ms.*an upstream that does not answer/);
      await vi.waitFor(() => expect(hungClosed).toBe(true));
    });

    it("says which variable to set when a credential is missing", async () => {
      const [result] = await run(liveProject, [{ name: "live", payload: { id: "u-8", note: "n" } }], { declarative: { live: true, env: {} } });
      expect(result?.error?.message).toMatch(/set CXDA_CREDENTIAL_token/);
    });
  });
});
