import { describe, expect, it } from "vitest";
import type { ActionDefinition, DeclarativeConfig } from "../../../core/types.js";
import { evaluatePath } from "../translation/json-path.js";
import { resolveRequest } from "./resolve-request.js";
import { parseUpstreamBody, renderSuccess, translateResponse } from "./translate-response.js";
import { runDeclarative, type UpstreamReply } from "./run-declarative.js";
import { synthesiseUpstream } from "./synthesise-upstream.js";

function config(request: Partial<DeclarativeConfig["request"]> = {}, response: Partial<DeclarativeConfig["response"]> = {}): DeclarativeConfig {
  return {
    request: { requestUrlTemplate: "https://api.example.com/users/${input.id}", requestType: "GET", headers: {}, ...request },
    response: { translationMap: {}, translationMapDefaults: {}, ...response },
  };
}

describe("resolveRequest", () => {
  it("renders the URL and headers, and sends no body with a GET", () => {
    const resolved = resolveRequest(config({ headers: { "X-User": "u-$input.id" } }), { id: "7" });
    expect(resolved.request).toEqual({ method: "GET", url: "https://api.example.com/users/7", headers: { "X-User": "u-7" } });
    expect(resolved.unresolved).toEqual([]);
  });

  it("sends the whole input as JSON when a POST has no request template", () => {
    const resolved = resolveRequest(config({ requestType: "POST" }), { id: "7", note: 'say "hi"' });
    expect(JSON.parse(resolved.request.body!)).toEqual({ id: "7", note: 'say "hi"' });
    expect(resolved.json).toBe(true);
  });

  it("lists a reference that does not resolve with the part it is in, and refuses it under strict", () => {
    const resolved = resolveRequest(config(), {});
    expect(resolved.request.url).toBe("https://api.example.com/users/${input.id}");
    expect(resolved.unresolved).toMatchObject([{ reference: "${input.id}", part: "url", line: 1 }]);
    expect(() => resolveRequest(config(), {}, { strict: true })).toThrow(/E_TEMPLATE|does not resolve/);
  });

  it("refuses a JSON body that an input's quote and newline break, naming where and what to write", () => {
    const broken = config({ requestType: "POST", requestTemplate: '{ "note": "${input.note}" }' });
    expect(() => resolveRequest(broken, { note: 'a "quoted"\nline' })).toThrow(/not valid JSON at 1:\d+.*\$esc\.jsonString/s);
    // A body sent as text is not JSON's business.
    const text = config({ requestType: "POST", requestTemplate: "note=${input.note}", headers: { "Content-Type": "text/plain" } });
    expect(resolveRequest(text, { note: 'a "b"' }).request.body).toBe('note=a "b"');
  });

  it("refuses a header value with a line break, and an action whose URL or body the platform keeps", () => {
    expect(() => resolveRequest(config({ headers: { "X-Note": "${input.note}" } }), { note: "a\r\nInjected: 1" })).toThrow(/line break/);
    expect(() => resolveRequest({ ...config(), request: { requestType: "GET", headers: {} } }, {})).toThrow(/no requestUrlTemplate/);
    expect(() => resolveRequest(config({ requestType: "POST", requestTemplateUri: "/templates/x" }), {})).toThrow(/requestTemplateUri/);
  });
});

describe("translateResponse and renderSuccess", () => {
  it("puts each value into the success template as JSON text, and reads the result as the output", () => {
    const action = config({}, { translationMap: { name: "$.user.name", tags: "$..tag" }, successTemplate: '{ "who": ${name}, "tags": ${tags} }' });
    const translation = translateResponse(action, { user: { name: "Ada" }, items: [{ tag: "a" }, { tag: "b" }] });
    expect(renderSuccess(action, translation, "{}").output).toEqual({ who: "Ada", tags: ["a", "b"] });
  });

  it("uses a default only when the path does not resolve, and fails a key with neither, naming it", () => {
    const action = config({}, { translationMap: { a: "$.a", b: "$.b" }, translationMapDefaults: { a: '"none"' } });
    expect(translateResponse(action, { a: null, b: 1 }).entries.map((e) => e.value)).toEqual([null, 1]);
    expect(translateResponse(action, { b: 1 }).entries[0]).toMatchObject({ usedDefault: true, value: "none" });
    expect(() => translateResponse(action, { a: 1 })).toThrow(/translationMap\.b/);
  });

  it("passes the raw result through when there is no success template, and says when the template is not JSON", () => {
    expect(renderSuccess(config(), translateResponse(config(), {}), '{"x":1}').output).toEqual({ x: 1 });
    const bad = config({}, { translationMap: { n: "$.n" }, successTemplate: '{ "n": "${n}" }' });
    expect(() => renderSuccess(bad, translateResponse(bad, { n: "Ada" }), "{}")).toThrow(/did not render JSON/);
  });

  it("refuses an upstream body that is not JSON", () => {
    expect(() => parseUpstreamBody("<html>")).toThrow(/not JSON/);
    expect(parseUpstreamBody("")).toEqual({});
  });
});

