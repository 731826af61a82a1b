// `--parity` on Genesys Cloud against the real emulator on loopback: each case's input goes to the action's test endpoint,
// the emulator runs the action for real (its request to a loopback "upstream" this test starts), and its operations and
// final result are compared with the local run, which got the case's `upstream` answer from cxda's own stub.
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { runEmulatorCommand } from "../../../src/cli/commands/emulator.js";
import { createApiClient, type ApiClient } from "../../../src/client/api-client.js";
import type { CaseResult } from "../../../src/core/types.js";
import { startEmulator, type Emulator } from "../../../src/emulator/emulator.js";
import { parityOutcome } from "../../../src/runner/parity.js";
import { runCases } from "../../../src/runner/run-cases.js";
import { createTempProject, type TempProject } from "../../helpers/temp-project.js";
import { captureTerminal } from "./helpers.js";

/** The action's id: its folder's name locally, its id on the emulator. */
const ID = "custom_-_7a0c2f4e-1b3d-4c5e-8f90-123456789abc";

/** A loopback stand-in for the service the action calls: it answers with the customer record, or with `failWith`. */
interface Upstream {
  origin: string;
  requests: Array<{ method: string; url: string; body: string; authorization: string | undefined }>;
  failWith: number | undefined;
  server: Server;
}

async function startUpstream(): Promise<Upstream> {
  const upstream: Upstream = { origin: "", requests: [], failWith: undefined, server: createServer() };
  upstream.server.on("request", (request: IncomingMessage, response: ServerResponse) => {
    const chunks: Buffer[] = [];
    request.on("data", (chunk: Buffer) => chunks.push(chunk));
    request.on("end", () => {
      const body = Buffer.concat(chunks).toString("utf8");
      upstream.requests.push({ method: request.method ?? "", url: request.url ?? "", body, authorization: request.headers.authorization });
      const status = upstream.failWith ?? 200;
      const answer = status === 200 ? { tier: "gold", name: "Ada Lovelace", since: 2019 } : { message: "the customer service is down" };
      response.writeHead(status, { "content-type": "application/json" }).end(JSON.stringify(answer));
    });
  });
  await new Promise<void>((resolve) => upstream.server.listen(0, "127.0.0.1", resolve));
  upstream.origin = `http://127.0.0.1:${(upstream.server.address() as AddressInfo).port}`;
  return upstream;
}

/** A Genesys export that looks a customer up with a POST to the upstream and returns its tier. */
function customerExport(origin: string, response: Record<string, unknown> = {}, request: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    name: "Look up customer tier - Exported 2025-02-03 @ 09:30",
    integrationType: "purecloud-data-actions",
    actionType: "custom",
    config: {
      request: {
        requestUrlTemplate: `${origin}/customers/lookup?region=\${input.region}`,
        requestType: "POST",
        headers: { "Content-Type": "application/json" },
        requestTemplate: '{"id": "$esc.jsonString(${input.customerId})", "fields": ["tier", "since"]}',
        ...request,
      },
      response: {
        translationMap: { tier: "$.tier", since: "$.since" },
        translationMapDefaults: {},
        successTemplate: '{ "tier": ${tier}, "customerSince": ${since} }',
        ...response,
      },
    },
    contract: {
      input: {
        inputSchema: {
          type: "object",
          properties: { customerId: { type: "string" }, region: { type: "string" } },
          required: ["customerId", "region"],
        },
      },
      output: { successSchema: { type: "object", properties: { tier: { type: "string" }, customerSince: { type: "integer" } } } },
    },
    secure: false,
  };
}

/** The case: the same answer the loopback upstream gives, served locally by cxda's stub. */
const CASE = {
  name: "a gold customer",
  payload: { customerId: "C-1", region: "emea" },
  upstream: { status: 200, body: { tier: "gold", name: "Ada Lovelace", since: 2019 } },
  expect: { output: { tier: "gold", customerSince: 2019 } },
};

let upstream: Upstream;
let project: TempProject;
let dir: string;
let emulator: Emulator | undefined;
beforeAll(async () => {
  upstream = await startUpstream();
  project = await createTempProject();
  dir = await project.addAction(ID, { definition: customerExport(upstream.origin), cases: { "tier.json": [CASE] } });
});
afterAll(async () => {
  await new Promise<void>((resolve) => upstream.server.close(() => resolve()));
  await project.remove();
});
afterEach(async () => {
  await emulator?.close();
  emulator = undefined;
  upstream.failWith = undefined;
  upstream.requests.length = 0;
});

const genesysClient = (running: Emulator): ApiClient => createApiClient({ platform: "genesys", env: running.genesysEnv, envFile: false });

