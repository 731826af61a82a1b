import { basename, join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { createTempProject, type TempProject } from "../../test/helpers/temp-project.js";
import { caseLocations, casesFromFile, loadCases, parseCase, type LoadedCase } from "./load-cases.js";

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

describe("case locations", () => {
  let project: TempProject;
  beforeEach(async () => {
    project = await createTempProject();
  });
  afterEach(async () => {
    await project.remove();
  });

  const where = (entry: LoadedCase | undefined): string | undefined => {
    const location = entry === undefined ? undefined : entry.ok ? entry.case.location : entry.location;
    return location && `${basename(location.file)}:${location.line}:${location.column}`;
  };

  it("names the line and column where each object of an array file starts, bad cases included", async () => {
    const text = '[\n  { "name": "one" },\n\n    {\n      "name": "two", "expect": { "mtach": {} }\n    },\n  7, { "name": "four" }\n]\n';
    const dir = await project.addAction("a", { cases: { "list.json": text } });
    const loaded = await loadCases(dir);
    expect(loaded.map(where)).toEqual(["list.json:2:3", "list.json:4:5", "list.json:7:3", "list.json:7:6"]);
    expect(loaded[0]?.ok && loaded[0].case.location?.file).toBe(join(dir, "cases", "list.json"));
  });

  it("puts a single-object file's case where its object starts", async () => {
    const dir = await project.addAction("a", { cases: { "one.json": '{ "name": "alone" }', "late.json": '\n\n  { "name": "late" }\n' } });
    expect((await loadCases(dir)).map(where)).toEqual(["late.json:3:3", "one.json:1:1"]);
  });

  it("counts a CRLF as one line break and does not count a byte-order mark", async () => {
    const crlf = '[\r\n  { "name": "a" },\r\n  { "name": "b" }\r\n]\r\n';
    const dir = await project.addAction("a", { cases: { "crlf.json": crlf, "with-bom.json": '\ufeff[{ "name": "c" },\n {"name": "d"}]' } });
    expect((await loadCases(dir)).map(where)).toEqual(["crlf.json:2:3", "crlf.json:3:3", "with-bom.json:1:2", "with-bom.json:2:2"]);
  });

  it("finds the cases of a file nested thousands of levels deep without overflowing the stack", () => {
    const deep = `${'{"a":'.repeat(20_000)}{}${"}".repeat(20_000)}`;
    expect(caseLocations("deep.json", `[${deep},\n {"name": "next"}]`).map((l) => `${l.line}:${l.column}`)).toEqual(["1:2", "2:2"]);
  });

  it("gives the same locations from caseLocations as the loader", () => {
    expect(caseLocations("x.json", '[{}, {"a": [1, {"b": 2}]}, "s"]').map((l) => `${l.line}:${l.column}`)).toEqual(["1:2", "1:6", "1:28"]);
  });
});

describe("a key written twice in a case", () => {
  it("fails that case, naming the key and where its second copy is, and leaves the other cases be (regression)", () => {
    const text = '[\n  { "name": "one", "expect": { "valid": true }, "expect": {} },\n  { "name": "two" }\n]\n';
    const [first, second] = casesFromFile("/tmp/x/cases/a.json", text);
    expect(first).toMatchObject({ ok: false, name: "one", error: { code: "E_CASE" } });
    expect(first?.ok === false && first.error.message).toMatch(/a\.json:2:49: expect: the key "expect" appears twice in this case/);
    expect(second).toMatchObject({ ok: true, case: { name: "two" } });
  });

  it("finds one nested inside a case of a single-object file", () => {
    const [only] = casesFromFile("/tmp/x/cases/b.json", '{ "name": "b", "set": { "a": 1, "a": 2 } }');
    expect(only?.ok === false && only.error.message).toMatch(/set\/a: the key "a" appears twice/);
  });
});
