import { describe, expect, it } from "vitest";
import type { DeclarativeConfig, JsonSchema } from "../core/types.js";
import { lintAction } from "./lint-action.js";
import type { LintTarget, TemplateFinding } from "./lint-types.js";

const INPUT = {
  type: "object",
  required: ["id"],
  properties: { id: { type: "string" }, note: { type: "string" } },
};

function target(
  config: { request?: Partial<DeclarativeConfig["request"]>; response?: Partial<DeclarativeConfig["response"]> },
  options: { input?: JsonSchema; output?: JsonSchema; integrationType?: string } = {},
): LintTarget {
  return {
    label: "actions/demo",
    file: "actions/demo/definition.json",
    name: "demo",
    ...(options.integrationType === undefined ? {} : { integrationType: options.integrationType }),
    inputSchema: options.input ?? INPUT,
    outputSchema: options.output ?? { type: "object" },
    config: {
      request: { requestUrlTemplate: "https://api.example.com/things", requestType: "GET", headers: {}, ...config.request },
      response: { translationMap: {}, translationMapDefaults: {}, successTemplate: "${rawResult}", ...config.response },
    },
  };
}

function lint(config: Parameters<typeof target>[0], options: Parameters<typeof target>[1] = {}): TemplateFinding[] {
  return lintAction(target(config, options), { seed: "cxda" }).findings;
}

function codes(findings: readonly TemplateFinding[]): string[] {
  return findings.map((finding) => finding.code);
}

