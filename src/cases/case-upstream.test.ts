import { mkdir, mkdtemp, rm, symlink, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { checkRequestExpectation, checkUpstream, readUpstreamFixture } from "./case-upstream.js";
import { requestFailures } from "./evaluate-case.js";
import { loadCases } from "./load-cases.js";

describe("checkUpstream", () => {
  it("takes status, headers and body, with 200 as the status when absent", () => {
    expect(checkUpstream({ body: { a: 1 } }, "u")).toEqual({ status: 200, headers: {}, body: { a: 1 } });
    expect(checkUpstream({ status: 404, headers: { "X-A": "1" }, body: "gone" }, "u")).toEqual({
      status: 404,
      headers: { "X-A": "1" },
      body: "gone",
    });
  });

  it("refuses a bad status, a typo and headers that are not strings, naming where", () => {
    expect(() => checkUpstream({ status: 42 }, "c.upstream")).toThrow(/c\.upstream\.status: must be a final HTTP status from 200 to 599, got 42/);
    expect(() => checkUpstream({ status: 101 }, "c.upstream")).toThrow(/from 200 to 599/);
    expect(() => checkUpstream({ status: 204, body: "x" }, "c.upstream")).toThrow(/a 204 answer has no body/);
    expect(() => checkUpstream({ headers: { "X A": "1" } }, "c.upstream")).toThrow(/"X A" cannot be sent over HTTP/);
    expect(() => checkUpstream({ headers: { "X-A": "a\r\nb" } }, "c.upstream")).toThrow(/cannot be sent over HTTP/);
    expect(() => checkUpstream({ stauts: 200 }, "c.upstream")).toThrow(/unknown key "stauts".*status/);
    expect(() => checkUpstream({ headers: { a: 1 } }, "c.upstream")).toThrow(/c\.upstream\.headers/);
    expect(() => checkUpstream([], "c.upstream")).toThrow(/fixture file/);
  });

  it("checks expect.request's keys and types", () => {
    expect(checkRequestExpectation({ method: "GET", url: "/x" }, "r")).toEqual({ method: "GET", url: "/x" });
    expect(() => checkRequestExpectation({ metod: "GET" }, "r")).toThrow(/unknown key "metod".*method/);
    expect(() => checkRequestExpectation({ headers: { a: 2 } }, "r")).toThrow(/r\.headers/);
  });
});

describe("upstream fixtures in case files", () => {
  let root: string;
  beforeAll(async () => {
    root = await mkdtemp(join(tmpdir(), "cxda-upstream-"));
    await mkdir(join(root, "cases"));
    await mkdir(join(root, "fixtures"));
    await writeFile(join(root, "fixtures", "ok.json"), JSON.stringify({ status: 201, body: { id: "n-1" } }));
    await writeFile(join(root, "fixtures", "bad.json"), JSON.stringify({ status: "ok" }));
    await writeFile(
      join(root, "cases", "all.json"),
      JSON.stringify([
        { name: "from a fixture", upstream: "fixtures/ok.json" },
        { name: "missing fixture", upstream: "fixtures/none.json" },
        { name: "outside", upstream: "../../etc/passwd" },
        { name: "bad fixture", upstream: "fixtures/bad.json" },
      ]),
    );
  });
  afterAll(() => rm(root, { recursive: true, force: true }));

  it("reads a fixture beside the action into the case, and fails only the cases whose fixture is wrong", async () => {
    const cases = await loadCases(root);
    expect(cases[0]).toMatchObject({ ok: true, case: { upstream: { status: 201, headers: {}, body: { id: "n-1" } } } });
    expect(cases[1]).toMatchObject({ ok: false, error: { code: "E_CASE" } });
    expect(cases[1]?.ok === false && cases[1].error.message).toMatch(/cannot read the upstream fixture "fixtures\/none\.json"/);
    expect(cases[2]?.ok === false && cases[2].error.message).toMatch(/outside the action's folder/);
    expect(cases[3]?.ok === false && cases[3].error.message).toMatch(/status: must be a final HTTP status/);
  });

  it("refuses an absolute fixture path, a link out of the folder, and what is not a regular file", async () => {
    const caseFile = join(root, "cases", "all.json");
    expect(() => readUpstreamFixture(caseFile, "/etc/hosts", "c.upstream")).toThrow(/outside the action's folder/);
    await symlink("/etc/passwd", join(root, "fixtures", "passwd.json"));
    expect(() => readUpstreamFixture(caseFile, "fixtures/passwd.json", "c.upstream")).toThrow(/outside the action's folder/);
    await mkdir(join(root, "fixtures", "dir.json"));
    expect(() => readUpstreamFixture(caseFile, "fixtures/dir.json", "c.upstream")).toThrow(/not a regular file/);
  });
});

describe("requestFailures", () => {
  const sent = { method: "POST", url: "https://x/y?a=1", headers: { "Content-Type": "application/json" }, body: '{"a":{"b":1,"c":2}}' };

  it("passes a partial match: headers without case, the body as a partial deep match", () => {
    expect(
      requestFailures({ method: "post", url: "https://x/y?a=1", headers: { "content-type": "application/json" }, body: { a: { b: 1 } } }, sent),
    ).toEqual([]);
  });

  it("names each difference", () => {
    const failures = requestFailures({ url: "https://x/y", headers: { Accept: "application/json" }, body: { a: { b: 2 } } }, sent);
    expect(failures.map((f) => f.path)).toEqual(["url", "headers.Accept", "body/a/b"]);
    expect(failures[0]?.message).toMatch(/request url: expected "https:\/\/x\/y", got "https:\/\/x\/y\?a=1"/);
  });

  it("compares a string body exactly, and says when there was no request", () => {
    expect(requestFailures({ body: "x=1" }, { ...sent, body: "x=1" })).toEqual([]);
    expect(requestFailures({ body: "x=1" }, { ...sent, body: "x=2" })).toHaveLength(1);
    expect(requestFailures({ method: "GET" }, undefined)[0]?.message).toMatch(/the action sent none/);
  });
});
