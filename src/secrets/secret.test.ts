// Unit tests of the Secret wrapper and of redact(), which hides known secret values in any form a server may echo.
import { inspect } from "node:util";
import { describe, expect, it } from "vitest";
import { redact, Secret } from "./secret.js";

describe("Secret", () => {
  it("shows [redacted] when printed, serialised or inspected, and its value only through reveal()", () => {
    const secret = new Secret("s3cr3t-value");
    expect(`${secret}`).toBe("[redacted]");
    expect(JSON.stringify({ secret })).toBe('{"secret":"[redacted]"}');
    expect(inspect({ secret })).not.toContain("s3cr3t-value");
    expect(secret.reveal()).toBe("s3cr3t-value");
  });
});

describe("redact", () => {
  it("hides a secret as sent: raw, URL-encoded and form-encoded", () => {
    const value = "a b+c/d=e";
    const text = `raw ${value} url ${encodeURIComponent(value)} form ${new URLSearchParams([["", value]]).toString().slice(1)}`;
    expect(redact(text, [new Secret(value)])).toBe("raw [redacted] url [redacted] form [redacted]");
  });

  it("hides the longer of two secrets whole when one contains the other", () => {
    expect(redact("key abcd1234", ["abcd", "abcd1234"])).toBe("key [redacted]");
  });

  it("leaves values shorter than 4 characters and missing ones alone", () => {
    expect(redact("a bc def", ["bc", undefined, "def"])).toBe("a bc def");
  });
});
