// checkParity: a difference from the platform is a failure coded E_PARITY; a platform that cannot be asked keeps its code.
import { describe, expect, it } from "vitest";
import type { ApiClient, ExecuteResult } from "../client/api-client.js";
import { CxdaError } from "../core/errors.js";
import type { CaseResult } from "../core/types.js";
import { checkParity, parityOutcome } from "./parity.js";

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