describe("runDeclarative", () => {
  const action = config({}, { translationMap: { name: "$.name" }, translationMapDefaults: { name: '"?"' }, successTemplate: '{ "name": ${name} }' });
  const reply = (status: number, body: unknown): UpstreamReply => ({ status, headers: {}, body: JSON.stringify(body), target: "stub" });

  it("records the four steps with their results, and the output", async () => {
    const run = await runDeclarative(action, { id: "1" }, { exchange: () => Promise.resolve(reply(200, { name: "Ada" })) });
    expect(run.output).toEqual({ name: "Ada" });
    expect(run.steps.map((s) => [s.step, s.ok])).toEqual([
      ["resolve-request", true],
      ["upstream", true],
      ["translation-map", true],
      ["success-template", true],
    ]);
    expect(run.steps[2]?.detail).toMatchObject({
      entries: [{ key: "name", path: "$.name", definite: true, matches: 1, usedDefault: false, value: '"Ada"' }],
    });
  });

  it("takes the failure path for a status of 400 or more, naming the status, and skips the steps after", async () => {
    const run = await runDeclarative(action, { id: "1" }, { exchange: () => Promise.resolve(reply(404, { message: "no such user" })) });
    expect(run.error).toMatchObject({ code: "E_UPSTREAM" });
    expect(run.error?.message).toMatch(/status 404.*no such user/);
    expect(run.steps.map((s) => s.ok)).toEqual([true, false, null, null]);
    expect(run.steps[1]?.detail).toMatchObject({ status: 404 });
  });

  it("ends at the step that failed when the exchange itself fails", async () => {
    const run = await runDeclarative(
      action,
      { id: "1" },
      { exchange: () => Promise.reject(Object.assign(new Error("refused"), { code: "E_UPSTREAM" })) },
    );
    expect(run.error).toMatchObject({ code: "E_UPSTREAM", message: "refused" });
    expect(run.request?.url).toBe("https://api.example.com/users/1");
  });
});

describe("synthesiseUpstream", () => {
  function definition(response: Partial<DeclarativeConfig["response"]>, outputSchema: Record<string, unknown>): ActionDefinition {
    return {
      id: "a",
      name: "a",
      version: null,
      inputSchema: true,
      outputSchema,
      config: config({}, response),
      meta: { shape: "genesys-contract", inputDraft: "draft-07", outputDraft: "draft-07" },
    } as ActionDefinition;
  }

  it("builds a body in which every buildable path finds a value that fits the success schema", () => {
    const map = { id: "$.data.id", counts: "$.results[0].data..stats.count", outbound: "$.participants[?(@.purpose=='external')].id" };
    const schema = {
      type: "object",
      required: ["id", "counts", "outbound"],
      properties: {
        id: { type: "string" },
        counts: { type: "array", minItems: 2, items: { type: "integer" } },
        outbound: { type: "array", items: { type: "string" } },
      },
    };
    const body = synthesiseUpstream(definition({ translationMap: map }, schema), "seed").body;
    expect(evaluatePath(body, map.id)).toMatchObject({ found: true });
    const counts = evaluatePath(body, map.counts);
    expect(counts.matches).toBeGreaterThanOrEqual(2);
    expect((counts.value as unknown[]).every(Number.isInteger)).toBe(true);
    expect(evaluatePath(body, map.outbound).found).toBe(true);
  });

  it("passes a whole output through an action without a translation map, and is the same for the same seed", () => {
    const schema = { type: "object", required: ["score"], properties: { score: { type: "number" } } };
    const one = synthesiseUpstream(definition({}, schema), "s");
    expect(typeof (one.body as { score: unknown }).score).toBe("number");
    expect(synthesiseUpstream(definition({}, schema), "s")).toEqual(one);
  });
});

describe("request bodies", () => {
  it("sends one with POST, PUT and PATCH only, and judges a body without Content-Type by what it holds", () => {
    expect(resolveRequest(config({ requestType: "DELETE" }), { id: "1" }).request.body).toBeUndefined();
    expect(resolveRequest(config({ requestType: "PATCH", requestTemplate: "a=${input.id}" }), { id: '"' }).request.body).toBe('a="');
    expect(() => resolveRequest(config({ requestType: "PUT", requestTemplate: '{"a": "${input.id}"}' }), { id: '"' })).toThrow(/not valid JSON/);
  });
});
