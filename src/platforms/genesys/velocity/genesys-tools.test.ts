// $math, $successTemplateUtils, $encoding, $urlTool, $salesforce and $dynamics, as a template calls them.
import { describe, expect, it } from "vitest";
import { renderTemplate } from "./render-template.js";

const render = (template: string, context: Record<string, unknown> = {}): string => renderTemplate(template, context).text;

describe("$math (velocity-tools MathTool)", () => {
  it("adds, subtracts, multiplies and divides, numbers or numeric strings", () => {
    expect(render("$math.add(1, 2, 3) $math.sub(10, 4) $math.mul(2, '3.5') $math.div(5, 2) $math.div(4, 2)")).toBe("6 6 7 2.5 2");
  });

  it("idiv, mod, pow, max, min, abs, ceil, floor, round and roundTo", () => {
    expect(render("$math.idiv(7, 2) $math.mod(-7, 2) $math.pow(2, 10) $math.max(3, 9, 4) $math.min(3, 9, 4) $math.abs(-2)")).toBe("3 -1 1024 9 3 2");
    expect(render("$math.ceil(1.2) $math.floor(1.8) $math.round(2.5) $math.round(-2.5) $math.roundTo(2, 1.125) $math.toInteger('42.9')")).toBe(
      "2 1 3 -2 1.13 42",
    );
  });

  it("gives null for a division by zero or a value that is not a number, so the reference prints as written", () => {
    const result = renderTemplate("$math.div(1, 0) $math.add(1, 'x') $math.add($input.none, 1)", { input: {} });
    expect(result.text).toBe("$math.div(1, 0) $math.add(1, 'x') $math.add($input.none, 1)");
    expect(result.unresolved).toHaveLength(3);
  });

  it("reads input numbers", () => {
    expect(render("$math.add($input.a, $input.b)", { input: { a: 2, b: "40" } })).toBe("42");
  });
});

describe("$successTemplateUtils (values arrive in a success template as JSON text)", () => {
  it("firstFromArray gives the first element of a JSON array as JSON", () => {
    expect(render('$successTemplateUtils.firstFromArray("${ids}")', { ids: '["a","b"]' })).toBe('"a"');
    expect(render('{"first": $successTemplateUtils.firstFromArray("${items}")}', { items: '[{"x":1},{"x":2}]' })).toBe('{"first": {"x":1}}');
  });

  it("firstFromArray gives the default for an empty array, and nothing without one", () => {
    expect(render('$successTemplateUtils.firstFromArray("${ids}", "{}")', { ids: "[]" })).toBe("{}");
    expect(render('[$successTemplateUtils.firstFromArray("${ids}")]', { ids: "[]" })).toBe("[]");
  });

  it("firstFromArray returns a value that is not an array as it came (a definite path gave one value)", () => {
    expect(render('$successTemplateUtils.firstFromArray("${id}")', { id: '"x"' })).toBe('"x"');
  });

  it("firstFromArray on text that is not JSON is an E_TEMPLATE fault naming the macro", () => {
    expect(() => render('$successTemplateUtils.firstFromArray("${v}")', { v: "nope" })).toThrow(/firstFromArray expects JSON text/);
  });

  it("moveKeysIntoArrayOfObjects turns an object of objects into an array, each with its key", () => {
    const json = '{"a": {"x": 1}, "b": {"x": 2}}';
    expect(JSON.parse(render('$successTemplateUtils.moveKeysIntoArrayOfObjects("${m}", "id")', { m: json }))).toEqual([
      { x: 1, id: "a" },
      { x: 2, id: "b" },
    ]);
  });
});

describe("$encoding.base64 (help.mypurecloud.com/?p=296518: a Basic authentication header)", () => {
  it("encodes the UTF-8 bytes of the page's client id:secret example", () => {
    const header = render('Basic $encoding.base64("${credentials.clientid}:${credentials.clientSecret}")', {
      credentials: { clientid: "id", clientSecret: "sécret" },
    });
    expect(header).toBe(`Basic ${btoa(String.fromCharCode(...new TextEncoder().encode("id:sécret")))}`);
    expect(header).toBe("Basic aWQ6c8OpY3JldA==");
  });

  it("encodes a lone surrogate as ? as Java's getBytes(UTF_8) does (and $esc.url), not as U+FFFD", () => {
    expect(render("$encoding.base64($input.s)", { input: { s: "a\uD800b" } })).toBe(btoa("a?b"));
    expect(render("$esc.url($input.s)", { input: { s: "a\uD800b" } })).toBe("a%3Fb");
  });
});

describe("$urlTool.optionalQueryParam", () => {
  it("adds &name=value, form-encoded, when the value is present, and nothing when it is absent or empty", () => {
    const template = '/search?q=x$urlTool.optionalQueryParam("max results", $input.max)$urlTool.optionalQueryParam("after", $input.after)';
    expect(render(template, { input: { max: "10 & more" } })).toBe("/search?q=x&max+results=10+%26+more");
    expect(render(template, { input: { max: "" } })).toBe("/search?q=x");
  });

  it("starts with ? when told it is the first parameter", () => {
    expect(render('/s$urlTool.optionalQueryParam("a", "1", true)')).toBe("/s?a=1");
  });
});

describe("$salesforce.escReserved and $dynamics.escReserved", () => {
  it("escapes every SOSL reserved character with a backslash", () => {
    const reserved = "?&|!{}[]()^~*:\\\"'+-";
    const escaped = [...reserved].map((char) => `\\${char}`).join("");
    expect(render("$salesforce.escReserved($input.v)", { input: { v: `${reserved} x` } })).toBe(`${escaped} x`);
  });

  it("doubles single quotes for an OData string literal", () => {
    expect(render("$dynamics.escReserved($input.name)", { input: { name: "O'Brien" } })).toBe("O''Brien");
  });
});
