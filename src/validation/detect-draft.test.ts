import { describe, expect, it } from "vitest";
import { hasErrorCode } from "../core/errors.js";
import { detectDraft } from "./detect-draft.js";

describe("detectDraft", () => {
  it.each([
    ["http://json-schema.org/draft-04/schema#", "draft-04"],
    ["http://json-schema.org/draft-06/schema#", "draft-06"],
    ["http://json-schema.org/draft-07/schema#", "draft-07"],
    ["https://json-schema.org/draft/2019-09/schema", "2019-09"],
    ["https://json-schema.org/draft/2020-12/schema", "2020-12"],
  ])("reads %s as %s", (uri, draft) => {
    expect(detectDraft({ $schema: uri })).toBe(draft);
  });

  it("accepts the https and no-fragment spellings of the same URI", () => {
    expect(detectDraft({ $schema: "https://json-schema.org/draft-07/schema" })).toBe("draft-07");
    expect(detectDraft({ $schema: "http://json-schema.org/draft/2020-12/schema#" })).toBe("2020-12");
  });

  it("assumes draft-07 when $schema is absent or the schema is a boolean", () => {
    expect(detectDraft({ type: "string" })).toBe("draft-07");
    expect(detectDraft(true)).toBe("draft-07");
  });

  it("rejects an unknown $schema with E_SCHEMA listing the supported URIs", () => {
    let thrown: unknown;
    try {
      detectDraft({ $schema: "http://json-schema.org/draft-03/schema#" });
    } catch (error) {
      thrown = error;
    }
    expect(hasErrorCode(thrown, "E_SCHEMA")).toBe(true);
    expect((thrown as Error).message).toContain('"http://json-schema.org/draft-03/schema#"');
    expect((thrown as Error).message).toContain("https://json-schema.org/draft/2020-12/schema");
  });

  it("rejects a $schema that is not a string", () => {
    expect(() => detectDraft({ $schema: 7 })).toThrow(/must be a URI string/);
  });
});
