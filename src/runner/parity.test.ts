// checkParity: a difference from the platform is a failure coded E_PARITY; a platform that cannot be asked keeps its code.
import { describe, expect, it } from "vitest";
import type { ApiClient, ExecuteResult, TestDataActionResult } from "../client/api-client.js";
import { CxdaError } from "../core/errors.js";
import type { CaseResult } from "../core/types.js";
import { checkParity, compareTest, parityOutcome, skippedParity } from "./parity.js";

function localResult(output: unknown): CaseResult {
  return {
    action: "da-test-1",
    case: "a case",
    status: "pass",
    output,
    issues: [],
    failures: [],
    logs: [],
    trace: { steps: [{ step: "compare", name: "compare with expectations", ok: true, startedAt: 0, durationMs: 0 }] },
    durationMs: 1,
  };
}

function clientAnswering(answer: () => Promise<ExecuteResult>): ApiClient {
  return { executeDataAction: answer } as unknown as ApiClient;
}

describe("checkParity", () => {
  it("codes every difference from the platform's output E_PARITY", async () => {
    const client = clientAnswering(async () => ({ ok: true, status: 200, output: { priority: "standard", score: 87 } }));
    const result = await checkParity(client, "da-test-1", {}, localResult({ priority: "high", score: 87 }));
    expect(result.status).toBe("fail");
    expect(result.failures).toEqual([
      {
        expectation: "parity",
        code: "E_PARITY",
        message: 'parity: output /priority: local "high", platform "standard"',
        path: "/priority",
        expected: "high",
        actual: "standard",
      },
    ]);
    expect(parityOutcome(result)).toBe("differs");
  });

  it("codes a platform that failed where the transform did not E_PARITY", async () => {
    const client = clientAnswering(async () => ({ ok: false, status: 500, error: { message: "transform threw" } }));
    const result = await checkParity(client, "da-test-1", {}, localResult({ a: 1 }));
    expect(result.failures.map((f) => [f.code, f.message])).toEqual([
      ["E_PARITY", "parity: the platform answered 500 (transform threw) where the local transform returned an output"],
    ]);
    expect(parityOutcome(result)).toBe("platform-failed");
  });

  it("keeps the platform's code when it cannot be asked, and marks the compare step unreachable", async () => {
    const client = clientAnswering(async () => {
      throw new CxdaError("E_AUTH", "401 from the token endpoint: check CXONE_CLIENT_ID");
    });
    const result = await checkParity(client, "da-test-1", {}, localResult({ a: 1 }));
    expect(result.status).toBe("error");
    expect(result.error).toEqual({
      code: "E_AUTH",
      message: "parity: could not run the case on the platform: 401 from the token endpoint: check CXONE_CLIENT_ID",
    });
    expect(parityOutcome(result)).toBe("unreachable");
  });

  it("takes the trigger's secret values out of what the platform said (regression: its 422 echoed them into every report)", async () => {
    const trigger = { contact: { password: "hunter2-secret", apiKey: "k-123456" }, tier: "gold" };
    const echoing = clientAnswering(async () => ({ ok: false, status: 422, error: { message: "bad input: password=hunter2-secret key k-123456" } }));
    const failed = await checkParity(echoing, "da-test-1", trigger, localResult({ a: 1 }));
    expect(JSON.stringify(failed.failures)).not.toMatch(/hunter2-secret|k-123456/);
    expect(failed.failures[0]!.message).toContain("[redacted]");
    const copying = clientAnswering(async () => ({ ok: true, status: 200, output: { note: "hunter2-secret" } }));
    const differs = await checkParity(copying, "da-test-1", trigger, localResult({ note: "none" }));
    expect(JSON.stringify(differs.failures)).not.toContain("hunter2-secret");
    const unreachable = clientAnswering(async () => {
      throw new CxdaError("E_HTTP", "502 from the platform: upstream said k-123456");
    });
    expect((await checkParity(unreachable, "da-test-1", trigger, localResult({ a: 1 }))).error?.message).not.toContain("k-123456");
  });

  it("finds no parity outcome on a case parity did not check", () => {
    expect(parityOutcome(localResult({ a: 1 }))).toBeUndefined();
  });
});

/** A local run of a Genesys declarative action: its steps' details as the worker records them. */
function declarativeResult(output: unknown, request: Record<string, unknown>, entries: Array<{ key: string; value: string }>): CaseResult {
  const step = (name: string, detail: Record<string, unknown>) => ({ step: name, name, ok: true, startedAt: 0, durationMs: 0, detail });
  const local = localResult(output);
  local.trace.steps = [
    step("resolve-request", { method: "POST", headers: {}, ...request }),
    step("upstream", { target: "stub", status: 200 }),
    step("translation-map", { entries }),
    step("success-template", { text: JSON.stringify(output) }),
    ...local.trace.steps,
  ] as CaseResult["trace"]["steps"];
  return local;
}

const OPERATION_NAMES = ["Resolve request", "Execute request", "Resolve translation map", "Resolve success template", "Validate output"];