describe("lintAction", () => {
  it("finds nothing in an action that escapes its inputs", () => {
    const findings = lint({
      request: {
        requestUrlTemplate: "https://api.example.com/things/$esc.url($input.id)#if($input.note)?note=$esc.url($input.note)#end",
        requestType: "POST",
        headers: { "Content-Type": "application/json" },
        requestTemplate: '{"id": "$esc.jsonString($input.id)", "note": "$!esc.jsonString($input.note)"}',
      },
      response: { translationMap: { name: "$.name" }, translationMapDefaults: { name: '""' }, successTemplate: '{"name": ${name}}' },
    });
    expect(findings).toEqual([]);
  });

  it("reports a reference an absent optional input leaves in the body, once, with a count and an example", () => {
    const findings = lint({ request: { requestType: "POST", requestTemplate: '{"id": "$esc.jsonString($input.id)",\n "note": "${input.note}"}' } });
    const unresolved = findings.filter((finding) => finding.code === "unresolved-reference");
    expect(unresolved).toEqual([
      expect.objectContaining({
        severity: "error",
        path: "config.request.requestTemplate",
        templateLine: 2,
        templateColumn: 11,
        message: "${input.note} does not resolve when the optional input note is absent: Genesys sends the text ${input.note} as it is",
      }),
    ]);
    expect(unresolved[0]?.count).toBeGreaterThan(1);
    expect(unresolved[0]?.example?.input).not.toHaveProperty("note");
  });

  it("reports a reference that never resolves, with the name it probably meant", () => {
    const findings = lint({ request: { requestUrlTemplate: "https://api.example.com/things/${INPUT.id}/${input.idd}" } });
    expect(findings.map((finding) => [finding.code, finding.message, finding.hint])).toEqual([
      [
        "unresolved-reference",
        "${INPUT.id} does not resolve even when every input is given: Genesys sends it as written",
        'names are case-sensitive: write ${input.id} (the template context names it "input")',
      ],
      ["unresolved-reference", "${input.idd} does not resolve even when every input is given: Genesys sends it as written", "did you mean input.id?"],
    ]);
  });

  it("lets a silent reference to an absent input print nothing, but not one to a name that never resolves", () => {
    const request = { requestType: "POST" as const, headers: { "Content-Type": "text/plain" }, requestTemplate: "n=$!{input.note}&m=$!{input.nope}" };
    const findings = lint({ request });
    expect(findings.map((finding) => [finding.severity, finding.code, finding.message])).toEqual([
      ["warning", "unresolved-reference", "$!{input.nope} does not resolve even when every input is given: it prints nothing"],
    ]);
  });

  it("reports a hand-written JSON body that a quote or a newline in an input breaks, naming the input and the strings", () => {
    const findings = lint({ request: { requestType: "PUT", requestTemplate: '{"id": "${input.id}", "note": "$!esc.jsonString($input.note)"}' } });
    expect(findings).toEqual([
      expect.objectContaining({
        code: "body-not-json",
        path: "config.request.requestTemplate",
        message: expect.stringMatching(/is not valid JSON .* when input\.id holds a quote, a newline, a quote and a newline or a backslash$/),
        hint: expect.stringContaining("$esc.jsonString"),
        count: 4,
      }),
    ]);
  });

  it("checks a body as JSON only when its Content-Type says so, or none is given and it looks like JSON", () => {
    const form = {
      requestType: "POST" as const,
      headers: { "Content-Type": "application/x-www-form-urlencoded" },
      requestTemplate: 'a=${input.id}&b="',
    };
    expect(codes(lint({ request: form }))).toEqual([]);
    expect(codes(lint({ request: { requestType: "POST", requestTemplate: "id=${input.id}" } }))).toEqual([]);
    expect(
      codes(lint({ request: { requestType: "POST", headers: { "content-type": "application/vnd.api+json" }, requestTemplate: "id=${input.id}" } })),
    ).toContain("body-not-json");
  });

  it("sends no body with a GET, and the input as JSON when a POST has no request template", () => {
    expect(codes(lint({ request: { requestType: "GET", requestTemplate: '{"broken": ' } }))).toEqual([]);
    expect(codes(lint({ request: { requestType: "POST" } }))).toEqual([]);
  });

  it("reports a URL an unescaped input breaks, and a path where an absolute URL is needed", () => {
    const findings = lint({ request: { requestUrlTemplate: "https://api.example.com/things/${input.id}" } });
    expect(findings).toEqual([
      expect.objectContaining({
        code: "url-invalid",
        message: expect.stringMatching(/^the URL holds a double quote .* when input\.id holds a quote, .* or a space$/),
      }),
    ]);
    const path = lint({ request: { requestUrlTemplate: "/v1/things" } }, { integrationType: "custom-rest-actions" });
    expect(path).toEqual([
      expect.objectContaining({ code: "url-invalid", message: expect.stringContaining("is a path"), count: expect.any(Number) }),
    ]);
  });

  it("warns that a Lambda ARN is not an HTTP URL, and that a placeholder is not an ARN", () => {
    const arn = lint(
      { request: { requestUrlTemplate: "arn:aws:lambda:eu-west-1:123456789012:function:slots" } },
      { integrationType: "aws-lambda-data-actions" },
    );
    expect(arn).toEqual([
      expect.objectContaining({ severity: "warning", code: "url-not-http", message: expect.stringContaining("an AWS Lambda function ARN") }),
    ]);
    const placeholder = lint({ request: { requestUrlTemplate: "your-lambda-function-arn" } }, { integrationType: "aws-lambda-data-actions" });
    expect(placeholder[0]?.message).toContain("looks like a placeholder");
  });

  it("reports a header value an input puts a line break into", () => {
    const findings = lint({ request: { headers: { "X-Note": "${input.id}" } } });
    expect(findings).toEqual([
      expect.objectContaining({
        code: "header-invalid",
        path: "config.request.headers.X-Note",
        message: expect.stringContaining("when input.id holds a newline or a quote and a newline"),
      }),
    ]);
  });

  it("reports template errors with their place: a directive never closed, a template that does not parse", () => {
    const unclosed = lint({ request: { requestType: "POST", requestTemplate: '{\n#if($input.note)"n": 1\n}' } });
    expect(unclosed).toEqual([
      expect.objectContaining({
        code: "template-error",
        templateLine: 2,
        templateColumn: 1,
        message: expect.stringContaining("#if is never closed"),
      }),
    ]);
    expect(unclosed[0]?.count).toBeGreaterThan(1);
    expect(codes(lint({ request: { requestUrlTemplate: "https://x.example/${input.id" } }))).toContain("template-error");
  });

  it("warns of a ) that a method call leaves as text", () => {
    const url = 'https://x.example/search?q=$esc.url("FIND {$salesforce.escReserved($input.id))}")';
    const findings = lint({ request: { requestUrlTemplate: url } });
    expect(findings).toEqual([
      expect.objectContaining({ severity: "warning", code: "stray-parenthesis", templateLine: 1, templateColumn: url.indexOf("))}") + 2 }),
    ]);
  });

  it("reports names the success template reads that the translation map does not define, and keys it never reads", () => {
    const findings = lint({
      response: { translationMap: { count: "$.total", extra: "$.x" }, successTemplate: '{"count": ${cuont}, "n": ${count}, "raw": $rawResult}' },
    });
    expect(findings.map((finding) => [finding.code, finding.path, finding.hint])).toEqual([
      ["translation-undefined", "config.response.successTemplate", 'did you mean "count"?'],
      ["translation-unused", "config.response.translationMap.extra", "read it with ${extra} in the success template, or remove the key"],
    ]);
  });

  it("reports a path Genesys' JSONPath cannot run, and defaults that are not JSON or have no key", () => {
    const findings = lint({
      response: {
        translationMap: { size: "$.items.length()", name: "$.name" },
        translationMapDefaults: { name: "UNKNOWN", nmae: '""' },
        successTemplate: '{"size": ${size}, "name": ${name}}',
      },
    });
    expect(codes(findings)).toEqual(["translation-path-invalid", "translation-default-unused", "translation-default-invalid"]);
    expect(findings[0]?.path).toBe("config.response.translationMap.size");
  });

  it("reports an indefinite path (a list) put where the success schema allows no array", () => {
    const output = { type: "object", properties: { status: { type: "string" }, all: { type: "array" } } };
    const findings = lint(
      { response: { translationMap: { status: "$.items[*].status", all: "$..status" }, successTemplate: '{"status": ${status}, "all": ${all}}' } },
      { output },
    );
    expect(findings).toEqual([
      expect.objectContaining({
        code: "translation-shape",
        path: "config.response.translationMap.status",
        message: expect.stringContaining("at $['status']"),
      }),
    ]);
  });

  it("takes one item out of an indefinite path's list with firstFromArray without a shape finding", () => {
    const output = { type: "object", properties: { id: { type: ["string", "null"] } } };
    const findings = lint(
      { response: { translationMap: { ids: "$.results[*].id" }, successTemplate: '{"id": $successTemplateUtils.firstFromArray("${ids}", "null")}' } },
      { output },
    );
    expect(codes(findings)).not.toContain("translation-shape");
  });

  it("reports a success template that does not render JSON, such as quotes around a value that is already JSON text", () => {
    const findings = lint({ response: { translationMap: { name: "$.name" }, successTemplate: '{"name": "${name}"}' } });
    expect(findings).toEqual([expect.objectContaining({ code: "success-not-json", hint: expect.stringContaining('not "${name}"') })]);
  });

  it("warns of a path that cannot match the response when the success template passes the response through", () => {
    const output = { type: "object", properties: { id: { type: "string" } }, additionalProperties: false };
    const findings = lint({ response: { translationMap: { name: "$.name" }, successTemplate: "${rawResult}" } }, { output });
    expect(codes(findings)).toEqual(["translation-path-cannot-match", "translation-unused"]);
  });

  it("leaves out the renders it is told to skip (ones that hung before), and only those", () => {
    const all = lintAction(target({}), { seed: "cxda" });
    const step = { path: "config.request.requestUrlTemplate", input: "generated valid #2" };
    const steps: string[] = [];
    const fewer = lintAction(target({}), { seed: "cxda", skip: [step], onProgress: (made) => steps.push(made.input) });
    expect(fewer.renders).toBe(all.renders - 1);
    expect(steps).not.toContain("generated valid #2");
  });

  it("counts its renders and announces each one before it starts", () => {
    const steps: string[] = [];
    const result = lintAction(target({}), { seed: "cxda", onProgress: (step) => steps.push(`${step.path} | ${step.input}`) });
    expect(result.renders).toBeGreaterThan(10);
    expect(steps[0]).toBe("config.request.requestUrlTemplate | generated valid #1");
    expect(steps.at(-1)).toBe("config.response.successTemplate | sample translation values");
  });
});