async function runWithParity(served: Record<string, unknown>): Promise<CaseResult> {
  emulator = await startEmulator({ definitions: { [ID]: served } });
  const results: CaseResult[] = [];
  for await (const result of runCases({ actions: [dir], parity: { client: genesysClient(emulator) } })) results.push(result);
  expect(results).toHaveLength(1);
  return results[0]!;
}

describe("--parity on Genesys Cloud, against the emulator's test endpoint", () => {
  it("passes a case whose platform test resolves the same request and gives the same result", async () => {
    const result = await runWithParity(customerExport(upstream.origin));
    expect(result.failures).toEqual([]);
    expect(result.status).toBe("pass");
    expect(parityOutcome(result)).toBe("same");
    expect(result.trace.steps.find((step) => step.step === "compare")?.detail).toMatchObject({ parity: "same", differences: 0, operations: 5 });
    // The emulator really called the upstream, with the body the templates resolved to.
    expect(upstream.requests).toEqual([
      { method: "POST", url: "/customers/lookup?region=emea", body: '{"id": "C-1", "fields": ["tier", "since"]}', authorization: undefined },
    ]);
    expect(emulator!.requests.filter((entry) => entry.route === "genesys-test-action")).toEqual([
      expect.objectContaining({ method: "POST", status: 200, actionId: ID }),
    ]);
  });

  it("fails with E_PARITY naming the step when the platform's translation map differs", async () => {
    const result = await runWithParity(customerExport(upstream.origin, { translationMap: { tier: "$.name", since: "$.since" } }));
    expect(result.status).toBe("fail");
    expect(parityOutcome(result)).toBe("differs");
    expect(result.failures.map((failure) => [failure.code, failure.message])).toEqual([
      ["E_PARITY", 'parity: step 3 (Resolve translation map): tier: local "gold", platform "Ada Lovelace"'],
      ["E_PARITY", 'parity: step 4 (Resolve success template): output /tier: local "gold", platform "Ada Lovelace"'],
    ]);
  });

  it("fails with E_PARITY naming the step when the platform's success template differs", async () => {
    const result = await runWithParity(
      customerExport(upstream.origin, { successTemplate: '{ "tier": ${tier}, "customerSince": ${since}, "vip": true }' }),
    );
    expect(result.failures.map((failure) => failure.message)).toEqual([
      "parity: step 4 (Resolve success template): output /vip: local (missing), platform true",
    ]);
  });

  it("fails with E_PARITY naming the step when the platform resolves another URL or body", async () => {
    const result = await runWithParity(
      customerExport(
        upstream.origin,
        {},
        { requestUrlTemplate: `${upstream.origin}/customers/lookup?region=us`, requestTemplate: '{"id": "C-1", "fields": ["tier"]}' },
      ),
    );
    expect(result.failures.map((failure) => [failure.message, failure.path])).toEqual([
      [
        `parity: step 1 (Resolve request URL, headers and body): request URL: local "${upstream.origin}/customers/lookup?region=emea", platform "${upstream.origin}/customers/lookup?region=us"`,
        "request.url",
      ],
      [
        'parity: step 1 (Resolve request URL, headers and body): request body /fields: local ["tier","since"], platform ["tier"]',
        "request.body/fields",
      ],
    ]);
  });

  it("reports platform-failed, naming the operation and its error, when only the platform's upstream fails", async () => {
    upstream.failWith = 500;
    const result = await runWithParity(customerExport(upstream.origin));
    expect(result.status).toBe("fail");
    expect(parityOutcome(result)).toBe("platform-failed");
    expect(result.failures).toHaveLength(1);
    expect(result.failures[0]).toMatchObject({ code: "E_PARITY", expectation: "parity" });
    expect(result.failures[0]!.message).toMatch(
      /^parity: the platform's test failed at step 2 \(Execute request\): the upstream answered status 500 .*the customer service is down.*; the local run succeeded$/,
    );
    expect(result.trace.steps.find((step) => step.step === "compare")?.detail).toMatchObject({ step: 2, operation: "Execute request" });
  });

  it("turns an unreachable platform into a per-case error with the platform's code", async () => {
    emulator = await startEmulator({ definitions: { [ID]: customerExport(upstream.origin) } });
    const client = createApiClient({ platform: "genesys", env: emulator.genesysEnv, envFile: false, retry: { maxAttempts: 1 } });
    await client.tokenProvider.getToken();
    await emulator.close();
    emulator = undefined;
    const results: CaseResult[] = [];
    for await (const result of runCases({ actions: [dir], parity: { client } })) results.push(result);
    expect(results[0]).toMatchObject({ status: "error", error: { code: "E_NETWORK" } });
    expect(parityOutcome(results[0]!)).toBe("unreachable");
  });
});

