import { describe, expect, it } from "vitest";
import { redactSecretText, removeSecrets } from "./remove-secrets.js";

describe("removeSecrets", () => {
  it("removes secret-looking keys at any depth, whatever their case, and lists where they were", () => {
    const trigger = {
      dataActionId: "da-1",
      contact: { id: "c-1", attributes: { apiToken: "t-1", tier: "gold", API_KEY: "k", nested: [{ Password: "p", keep: 1 }] } },
      data: { customFields: { client_secret: "s", accessKey: "a", "x-authorization": "z", resolutionScore: 87 } },
    };
    const { value, removed } = removeSecrets(trigger);
    expect(value).toEqual({
      dataActionId: "da-1",
      contact: { id: "c-1", attributes: { tier: "gold", nested: [{ keep: 1 }] } },
      data: { customFields: { resolutionScore: 87 } },
    });
    expect(removed).toEqual([
      "/contact/attributes/apiToken",
      "/contact/attributes/API_KEY",
      "/contact/attributes/nested/0/Password",
      "/data/customFields/client_secret",
      "/data/customFields/accessKey",
      "/data/customFields/x-authorization",
    ]);
  });

  it("removes HTTP credentials whatever their key is called, and leaves the input unchanged", () => {
    const trigger = { header: "Bearer eyJhbGciOi", list: ["ok", "Basic dXNlcjpwYXNz"], note: "bearer of good news" };
    const copy = structuredClone(trigger);
    expect(removeSecrets(trigger)).toEqual({ value: { note: "bearer of good news", list: ["ok"] }, removed: ["/header", "/list/1"] });
    expect(trigger).toEqual(copy);
  });

  it("keeps a __proto__ key as data", () => {
    const trigger = JSON.parse('{"__proto__": {"tier": "x"}}') as Record<string, unknown>;
    const { value } = removeSecrets(trigger);
    expect(Object.getPrototypeOf(value)).toBe(Object.prototype);
    expect(Object.hasOwn(value, "__proto__")).toBe(true);
  });

  it("redacts credentials in URLs, token-like query parameters and card numbers inside any string, and lists where", () => {
    const trigger = {
      callbackUrl: "https://bot:hunter2@hooks.example.com/cb?access_token=tok-123&lang=en",
      contact: {
        attributes: {
          note: "card 4111 1111 1111 1111 exp 12/29",
          links: ["https://api.example.com/x?api_key=k-9&page=2", "https://example.com/plain"],
        },
      },
      data: { customFields: { resolutionScore: 87, orderRef: "ORD-7731" } },
    };
    const { value, removed } = removeSecrets(trigger);
    expect(value).toEqual({
      callbackUrl: "https://[redacted]@hooks.example.com/cb?access_token=[redacted]&lang=en",
      contact: {
        attributes: {
          note: "card [redacted] exp 12/29",
          links: ["https://api.example.com/x?api_key=[redacted]&page=2", "https://example.com/plain"],
        },
      },
      data: { customFields: { resolutionScore: 87, orderRef: "ORD-7731" } },
    });
    expect(removed).toEqual(["/callbackUrl", "/contact/attributes/note", "/contact/attributes/links/0"]);
  });
});

describe("redactSecretText", () => {
  it("keeps the host of a URL and redacts its userinfo, a lone token as user name too", () => {
    expect(redactSecretText("https://user:pass@host.example/path")).toBe("https://[redacted]@host.example/path");
    expect(redactSecretText("push to https://ghp_abc123@github.com/o/r.git now")).toBe("push to https://[redacted]@github.com/o/r.git now");
    expect(redactSecretText("ftp://a:b%40c@files.example:21/x")).toBe("ftp://[redacted]@files.example:21/x");
    expect(redactSecretText("mail ada@example.com about http://example.com")).toBe("mail ada@example.com about http://example.com");
  });

  it.each([
    "access_token",
    "token",
    "api_key",
    "apikey",
    "key",
    "sig",
    "signature",
    "secret",
    "password",
    "client_secret",
    "code",
    "refresh_token",
    "X-Amz-Signature",
    "X-Amz-Credential",
    "jsessionid",
  ])("redacts the value of the query parameter %s, in a query or a fragment", (name) => {
    expect(redactSecretText(`https://h.example/cb?lang=en&${name}=v4lue-1&page=2`)).toBe(`https://h.example/cb?lang=en&${name}=[redacted]&page=2`);
    expect(redactSecretText(`https://h.example/cb#${name}=v4lue-1`)).toBe(`https://h.example/cb#${name}=[redacted]`);
  });

  it("keeps ordinary query parameters", () => {
    const text = "https://h.example/search?q=billing&page=2&sort=desc&keyword=x&monkey=1";
    expect(redactSecretText(text)).toBe(text);
  });

  it.each([
    "4111111111111111",
    "4111 1111 1111 1111",
    "4111-1111-1111-1111",
    "378282246310005",
    "6011 0009 9013 9424",
    "5555555555554444",
    "4222222222222",
    "6011111111111111110",
  ])("redacts the card-number-like %s (13–19 digits passing Luhn)", (card) => {
    expect(redactSecretText(`paid with ${card}.`)).toBe("paid with [redacted].");
  });

  it("keeps numbers that fail Luhn, are too short or too long, and dates", () => {
    for (const text of ["4111111111111112", "411111111111", "41111111111111111111", "2026-11-20T10:00:00.123Z", "call +1 555-123-4567", "ORD-7731"]) {
      expect(redactSecretText(text)).toBe(text);
    }
  });
});
