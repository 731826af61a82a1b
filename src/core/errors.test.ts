// toProblem: every kind of thrown value becomes the one Problem shape, keeping a cxda code where there is one.
import { describe, expect, it } from "vitest";
import { CxdaError, toProblem } from "./errors.js";

describe("toProblem", () => {
  it("keeps a CxdaError's code and message, and nothing else", () => {
    const error = new CxdaError("E_CASE", "cases/a.json: unknown key", { context: { file: "cases/a.json" }, cause: new Error("x") });
    expect(toProblem(error, "E_DEFINITION")).toEqual({ code: "E_CASE", message: "cases/a.json: unknown key" });
  });

  it("gives a plain Error the fallback code and its message", () => {
    expect(toProblem(new TypeError("boom"), "E_TRANSFORM")).toEqual({ code: "E_TRANSFORM", message: "boom" });
  });

  it("describes a non-Error throw", () => {
    expect(toProblem("just text", "E_CASE")).toEqual({ code: "E_CASE", message: "just text" });
    expect(toProblem({ reason: 42 }, "E_CASE")).toEqual({ code: "E_CASE", message: 'non-Error value thrown: {"reason":42}' });
    expect(toProblem(undefined, "E_CASE")).toEqual({ code: "E_CASE", message: "non-Error value thrown: undefined" });
  });

  it("keeps the code of a value that crossed a worker or JSON boundary", () => {
    expect(toProblem({ name: "CxdaError", code: "E_SANDBOX", message: "fetch is blocked" }, "E_CASE")).toEqual({
      code: "E_SANDBOX",
      message: "fetch is blocked",
    });
    expect(toProblem(Object.assign(new Error("refused"), { code: "E_SANDBOX" }), "E_TRANSFORM")).toEqual({ code: "E_SANDBOX", message: "refused" });
  });

  it("does not take Node's own codes for cxda's", () => {
    const enoent = Object.assign(new Error("ENOENT: no such file"), { code: "ENOENT" });
    expect(toProblem(enoent, "E_DEFINITION")).toEqual({ code: "E_DEFINITION", message: "ENOENT: no such file" });
    expect(toProblem(Object.assign(new Error("bad"), { code: "ERR_INVALID_ARG_TYPE" }), "E_SANDBOX").code).toBe("E_SANDBOX");
  });

  it("uses E_INTERNAL when no fallback is given", () => {
    expect(toProblem(new Error("oops"))).toEqual({ code: "E_INTERNAL", message: "oops" });
  });
});
