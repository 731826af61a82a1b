import { describe, expect, it } from "vitest";
import { checkUrl } from "./url-checks.js";

describe("checkUrl", () => {
  it("accepts http and https URLs, and paths for integrations with a base of their own", () => {
    expect(checkUrl("https://api.example.com/v1/users/7?x=a%20b")).toBeUndefined();
    expect(checkUrl("http://localhost:8080/x")).toBeUndefined();
    expect(checkUrl("/api/v2/conversations/c-1/tags", "purecloud-data-actions")).toBeUndefined();
    expect(checkUrl("/services/data/v58.0/query?q=SELECT+Id", "salesforce-datadip")).toBeUndefined();
    expect(checkUrl("  /api/v2/users/1\n")).toBeUndefined();
  });

  it("names the character a URL may not hold unescaped, and where", () => {
    expect(checkUrl('/api/v2/users/say"hi"')).toMatchObject({
      code: "url-invalid",
      reason: 'character "',
      message: expect.stringContaining("a double quote at column 18"),
    });
    expect(checkUrl("/api/v2/users/two words")?.message).toContain("a space at column 18");
    expect(checkUrl("/api/v2/users/a\nb")?.message).toContain("a line break");
    expect(checkUrl("/api/v2/users/${input.id}")?.message).toContain('"{"');
    expect(checkUrl("/search?q=100%")?.message).toContain("a % not followed by two hex digits");
  });

  it("leaves characters beyond ASCII to the client, which encodes them", () => {
    expect(checkUrl("/api/v2/users/Zoë😀")).toBeUndefined();
  });

  it("refuses a path for a web services action, and schemes that are not http", () => {
    expect(checkUrl("/v1/things", "custom-rest-actions")).toMatchObject({ code: "url-invalid", reason: "path" });
    expect(checkUrl("ftp://files.example.com/a")?.message).toContain("uses the scheme ftp");
    expect(checkUrl("api.example.com/v1")?.message).toContain("is not a URL");
    expect(checkUrl("")?.message).toBe("the URL renders empty");
  });

  it("says a Lambda ARN is not an HTTP URL, and a placeholder is not even an ARN", () => {
    const arn = "arn:aws:lambda:us-east-1:123456789012:function:getSlots:live";
    expect(checkUrl(arn, "aws-lambda-data-actions")).toMatchObject({ severity: "warning", code: "url-not-http", reason: "lambda-arn" });
    expect(checkUrl(arn)).toMatchObject({ code: "url-not-http", reason: "lambda-arn" });
    expect(checkUrl("your-lambda-function-arn", "aws-lambda-data-actions")).toMatchObject({
      severity: "warning",
      code: "url-not-http",
      reason: "lambda-placeholder",
      message: expect.stringContaining("looks like a placeholder"),
    });
  });
});
