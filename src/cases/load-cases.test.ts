import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { createTempProject, type TempProject } from "../../test/helpers/temp-project.js";
import { loadCases, parseCase } from "./load-cases.js";

describe("parseCase", () => {
  it("accepts every documented key", () => {
    const parsed = parseCase(
      {
        name: "n",
        payload: {},
        set: { "a.b": 1 },
        unset: ["c"],
        vars: { v: 1 },
        now: "2026-11-20T10:00:00Z",
        expect: { output: {}, match: {}, valid: true, errors: [{ path: "/a", keyword: "type", side: "output" }], throws: "x" },
      },
      "cases/a.json",
      "a",
    );
    expect(parsed.name).toBe("n");
    expect(parsed.unset).toEqual(["c"]);
  });

  it("rejects an unknown expect key with a suggestion", () => {
    expect(() => parseCase({ name: "n", expect: { outptu: {} } }, "cases/a.json", "a")).toThrow(
      /cases\/a.json \(case "n"\)\.expect: unknown key "outptu" \(did you mean "output"\?\)/,
    );
  });

  it("rejects an unknown case key", () => {
    expect(() => parseCase({ name: "n", paylod: {} }, "cases/a.json", "a")).toThrow(/unknown key "paylod" \(did you mean "payload"\?\)/);
  });

  it("explains a dotted path given where a JSON Pointer belongs", () => {
    expect(() => parseCase({ expect: { errors: [{ path: "data.score", keyword: "type" }] } }, "c.json", "c")).toThrow(/write "\/data\/score"/);
  });

  it("rejects a clock that is not a date", () => {
    expect(() => parseCase({ now: "yesterday" }, "c.json", "c")).toThrow(/now: must be an ISO date-time/);
  });

  it("names a case after its file when it has no name", () => {
    expect(parseCase({}, "cases/plain.json", "plain").name).toBe("plain");
  });
});

describe("loadCases", () => {
  let project: TempProject;
  beforeEach(async () => {
    project = await createTempProject();
  });
  afterEach(async () => {
    await project.remove();
  });

  it("reads one case or an array per file, in file order, and keeps bad entries as errors", async () => {
    const dir = await project.addAction("a", {
      cases: {
        "b.json": [{ name: "second" }, { name: "bad", expect: { nope: 1 } }],
        "a.json": { name: "first" },
        "c.json": '{ "name": "broken",\n  oops }',
        "notes.txt": "ignored",
      },
    });
    const loaded = await loadCases(dir);
    expect(loaded.map((entry) => (entry.ok ? entry.case.name : `error:${entry.name}`))).toEqual(["first", "second", "error:bad", "error:c"]);
    const broken = loaded[3];
    expect(broken?.ok).toBe(false);
    if (broken && !broken.ok) expect(broken.error.message).toMatch(/c\.json:2:3: malformed JSON/);
  });

  it("returns no cases when there is no cases folder", async () => {
    expect(await loadCases(project.root)).toEqual([]);
  });
});
