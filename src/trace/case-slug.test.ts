import { describe, expect, it } from "vitest";
import { actionFileName, caseSlug, createSlugger } from "./case-slug.js";

describe("case slugs", () => {
  it("turns a case name into a short, file-safe slug", () => {
    expect(caseSlug('trap: a score sent as the string "87" fails the integer type')).toBe(
      "trap-a-score-sent-as-the-string-87-fails-the-integer-type",
    );
    expect(caseSlug("Überprüfung ✓")).toBe("uberprufung");
    expect(caseSlug("???")).toBe("case");
    expect(caseSlug("x".repeat(200))).toHaveLength(80);
  });

  it("never gives the same slug twice within one slugger", () => {
    const slug = createSlugger();
    expect([slug("One"), slug("one"), slug("ONE!"), slug("two")]).toEqual(["one", "one-2", "one-3", "two"]);
  });

  it("keeps action ids readable and safe as folder names", () => {
    expect(actionFileName("da-test-12345")).toBe("da-test-12345");
    expect(actionFileName("../etc/passwd")).toBe("__etc_passwd");
  });
});
