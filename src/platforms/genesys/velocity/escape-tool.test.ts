// $esc: Genesys' JSON and URL methods and Velocity's EscapeTool, against the documented rules and Java's encoders.
import { describe, expect, it } from "vitest";
import { EscapeTool, javaText, jsonEscape, jsonUnescape, uriEncode, urlDecode, urlFormEncode } from "./escape-tool.js";
import { renderTemplate } from "./render-template.js";

const render = (template: string, input: Record<string, unknown> = {}): string => renderTemplate(template, { input }).text;

describe("$esc.url and $esc.urlFormEncode (java.net.URLEncoder in UTF-8)", () => {
  it('writes spaces as + (Genesys: urlFormEncode encodes spaces as "+"; url is its alias)', () => {
    expect(render("$esc.urlFormEncode($input.v)|$esc.url($input.v)", { v: "two words" })).toBe("two+words|two+words");
  });

  it("keeps only letters, digits and .-*_ and encodes ()!'~, which encodeURIComponent would keep", () => {
    expect(urlFormEncode("aZ09.-*_ ()!'~")).toBe("aZ09.-*_+%28%29%21%27%7E");
    expect(urlFormEncode("/?&=+#%")).toBe("%2F%3F%26%3D%2B%23%25");
  });

  it("encodes the UTF-8 bytes in upper-case hex, and a lone surrogate as ? as Java does", () => {
    expect(urlFormEncode("é😀")).toBe("%C3%A9%F0%9F%98%80");
    expect(urlFormEncode("a\uD800b")).toBe("a%3Fb");
  });

  it("decodes back with $esc.unurl (URLDecoder), null for a broken escape", () => {
    expect(urlDecode("a+b%2B%C3%A9")).toBe("a b+é");
    expect(render("$esc.unurl('a+b')")).toBe("a b");
    expect(urlDecode("%E0%A4%A")).toBeUndefined();
  });
});

describe("$esc.uriEncode (help.mypurecloud.com/?p=296518: around values with URL reserved characters)", () => {
  it("encodes every reserved character the page lists, and spaces as %20", () => {
    expect(uriEncode("/ ? : @ $ & ' ( ) * + , ; = !")).toBe(
      "%2F%20%3F%20%3A%20%40%20%24%20%26%20%27%20%28%20%29%20%2A%20%2B%20%2C%20%3B%20%3D%20%21",
    );
  });

  it("renders the page's form body example", () => {
    const body = render('description=$esc.uriEncode("${input.DESCRIPTION}")&email=$esc.uriEncode("${input.EMAIL}")', {
      DESCRIPTION: "a/b & c",
      EMAIL: "x+y@example.com",
    });
    expect(body).toBe("description=a%2Fb%20%26%20c&email=x%2By%40example.com");
    expect(new URLSearchParams(body).get("email")).toBe("x+y@example.com");
  });
});

describe("$esc.jsonString, $esc.jsonEncode and $esc.jsonDecode", () => {
  it("escapes quotes, backslashes and control characters for the inside of a JSON string", () => {
    const value = 'He said "hi"\\ \n\r\t\b\f \u0001 / é';
    expect(render("$esc.jsonString($input.v)", { v: value })).toBe('He said \\"hi\\"\\\\ \\n\\r\\t\\b\\f \\u0001 / é');
    expect(render("$esc.jsonEncode($input.v)", { v: value })).toBe(jsonEscape(value));
    expect(JSON.parse(`"${jsonEscape(value)}"`)).toBe(value);
  });

  it("reads the escapes back with jsonDecode", () => {
    expect(jsonUnescape('a \\"b\\" \\\\ \\n \\u00e9 \\/')).toBe('a "b" \\ \n é /');
    expect(render("$esc.jsonDecode($input.v)", { v: jsonEscape('x"\ny') })).toBe('x"\ny');
  });

  it("gives null for a null value, so the reference prints as written", () => {
    const result = renderTemplate('"$esc.jsonString($input.absent)"', { input: {} });
    expect(result.text).toBe('"$esc.jsonString($input.absent)"');
    expect(result.unresolved.map((u) => u.reference)).toEqual(["$esc.jsonString($input.absent)"]);
  });

  it("escapes numbers and booleans by their Java text", () => {
    expect(render("$esc.jsonString($input.n)-$esc.jsonString($input.b)", { n: 12, b: true })).toBe("12-true");
  });
});

describe("Velocity's EscapeTool methods (commons-lang 2 rules)", () => {
  const esc = new EscapeTool();

  it("java escapes quotes, backslashes, control characters and non-ASCII as \\uXXXX", () => {
    expect(esc.java('é"\n\\')).toBe('\\u00E9\\"\\n\\\\');
    expect(esc.java("😀")).toBe("\\uD83D\\uDE00");
  });

  it("javascript also escapes ' and /", () => {
    expect(esc.javascript("it's </script>")).toBe("it\\'s <\\/script>");
  });

  it("xml, html and sql", () => {
    expect(esc.xml("<a href='x'>&\"é</a>")).toBe("&lt;a href=&apos;x&apos;&gt;&amp;&quot;&#233;&lt;/a&gt;");
    expect(esc.html("<b>'&\"</b>")).toBe("&lt;b&gt;'&amp;&quot;&lt;/b&gt;");
    expect(esc.sql("O'Brien")).toBe("O''Brien");
  });

  it("gives the characters awkward to write: $esc.d, $esc.h, $esc.b, $esc.q, $esc.quote, $esc.s, $esc.e", () => {
    expect(render("$esc.d $esc.dollar $esc.h $esc.b $esc.q $esc.quote $esc.s $esc.e $esc.getQuote()")).toBe('$ $ # \\ " " \' ! "');
  });
});

describe("javaText (String.valueOf of a template value)", () => {
  it("prints maps and lists as Java does, and null as undefined", () => {
    expect(javaText({ a: [1, null], b: { c: true } })).toBe("{a=[1, null], b={c=true}}");
    expect(javaText(null)).toBeUndefined();
  });
});