function testAnswer(results: unknown[], finalResult: unknown): TestDataActionResult {
  return {
    success: true,
    status: 200,
    finalResult,
    operations: results.map((result, index) => ({ step: index + 1, name: OPERATION_NAMES[index]!, success: true, result })),
  };
}

describe("compareTest (Genesys Cloud's test endpoint)", () => {
  const request = { url: "https://api.example.com/c?id=7", json: true, body: '{"id":"7","tags":["a"]}' };
  const entries = [{ key: "tier", value: '"gold"' }];

  it("finds nothing when the operations and the final result match the local steps", () => {
    const remote = testAnswer([{ url: request.url, body: '{"id":"7","tags":["a"]}' }, {}, { tier: "gold" }, { tier: "gold" }, {}], { tier: "gold" });
    expect(compareTest(declarativeResult({ tier: "gold" }, request, entries), remote)).toEqual({
      failures: [],
      detail: { parity: "same", differences: 0, operations: 5 },
    });
  });

  it("reads a body given as JSON, a URL given as text, and translated values given as JSON text", () => {
    const same = testAnswer([request.url, {}, { tier: '"gold"' }], { tier: "gold" });
    expect(compareTest(declarativeResult({ tier: "gold" }, request, entries), same).failures).toEqual([]);
    const other = testAnswer([{ url: request.url, body: { id: "8", tags: ["a"] } }], { tier: "gold" });
    expect(compareTest(declarativeResult({ tier: "gold" }, request, entries), other).failures.map((f) => f.message)).toEqual([
      'parity: step 1 (Resolve request): request body /id: local "7", platform "8"',
    ]);
  });

  it("never compares (or prints) a value the local trace holds as a credential or redacted", () => {
    const local = declarativeResult(
      { ok: true },
      { url: "https://api.example.com/c?key=${credentials.apiKey}", json: true, body: '{"value":"${credentials.apiKey}","password":"[redacted]"}' },
      [],
    );
    const remote = testAnswer([{ url: "https://api.example.com/c?key=s3cr3t-value", body: '{"value":"s3cr3t-value","password":"hunter2"}' }], {
      ok: true,
    });
    const { failures } = compareTest(local, remote);
    expect(failures).toEqual([]);
  });

  it("compares the method, and a body that is not JSON as text", () => {
    const local = declarativeResult({ ok: true }, { method: "POST", url: "https://x/y", json: false, body: "a=1&b=2" }, []);
    const remote = testAnswer([{ method: "PUT", url: "https://x/y", body: "a=1&b=3" }], { ok: true });
    expect(compareTest(local, remote).failures.map((f) => f.path)).toEqual(["request.method", "request.body"]);
  });

  it("names the operation that failed and its error, or the test's own error when no operation says", () => {
    const failed: TestDataActionResult = {
      success: false,
      status: 200,
      operations: [
        { step: 1, name: "Resolve request", success: true },
        { step: 2, name: "Execute request", success: false, error: { message: "upstream said 503", code: "E_UPSTREAM", status: 503 } },
      ],
      error: { message: "upstream said 503" },
    };
    expect(compareTest(declarativeResult({ a: 1 }, request, []), failed)).toEqual({
      failures: [
        {
          expectation: "parity",
          code: "E_PARITY",
          message: "parity: the platform's test failed at step 2 (Execute request): upstream said 503; the local run succeeded",
          actual: "upstream said 503",
        },
      ],
      detail: { parity: "platform-failed", status: 200, step: 2, operation: "Execute request" },
    });
    const refused: TestDataActionResult = { success: false, status: 400, operations: [], error: { message: "input is not valid" } };
    expect(compareTest(declarativeResult({ a: 1 }, request, []), refused).failures[0]!.message).toBe(
      "parity: the platform's test failed: input is not valid; the local run succeeded",
    );
  });

  it("asks a Genesys client's test endpoint, never its execute endpoint", async () => {
    const asked: string[] = [];
    const client = {
      platform: "genesys",
      testDataAction: async (id: string, input: unknown) => {
        asked.push(`test ${id} ${JSON.stringify(input)}`);
        return testAnswer([request.url], { tier: "silver" });
      },
      executeDataAction: async () => {
        throw new Error("execute must not be called on Genesys");
      },
    } as unknown as ApiClient;
    const result = await checkParity(client, "custom_-_1", { id: "7" }, declarativeResult({ tier: "gold" }, request, []));
    expect(asked).toEqual(['test custom_-_1 {"id":"7"}']);
    expect(result.status).toBe("fail");
    expect(result.failures.map((f) => f.message)).toEqual(['parity: step 4 (success-template): output /tier: local "gold", platform "silver"']);
    expect(parityOutcome(result)).toBe("differs");
  });
});

describe("skippedParity", () => {
  it("says in the compare step that the platform never saw the case", () => {
    const local: CaseResult = {
      action: "a",
      case: "c",
      status: "pass",
      issues: [],
      failures: [],
      logs: [],
      durationMs: 1,
      trace: { steps: [{ step: "compare", name: "compare", ok: true, startedAt: 0, durationMs: 0, detail: { failures: 0 } }] },
    };
    expect(skippedParity(local).trace.steps[0]?.detail).toMatchObject({ failures: 0, parity: "skipped" });
  });
});
