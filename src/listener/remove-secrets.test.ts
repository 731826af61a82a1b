import { describe, expect, it } from "vitest";
import { removeSecrets } from "./remove-secrets.js";

describe("removeSecrets", () => {
  it("removes secret-looking keys at any depth, whatever their case, and lists where they were", () => {
    const trigger = {
      dataActionId: "da-1",
      contact: { id: "c-1", attributes: { apiToken: "t-1", tier: "gold", API_KEY: "k", nested: [{ Password: "p", keep: 1 }] } },
      data: { customFields: { client_secret: "s", accessKey: "a", "x-authorization": "z", resolutionScore: 87 } },
    };
    const { value, removed } = removeSecrets(trigger);
    expect(value).toEqual({ dataActionId: "da-1", contact: { id: "c-1", attributes: { tier: "gold", nested: [{ keep: 1 }] } }, data: { customFields: { resolutionScore: 87 } } });
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
});