describe("the emulator's test endpoint", () => {
  it("answers a TestExecutionResult whose operations mirror the steps", async () => {
    emulator = await startEmulator({ definitions: { [ID]: customerExport(upstream.origin) } });
    const test = await genesysClient(emulator).testDataAction(ID, { customerId: "C-2", region: "apac" });
    expect(test).toMatchObject({ success: true, status: 200, finalResult: { tier: "gold", customerSince: 2019 } });
    expect(test.operations.map((operation) => [operation.step, operation.name, operation.success])).toEqual([
      [1, "Resolve request URL, headers and body", true],
      [2, "Execute request", true],
      [3, "Resolve translation map", true],
      [4, "Resolve success template", true],
      [5, "Validate output against the success schema", true],
    ]);
    expect(test.operations[0]!.result).toEqual({
      method: "POST",
      url: `${upstream.origin}/customers/lookup?region=apac`,
      headers: { "Content-Type": "application/json" },
      body: '{"id": "C-2", "fields": ["tier", "since"]}',
    });
    expect(test.operations[1]!.result).toMatchObject({ status: 200, body: { tier: "gold", name: "Ada Lovelace", since: 2019 } });
    expect(test.operations[2]!.result).toEqual({ tier: "gold", since: 2019 });
  });

  it("fails the validate operation when the output does not match the success schema", async () => {
    emulator = await startEmulator({
      definitions: { [ID]: customerExport(upstream.origin, { successTemplate: '{ "tier": ${tier}, "customerSince": "${since}" }' }) },
    });
    const test = await genesysClient(emulator).testDataAction(ID, { customerId: "C-2", region: "apac" });
    expect(test.success).toBe(false);
    expect(test.operations.at(-1)).toMatchObject({ step: 5, success: false, error: { code: "E_SCHEMA" } });
    expect(test.operations.at(-1)!.error!.message).toContain("output /customerSince: must be integer");
    expect(test).not.toHaveProperty("finalResult");
  });

  it("sends a Platform API path to the emulator itself, and refuses a URL it cannot send as a failed operation", async () => {
    emulator = await startEmulator({
      definitions: {
        [ID]: customerExport(
          upstream.origin,
          { translationMap: { tier: "$.name" }, successTemplate: '{ "tier": ${tier} }' },
          {
            requestUrlTemplate: `/api/v2/integrations/actions/${ID}`,
            requestType: "GET",
          },
        ),
        "custom_-_lambda": customerExport(upstream.origin, {}, { requestUrlTemplate: "arn:aws:lambda:us-east-1:123456789012:function:tier" }),
      },
    });
    const own = await genesysClient(emulator).testDataAction(ID, { customerId: "C-3", region: "emea" });
    // The action reads its own definition from the emulator's API, with the caller's token.
    expect(own).toMatchObject({ success: true, finalResult: { tier: "Look up customer tier - Exported 2025-02-03 @ 09:30" } });
    expect(emulator.requests.filter((entry) => entry.route === "genesys-get-action")).toEqual([expect.objectContaining({ status: 200 })]);

    const lambda = await genesysClient(emulator).testDataAction("custom_-_lambda", { customerId: "C-3", region: "emea" });
    expect(lambda.success).toBe(false);
    expect(lambda.operations.map((operation) => [operation.step, operation.success])).toEqual([
      [1, true],
      [2, false],
    ]);
    expect(lambda.operations[1]!.error).toMatchObject({ code: "E_REQUEST", status: 400 });
    expect(lambda.operations[1]!.error!.message).toContain("is neither an absolute http(s) URL nor a Platform API path");
  });

  it("stops a template whose regular expression backtracks for ever, and keeps answering meanwhile", async () => {
    emulator = await startEmulator({
      testTimeoutMs: 1500,
      definitions: {
        [ID]: customerExport(upstream.origin, {
          translationMap: { name: "$.name" },
          successTemplate:
            '#set($long = "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"){ "long": #if($long.matches("([a-j]+[a-j]+)+!"))true#{else}false#end }',
        }),
      },
    });
    upstream.failWith = undefined;
    const client = genesysClient(emulator);
    const hanging = client.testDataAction(ID, { customerId: "C-4", region: "emea" });
    // While the template runs, the emulator answers other requests.
    const started = performance.now();
    const got = await client.getDataAction(ID);
    expect(got.notModified).toBe(false);
    expect(performance.now() - started).toBeLessThan(1000);
    const test = await hanging;
    expect(test.success).toBe(false);
    expect(test.operations.map((operation) => [operation.name, operation.success])).toEqual([
      ["Resolve request URL, headers and body", true],
      ["Execute request", true],
      ["Resolve success template", false],
    ]);
    expect(test.operations[2]!.error).toMatchObject({ code: "E_TIMEOUT", status: 504 });
    expect(test.operations[2]!.error!.message).toMatch(/did not finish within 1500 ms: a regular expression in the success template/);
    // A thread was stopped; the next test gets a fresh one and succeeds.
    emulator.setDefinition(ID, customerExport(upstream.origin));
    expect(await client.testDataAction(ID, { customerId: "C-5", region: "emea" })).toMatchObject({ success: true });
  });

  it("refuses without the execute permission, in Genesys' words, and takes the route's faults", async () => {
    emulator = await startEmulator({
      clients: [{ clientId: "viewer", clientSecret: "viewer-secret-123", scopes: ["integrations:action:view"] }],
      definitions: { [ID]: customerExport(upstream.origin) },
    });
    const viewer = createApiClient({
      platform: "genesys",
      env: { ...emulator.genesysEnv, GENESYSCLOUD_OAUTHCLIENT_ID: "viewer", GENESYSCLOUD_OAUTHCLIENT_SECRET: "viewer-secret-123" },
      envFile: false,
    });
    const refused = await viewer.testDataAction(ID, { customerId: "C-6", region: "emea" }).catch((error: unknown) => error);
    expect(refused).toMatchObject({ code: "E_SCOPE" });
    expect((refused as Error).message).toContain('the OAuth client lacks the permission "integrations:action:execute" (or "bridge:actions:execute")');
    const answered = await fetch(`${emulator.apiUrl}/integrations/actions/${ID}/test`, {
      method: "POST",
      headers: { authorization: `Bearer ${await viewer.tokenProvider.getToken()}`, "content-type": "application/json" },
      body: "{}",
    });
    expect(await answered.json()).toMatchObject({ code: "missing.any.permissions", status: 403 });

    emulator.setFaults([{ route: "genesys-test-action", status: 503, count: 1 }]);
    const client = createApiClient({
      platform: "genesys",
      env: { ...emulator.genesysEnv, GENESYSCLOUD_OAUTHCLIENT_ID: "viewer", GENESYSCLOUD_OAUTHCLIENT_SECRET: "viewer-secret-123" },
      envFile: false,
      retry: { maxAttempts: 3, sleep: async () => {} },
    });
    // A 503 without Retry-After may have run upstream: a test is not sent again, as execute is not.
    expect(await client.testDataAction(ID, {}).catch((error: unknown) => error)).toMatchObject({ code: "E_HTTP", context: { status: 503 } });
    expect(emulator.requests.filter((entry) => entry.route === "genesys-test-action").at(-1)).toMatchObject({ status: 503, faults: ["status 503"] });
  });

  it("answers 404 for an unknown action and 400 for a body that is not an input map, in Genesys' words", async () => {
    emulator = await startEmulator({ definitions: { [ID]: customerExport(upstream.origin) } });
    const client = genesysClient(emulator);
    expect(await client.testDataAction("custom_-_missing", {}).catch((error: unknown) => error)).toMatchObject({ code: "E_NOT_FOUND" });
    const token = await client.tokenProvider.getToken();
    const answer = await fetch(`${emulator.apiUrl}/integrations/actions/${ID}/test`, {
      method: "POST",
      headers: { authorization: `Bearer ${token}`, "content-type": "application/json" },
      body: "[1, 2]",
    });
    expect(answer.status).toBe(400);
    expect(await answer.json()).toMatchObject({ code: "bad.request", message: "the body must be the input map, a JSON object; got an array" });
    const failed = await client.testDataAction(ID, [1, 2]);
    expect(failed).toMatchObject({ success: false, status: 400, operations: [], error: { code: "bad.request" } });
  });
});

