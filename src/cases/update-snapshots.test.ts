import { chmod, lstat, readdir, readFile, symlink, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import type { CaseFailure, CaseResult } from "../core/types.js";
import { createTempProject, type TempProject } from "../../test/helpers/temp-project.js";
import { evaluateExpectations } from "./evaluate-case.js";
import {
  caseFileOf,
  createSnapshotUpdater,
  detectFormatting,
  notJsonAt,
  readCaseFiles,
  secretsNotInFile,
  SNAPSHOT_PLACEHOLDER,
  updateCaseFile,
} from "./update-snapshots.js";

const OUTPUT = { recordId: "rec-1", priority: "high", tags: ["a", "b"] };

describe("the snapshot placeholder", () => {
  it("never compares as a string, even with a transform that returns it", () => {
    const failures = evaluateExpectations({ output: SNAPSHOT_PLACEHOLDER }, { executed: true, output: SNAPSHOT_PLACEHOLDER, issues: [] });
    expect(failures).toEqual([expect.objectContaining({ expectation: "output", code: "E_SNAPSHOT", expected: SNAPSHOT_PLACEHOLDER })]);
  });

  it("is an ordinary string inside an expected object", () => {
    expect(
      evaluateExpectations({ output: { a: SNAPSHOT_PLACEHOLDER } }, { executed: true, output: { a: SNAPSHOT_PLACEHOLDER }, issues: [] }),
    ).toEqual([]);
  });

  it("says the transform did not run rather than asking for a snapshot when there is no output", () => {
    const failures = evaluateExpectations({ output: SNAPSHOT_PLACEHOLDER }, { executed: false, issues: [] });
    expect(failures).toEqual([expect.objectContaining({ expectation: "output", message: expect.stringContaining("did not run") as string })]);
    expect(failures[0]?.code).toBeUndefined();
  });
});

describe("caseFileOf, detectFormatting, secretsNotInFile, notJsonAt", () => {
  it("reads a source's file and index, and nothing from a generated case's source", () => {
    expect(caseFileOf("a/cases/basic.json#3", "/w")).toEqual({ file: "/w/a/cases/basic.json", index: 3 });
    expect(caseFileOf("a/cases/one.json", "/w")).toEqual({ file: "/w/a/cases/one.json" });
    expect(caseFileOf("cxda test a --generate 3 --seed x, case #1", "/w")).toBeUndefined();
    expect(caseFileOf(undefined, "/w")).toBeUndefined();
  });

  it("finds tabs, the narrowest indentation of spaces, and CRLF", () => {
    expect(detectFormatting('{\n\t"a": {\n\t\t"b": 1\n\t}\n}\n')).toEqual({ insertSpaces: false, tabSize: 4, eol: "\n" });
    expect(detectFormatting('{\r\n    "a": {\r\n        "b": 1\r\n    }\r\n}')).toEqual({ insertSpaces: true, tabSize: 4, eol: "\r\n" });
    expect(detectFormatting('{ "a": 1 }')).toEqual({ insertSpaces: true, tabSize: 2, eol: "\n" });
  });

  it("names secret-looking output fields whose values the file does not already hold", () => {
    const output = { apiToken: "tok-live-123", password: 'p"ss\nword', tokenCount: 5, name: "Ada", nested: { credentials: { user: "ada-1" } } };
    expect(secretsNotInFile(output, '{ "payload": { "password": "p\\"ss\\nword", "user": "ada-1" } }')).toEqual(["/apiToken"]);
    expect(secretsNotInFile(output, '{ "payload": { "password": "p\\"ss\\nword" } }')).toEqual(["/apiToken", "/nested/credentials/user"]);
  });

  it("finds what JSON cannot hold", () => {
    expect(notJsonAt({ a: [1, { b: Number.NaN }] })).toBe("/a/1/b (NaN)");
    expect(notJsonAt({ a: undefined })).toBe("/a (undefined)");
    // A hole, as `new Array(2)` leaves one.
    expect(notJsonAt(new Array<unknown>(2))).toBe("/0 (a hole)");
    expect(notJsonAt({ a: [null, "x", true, 1.5] })).toBeUndefined();
  });
});

describe("updateCaseFile", () => {
  let project: TempProject;
  beforeEach(async () => {
    project = await createTempProject();
  });
  afterEach(async () => {
    await project.remove();
  });

  const write = async (name: string, text: string): Promise<string> => {
    const file = join(project.root, name);
    await writeFile(file, text);
    return file;
  };

  it("keeps 4-space indentation, key order and every other key of an array file", async () => {
    const text = `[\n    {\n        "name": "one",\n        "set": { "a.b": 1 },\n        "expect": {\n            "valid": true,\n            "output": { "old": 1 },\n            "match": {}\n        },\n        "description": "last"\n    }\n]\n`;
    const file = await write("four.json", text);
    await updateCaseFile(file, [{ index: 0, name: "one", output: OUTPUT }], text);
    const expected = text.replace(
      '"output": { "old": 1 }',
      '"output": {\n                "recordId": "rec-1",\n                "priority": "high",\n                "tags": [\n                    "a",\n                    "b"\n                ]\n            }',
    );
    expect(await readFile(file, "utf8")).toBe(expected);
  });

  it("keeps tabs, CRLF line endings and a byte-order mark", async () => {
    const text = '\ufeff{\r\n\t"name": "tabbed",\r\n\t"expect": {\r\n\t\t"output": "<snapshot>"\r\n\t}\r\n}\r\n';
    const file = await write("tabs.json", text);
    await updateCaseFile(file, [{ name: "tabbed", output: { a: 1 }, placeholder: true }], text);
    expect(await readFile(file, "utf8")).toBe(
      '\ufeff{\r\n\t"name": "tabbed",\r\n\t"expect": {\r\n\t\t"output": {\r\n\t\t\t"a": 1\r\n\t\t}\r\n\t}\r\n}\r\n',
    );
  });

  it("keeps 2-space indentation in a single-object file", async () => {
    const value = { name: "single", expect: { output: 1, valid: true } };
    const text = `${JSON.stringify(value, null, 2)}\n`;
    const file = await write("single.json", text);
    await updateCaseFile(file, [{ name: "single", output: OUTPUT }], text);
    const after = await readFile(file, "utf8");
    expect(after).toBe(`${JSON.stringify({ ...value, expect: { output: OUTPUT, valid: true } }, null, 2)}\n`);
  });

  it("writes several cases of one file, leaving the others byte for byte", async () => {
    const cases = [
      { name: "a", expect: { output: 1 } },
      { name: "b", expect: { match: { x: 1 } } },
      { name: "c", expect: { output: SNAPSHOT_PLACEHOLDER } },
    ];
    const text = JSON.stringify(cases, null, 2);
    const file = await write("many.json", text);
    await updateCaseFile(
      file,
      [
        { index: 0, name: "a", output: { first: true } },
        { index: 2, name: "c", output: [1, 2], placeholder: true },
      ],
      text,
    );
    const after = await readFile(file, "utf8");
    expect(JSON.parse(after)).toEqual([{ name: "a", expect: { output: { first: true } } }, cases[1], { name: "c", expect: { output: [1, 2] } }]);
    expect(after).toContain(JSON.stringify(cases[1], null, 2).replace(/\n/g, "\n  "));
    // No temp file is left beside it.
    expect(await readdir(project.root)).toEqual(["many.json"]);
  });

  it("writes cases that share a line with each other, and one that shares its line with the one before", async () => {
    const text =
      '[{ "name": "a", "expect": { "output": 1 } }, { "name": "b", "expect": { "output": 2 } },\n  { "name": "c", "expect": {\n  "output": 3 } }]';
    const file = await write("compact.json", text);
    const edits = [
      { index: 0, name: "a", output: { x: "a" } },
      { index: 1, name: "b", output: { x: "b" } },
      { index: 2, name: "c", output: { x: "c" } },
    ];
    await updateCaseFile(file, edits, text);
    const after = await readFile(file, "utf8");
    expect((JSON.parse(after) as Array<{ expect: { output: unknown } }>).map((c) => c.expect.output)).toEqual(edits.map((e) => e.output));
    expect(after.startsWith('[{ "name": "a", "expect": { "output": {')).toBe(true);
    expect(after).toContain('{ "name": "b", "expect": { "output": {');
  });

  it("refuses a file that changed since it was loaded, and leaves the user's edit", async () => {
    const text = JSON.stringify([{ name: "a", expect: { output: 1 } }], null, 2);
    const file = await write("edited.json", text);
    const edited = text.replace('"name": "a"', '"name": "a", "description": "mine"');
    await writeFile(file, edited);
    await expect(updateCaseFile(file, [{ index: 0, name: "a", output: 2 }], text)).rejects.toThrow(
      /edited\.json: not updated: its text is not what the run read; the file changed since the run read it/,
    );
    expect(await readFile(file, "utf8")).toBe(edited);
  });

  it("writes a symlinked case file through its link (a rename over the link replaced it with a copy, and the shared file kept the old output)", async () => {
    const text = JSON.stringify([{ name: "a", expect: { output: 1 } }], null, 2);
    const target = await write("shared.json", text);
    const link = join(project.root, "link.json");
    await symlink(target, link);
    await updateCaseFile(link, [{ index: 0, name: "a", output: 2 }], text);
    expect((await lstat(link)).isSymbolicLink()).toBe(true);
    expect(JSON.parse(await readFile(target, "utf8"))).toEqual([{ name: "a", expect: { output: 2 } }]);
  });

  it("refuses a read-only case file (a rename replaced it, since only the folder needs to be writable)", async () => {
    const text = JSON.stringify([{ name: "a", expect: { output: 1 } }], null, 2);
    const file = await write("locked.json", text);
    await chmod(file, 0o444);
    await expect(updateCaseFile(file, [{ index: 0, name: "a", output: 2 }], text)).rejects.toThrow(
      /locked\.json: not updated: the file is read-only, so nothing was written; make it writable \(chmod u\+w\)/,
    );
    expect(await readFile(file, "utf8")).toBe(text);
    await chmod(file, 0o644);
  });

  it("refuses to write into another case than the one that ran, or over a placeholder that is gone", async () => {
    const text = JSON.stringify([{ name: "b", expect: { output: 1 } }], null, 2);
    const file = await write("moved.json", text);
    await expect(updateCaseFile(file, [{ index: 0, name: "a", output: 2 }])).rejects.toThrow(
      /moved\.json#0: not updated: the case there is "b", not "a"/,
    );
    await expect(updateCaseFile(file, [{ index: 3, name: "b", output: 2 }])).rejects.toThrow(/no case object at #3/);
    await expect(updateCaseFile(file, [{ index: 0, name: "b", output: 2, placeholder: true }])).rejects.toThrow(/no longer "<snapshot>"/);
    expect(await readFile(file, "utf8")).toBe(text);
  });
});

/** Stands for a result without an output (the default parameter would fill an `undefined` in). */
const NO_OUTPUT = Symbol("no output");

/** A result as the runner gives it for a case of `file` that failed on its output. */
function failed(name: string, source: string | undefined, failures: CaseFailure[], output: unknown = OUTPUT): CaseResult {
  return {
    action: "act",
    case: name,
    status: "fail",
    ...(output === NO_OUTPUT ? {} : { output }),
    issues: [],
    failures,
    logs: [],
    trace: { steps: [{ step: "compare", name: "compare", ok: false, startedAt: 0, durationMs: 0, detail: { failures: failures.length } }] },
    durationMs: 1,
    ...(source === undefined ? {} : { source }),
  };
}

const MISMATCH: CaseFailure = {
  expectation: "output",
  message: "output /priority: expected low",
  path: "/priority",
  expected: "low",
  actual: "high",
};
const PLACEHOLDER: CaseFailure = { expectation: "output", code: "E_SNAPSHOT", message: "no snapshot yet", expected: SNAPSHOT_PLACEHOLDER };

describe("createSnapshotUpdater", () => {
  let project: TempProject;
  let dir: string;
  let file: string;
  let source: string;
  const cases = [
    { name: "wrong", expect: { output: { priority: "low" } } },
    { name: "also wrong", expect: { output: { priority: "low" }, valid: true } },
    { name: "fresh", expect: { output: SNAPSHOT_PLACEHOLDER } },
    { name: "fine", expect: { match: {} } },
  ];
  beforeEach(async () => {
    project = await createTempProject();
    dir = await project.addAction("act", { cases: { "basic.json": cases } });
    file = join(dir, "cases", "basic.json");
    source = "act/cases/basic.json";
  });
  afterEach(async () => {
    await project.remove();
  });

  const results = (): CaseResult[] => [
    failed("wrong", `${source}#0`, [MISMATCH]),
    failed("also wrong", `${source}#1`, [MISMATCH, { expectation: "valid", message: "expected valid" }]),
    failed("fresh", `${source}#2`, [PLACEHOLDER]),
    { ...failed("fine", `${source}#3`, []), status: "pass" },
    failed("generated #1", "cxda test act --generate 1, case #1", [MISMATCH]),
  ];

  const runThrough = async (updater: ReturnType<typeof createSnapshotUpdater>, given: CaseResult[]): Promise<CaseResult[]> => {
    const out: CaseResult[] = [];
    for (const result of given) out.push(...(await updater.accept(result)));
    out.push(...(await updater.finish()));
    return out;
  };

  it("with -u, writes the cases that fail on their output alone and the placeholder, in one file, and passes them in order", async () => {
    const updater = createSnapshotUpdater({ update: true, cwd: project.root, loaded: await readCaseFiles([dir]) });
    const out = await runThrough(updater, results());
    expect(out.map((r) => [r.case, r.status])).toEqual([
      ["wrong", "pass"],
      ["also wrong", "fail"],
      ["fresh", "pass"],
      ["fine", "pass"],
      ["generated #1", "fail"],
    ]);
    expect(out[0]?.trace.steps[0]).toMatchObject({ ok: true, detail: { snapshot: "updated" } });
    expect(JSON.parse(await readFile(file, "utf8"))).toEqual([
      { name: "wrong", expect: { output: OUTPUT } },
      cases[1],
      { name: "fresh", expect: { output: OUTPUT } },
      cases[3],
    ]);
    const report = updater.report();
    expect(report.changes).toEqual([
      { action: "act", case: "wrong", file: source, change: "updated" },
      { action: "act", case: "fresh", file: source, change: "written" },
    ]);
    expect(report.notUpdated).toEqual([
      expect.objectContaining({ case: "also wrong", reason: expect.stringContaining("also fails on valid") as string }),
      expect.objectContaining({ case: "generated #1", reason: expect.stringContaining("not from a case file") as string }),
    ]);
  });

  it("without -u, fills only the placeholder and leaves mismatches failing and unreported", async () => {
    const updater = createSnapshotUpdater({ cwd: project.root });
    const out = await runThrough(updater, results());
    expect(out.map((r) => r.status)).toEqual(["fail", "fail", "pass", "pass", "fail"]);
    expect(updater.report()).toEqual({ changes: [{ action: "act", case: "fresh", file: source, change: "written" }], notUpdated: [] });
    expect(JSON.parse(await readFile(file, "utf8"))).toEqual([cases[0], cases[1], { name: "fresh", expect: { output: OUTPUT } }, cases[3]]);
  });

  it("in CI, fails the placeholder with what to do and writes nothing", async () => {
    const before = await readFile(file, "utf8");
    const updater = createSnapshotUpdater({ cwd: project.root, ci: true });
    const out = await runThrough(updater, results());
    expect(out[2]?.status).toBe("fail");
    expect(out[2]?.failures[0]?.message).toBe(
      'expect.output is "<snapshot>" and CI is set, where snapshots are not written: run `cxda test -u` locally and commit act/cases/basic.json',
    );
    expect(await readFile(file, "utf8")).toBe(before);
  });

  it("leaves a file edited during the run alone, and its cases failing, as they ran", async () => {
    const updater = createSnapshotUpdater({ update: true, cwd: project.root, loaded: await readCaseFiles([dir]) });
    const edited = `${await readFile(file, "utf8")}\n`;
    await writeFile(file, edited);
    const out = await runThrough(updater, results().slice(0, 3));
    expect(out.map((r) => r.status)).toEqual(["fail", "fail", "fail"]);
    expect(await readFile(file, "utf8")).toBe(edited);
    expect(updater.report().changes).toEqual([]);
    expect(updater.report().notUpdated.map((s) => s.case)).toEqual(["also wrong", "wrong", "fresh"]);
    expect(updater.report().notUpdated[1]?.reason).toMatch(/^its text is not what the run read; the file changed since the run read it/);
  });

  it("does not write an error, an output that did not come, a secret, or what JSON cannot hold", async () => {
    const updater = createSnapshotUpdater({ update: true, cwd: project.root, loaded: await readCaseFiles([dir]) });
    const before = await readFile(file, "utf8");
    const threw: CaseResult = {
      ...failed("wrong", `${source}#0`, [{ expectation: "output", message: "but the transform threw" }], null),
      status: "error",
      error: { code: "E_TRANSFORM", message: "boom" },
    };
    const out = await runThrough(updater, [
      threw,
      failed("also wrong", `${source}#1`, [{ expectation: "output", message: "did not run" }], NO_OUTPUT),
      failed("fresh", `${source}#2`, [PLACEHOLDER], { authToken: "live-secret-1" }),
      failed("fine", `${source}#3`, [MISMATCH], { score: Number.NaN }),
    ]);
    expect(out.map((r) => r.status)).toEqual(["error", "fail", "fail", "fail"]);
    expect(updater.report().notUpdated.map((s) => s.reason)).toEqual([
      expect.stringContaining("ended in an error (E_TRANSFORM)"),
      expect.stringContaining("the transform did not run"),
      expect.stringContaining("not JSON data at /score (NaN)"),
      expect.stringContaining("secret-looking fields (/authToken)"),
    ]);
    expect(await readFile(file, "utf8")).toBe(before);
  });
});
