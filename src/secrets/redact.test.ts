// Unit tests of redaction by key: structured values, key=value text, secret paths and whole case results.
import { describe, expect, it } from "vitest";
import type { CaseResult } from "../core/types.js";
import { redactResult, redactSecrets, redactText } from "./redact.js";
import { isSecretKey, isSecretPath } from "./secret-keys.js";

describe("redactSecrets", () => {
  it("hides the value of every secret-looking key, at any depth and in arrays", () => {
    const value = {
      contact: { apiKey: "k-1", api_key: "k-2", "API-KEY": "k-3", name: "Ada" },
      data: { customFields: { accessKeyId: "AK", refresh_token: "rt", Password: "pw", clientSecret: { nested: true } } },
      headers: [{ Authorization: "Bearer abc", accept: "json" }],
    };
    expect(redactSecrets(value)).toEqual({
      contact: { apiKey: "[redacted]", api_key: "[redacted]", "API-KEY": "[redacted]", name: "Ada" },
      data: { customFields: { accessKeyId: "[redacted]", refresh_token: "[redacted]", Password: "[redacted]", clientSecret: "[redacted]" } },
      headers: [{ Authorization: "[redacted]", accept: "json" }],
    });
    expect(value.contact.apiKey).toBe("k-1");
  });

  it("leaves keys that only look alike alone", () => {
    expect(redactSecrets({ tokenize: 1, keyboard: "x", secretary: "y" })).toEqual({ tokenize: "[redacted]", keyboard: "x", secretary: "[redacted]" });
  });
});

describe("redactText and isSecretPath", () => {
  it("hides key=value and key: value secrets in free text", () => {
    expect(redactText('sent token=abc123 and "password": "hunter2" to x; authorization: Bearer zz9')).toBe(
      'sent token=[redacted] and "password": [redacted] to x; authorization: [redacted]',
    );
    expect(redactText("no secret here: priority=high")).toBe("no secret here: priority=high");
  });

  it("recognises pointer and dotted paths through secret keys", () => {
    expect(isSecretPath("/contact/apiKey")).toBe(true);
    expect(isSecretPath("data.customFields.access_key")).toBe(true);
    expect(isSecretPath("/resolutionScore")).toBe(false);
  });

  it("judges a key the same each time it is asked", () => {
    expect([isSecretKey("apiKey"), isSecretKey("apiKey"), isSecretKey("tier"), isSecretKey("tier")]).toEqual([true, true, false, false]);
  });
});

describe("redactResult", () => {
  it("hides secrets in the output, issues, failures, logs and errors of a result", () => {
    const result: CaseResult = {
      action: "a",
      case: "c",
      status: "fail",
      output: { recordId: "r", apiKey: "k-live-1" },
      issues: [
        {
          side: "output",
          path: "/apiKey",
          keyword: "maxLength",
          expected: 4,
          actual: "k-live-1",
          message: 'must have at most 4 characters, got string "k-live-1"',
        },
      ],
      failures: [
        { expectation: "match", message: 'output /apiKey: expected "x", got "k-live-1"', path: "/apiKey", expected: "x", actual: "k-live-1" },
      ],
      logs: [{ level: "log", message: "using token=k-live-1", atMs: 0 }],
      error: { code: "E_TRANSFORM", message: "failed with secret=k-live-1" },
      trace: { steps: [{ step: "execute", name: "execute", ok: true, startedAt: 1, durationMs: 1, detail: { token: "k-live-1" } }] },
      durationMs: 1,
    };
    const text = JSON.stringify(redactResult(result));
    expect(text).not.toContain("k-live-1");
    expect(redactResult(result).issues[0]?.message).toBe("must have at most 4 characters, got [redacted]");
    expect(redactResult(result).failures[0]?.message).toBe("output /apiKey: expected [redacted], got [redacted]");
  });
});

describe("redactText regressions", () => {
  it("keeps the quote that closes a JSON string after a redacted query value (regression: it was eaten)", () => {
    expect(redactText('{"url":"https://x.test/cb?access_token=ABC","next":"keep"}')).toBe(
      '{"url":"https://x.test/cb?access_token=[redacted]","next":"keep"}',
    );
  });

  it("takes credentials out of URLs in free text, as recordings do (regression: reports kept them)", () => {
    expect(redactText("calling https://user:pa55word@hooks.example/cb")).toBe("calling https://[redacted]@hooks.example/cb");
  });

  it("leaves a token URL's status alone (regression: '/auth/token: 400' became '[redacted]')", () => {
    expect(redactText("POST http://127.0.0.1:1/auth/token: 400 Bad Request")).toBe("POST http://127.0.0.1:1/auth/token: 400 Bad Request");
  });

  it("ends a Basic value before the closing bracket (regression: it swallowed ');')", () => {
    expect(redactText("(Authorization: Basic dXNlcjpwYXNz); next")).toBe("(Authorization: [redacted]); next");
  });
});