describe("cxda emulator", () => {
  it("prints the Genesys Cloud variables beside the CXone ones, and in its JSON ready line", async () => {
    const stop = new AbortController();
    stop.abort();
    const plain = captureTerminal();
    await runEmulatorCommand({ quiet: true }, plain, stop.signal);
    const text = plain.lines.join("\n");
    expect(text).toMatch(/CXONE_API_URL=http:\/\/127\.0\.0\.1:\d+\/api\/v2/);
    expect(text).toMatch(/Genesys Cloud \(--platform genesys/);
    expect(text).toMatch(/GENESYSCLOUD_API_URL=http:\/\/127\.0\.0\.1:\d+\/api\/v2\n/);
    expect(text).toMatch(/GENESYSCLOUD_TOKEN_URL=http:\/\/127\.0\.0\.1:\d+\/oauth\/token\n/);
    expect(text).toMatch(/GENESYSCLOUD_OAUTHCLIENT_SECRET=emu-cs-/);
    const json = captureTerminal();
    await runEmulatorCommand({ quiet: true, json: true }, json, stop.signal);
    const ready = JSON.parse(json.lines[0] ?? "{}") as { genesysEnv?: Record<string, string> };
    expect(Object.keys(ready.genesysEnv ?? {})).toEqual([
      "GENESYSCLOUD_API_URL",
      "GENESYSCLOUD_TOKEN_URL",
      "GENESYSCLOUD_OAUTHCLIENT_ID",
      "GENESYSCLOUD_OAUTHCLIENT_SECRET",
    ]);
  });
});
