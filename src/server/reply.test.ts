import { describe, expect, it } from "vitest";
import { errorOf, errorReply, jsonReply } from "./reply.js";

describe("errorReply", () => {
  it("builds { error: { code, message, ...details }, ...extra } with its headers and close", () => {
    const reply = errorReply(400, "invalid_input", "the trigger does not satisfy the input schema", {
      details: { line: 3 },
      extra: { issues: [] },
      headers: { allow: "POST" },
      close: true,
    });
    expect(reply).toEqual({
      status: 400,
      body: { issues: [], error: { code: "invalid_input", message: "the trigger does not satisfy the input schema", line: 3 } },
      headers: { allow: "POST" },
      close: true,
    });
  });

  it("keeps `error` as the error even when an extra field has that name", () => {
    expect(errorReply(422, "E_OUTPUT", "too big", { extra: { error: "shadow" } }).body).toEqual({ error: { code: "E_OUTPUT", message: "too big" } });
  });
});

describe("errorOf", () => {
  it("reads the code and message of an error reply, and nothing from another answer", () => {
    expect(errorOf(errorReply(404, "not_found", "no route"))).toEqual({ code: "not_found", message: "no route" });
    expect(errorOf(jsonReply(200, { output: 1 }))).toBeUndefined();
    expect(errorOf(jsonReply(400, { error: "a string" }))).toBeUndefined();
    expect(errorOf({ status: 304 })).toBeUndefined();
  });
});
