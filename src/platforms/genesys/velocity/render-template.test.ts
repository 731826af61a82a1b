// renderTemplate: missing references as Genesys prints them, their report and position, strict mode, parse errors, hostile input.
import { describe, expect, it } from "vitest";
import { hasErrorCode, type CxdaError } from "../../../core/errors.js";
import { renderTemplate, requestContext } from "./render-template.js";

function failure(run: () => unknown): CxdaError {
  try {
    run();
  } catch (error) {
    return error as CxdaError;
  }
  throw new Error("expected a throw");
}

describe("missing references (help.mypurecloud.com velocity-macros-data-actions: formal vs. silent notation)", () => {
  it("prints a formal reference to a missing value as written, and reports it with its line and column", () => {
    const result = renderTemplate('{\n  "id": "${input.x}"\n}', { input: {} });
    expect(result.text).toBe('{\n  "id": "${input.x}"\n}');
    expect(result.unresolved).toEqual([{ reference: "${input.x}", name: "input.x", line: 2, column: 10, silent: false }]);
  });

  it("prints nothing for a silent reference, and still reports it as silent", () => {
    const result = renderTemplate("a$!{input.x}b", { input: {} });
    expect(result.text).toBe("ab");
    expect(result.unresolved).toEqual([{ reference: "$!{input.x}", name: "input.x", line: 1, column: 2, silent: true }]);
  });

  it("treats a null value as missing, as Velocity does", () => {
    expect(renderTemplate("${input.x}|$!input.x", { input: { x: null } }).text).toBe("${input.x}|");
  });

  it("prints the reference exactly as the template writes it, spaces and quotes included", () => {
    const result = renderTemplate("/rows/${input.key.replace(' ', '%20')}", { input: {} });
    expect(result.text).toBe("/rows/${input.key.replace(' ', '%20')}");
  });

  it("reports a reference inside a string literal at the statement that holds it", () => {
    const result = renderTemplate('x\n#set($q = "id=${input.id}")$q', { input: {} });
    expect(result.text).toBe("x\nid=${input.id}");
    expect(result.unresolved).toEqual([{ reference: "${input.id}", name: "input.id", line: 2, column: 1, silent: false }]);
  });

  it("is case-sensitive, as Velocity is: ${INPUT.x} is not ${input.x}", () => {
    expect(renderTemplate("${INPUT.id}", { input: { id: "1" } }).unresolved.map((u) => u.reference)).toEqual(["${INPUT.id}"]);
  });

  it("does not report a missing value tested by #if", () => {
    expect(renderTemplate("#if($input.x)yes#{else}no#end", { input: {} })).toEqual({ text: "no", unresolved: [] });
  });

  it("renders values the way Java prints them: numbers, booleans, JSON objects as maps and arrays as lists", () => {
    const input = { n: 7, f: 2.5, b: false, o: { a: 1, b: "x" }, l: [1, "two"] };
    expect(renderTemplate("$input.n $input.f $input.b $input.o $input.l", { input }).text).toBe("7 2.5 false {a=1, b=x} [1, two]");
  });

  it("does not reach JavaScript's Object methods through data", () => {
    const result = renderTemplate("$input.toString $input.o.constructor $input.o.hasOwnProperty('a')", { input: { o: { a: 1 } } });
    expect(result.unresolved.map((u) => u.reference)).toEqual(["$input.toString", "$input.o.constructor", "$input.o.hasOwnProperty('a')"]);
  });

  it("renders a frozen input without touching it", () => {
    const input = Object.freeze({ s: "abc", o: Object.freeze({ a: 1 }) });
    expect(renderTemplate("$input.s.length() $input.o.get('a')", { input }).text).toBe("3 1");
  });
});

describe("strict mode", () => {
  it("makes an unresolved reference an E_TEMPLATE error naming it, its position and how many more", () => {
    const error = failure(() => renderTemplate("a\n  ${input.a} ${input.b}", { input: {} }, { strict: true, label: "requestTemplate" }));
    expect(hasErrorCode(error, "E_TEMPLATE")).toBe(true);
    expect(error.message).toBe(
      "requestTemplate 2:3: ${input.a} does not resolve (and 1 more). Give the input a value, or write $!{input.a} where it may be absent.",
    );
    expect(error.context).toEqual({ line: 2, column: 3, reference: "${input.a}" });
  });

  it("keeps a silent reference a warning: its author said the value may be absent", () => {
    expect(renderTemplate("$!{input.a}", { input: {} }, { strict: true })).toEqual({
      text: "",
      unresolved: [{ reference: "$!{input.a}", name: "input.a", line: 1, column: 1, silent: true }],
    });
  });

  it("passes a template whose references all resolve", () => {
    expect(renderTemplate("${input.a}", { input: { a: "x" } }, { strict: true }).text).toBe("x");
  });
});

describe("templates that do not parse", () => {
  it("names the line and column of an unclosed ${", () => {
    const error = failure(() => renderTemplate("line one\n  ${input.x", {}, { label: "requestUrlTemplate" }));
    expect(hasErrorCode(error, "E_TEMPLATE")).toBe(true);
    expect(error.message).toMatch(/^requestUrlTemplate 2:\d+: the Velocity template does not parse/);
    expect(error.context.line).toBe(2);
  });

  it("names the column of a string literal that never closes", () => {
    const error = failure(() => renderTemplate('ok\n$esc.url("a)', {}));
    expect(error.message).toMatch(/^template 2:10: the Velocity template does not parse \(Lexical error/);
  });

  it("refuses a #foreach without its list", () => {
    expect(failure(() => renderTemplate("#foreach($a in)x#end", {})).message).toMatch(/^template 1:13: .*expected 'DOLLAR', 'BRACKET'/);
  });

  it("refuses a block never closed with #end, which velocityjs alone would render twice", () => {
    expect(failure(() => renderTemplate("a\n #if($input.x) b", {})).message).toBe(
      "template 2:2: #if is never closed. Add #end where its block ends.",
    );
  });

  it("refuses an #end that closes nothing, where velocityjs alone would stop rendering", () => {
    expect(failure(() => renderTemplate("a #end b", {})).message).toMatch(/^template 1:3: this #end closes no #if/);
  });

  it("ignores directives in comments, raw blocks and escapes when checking #end", () => {
    expect(renderTemplate("## #if\n#* #foreach *# #[[ #end ]]# \\#end", {}).text).toBe("  #end  #end");
  });
});

describe("a method that fails", () => {
  it("is an E_TEMPLATE error with the reference and its position", () => {
    const error = failure(() => renderTemplate("\n  $input.s.substring(9)", { input: { s: "abc" } }, { label: "successTemplate" }));
    expect(error.message).toBe(
      "successTemplate 2:3: $input.s.substring(9) failed: substring(9, 3) is out of range for a string of length 3. Fix the call or the input it is given.",
    );
  });
});

describe("hostile input", () => {
  const hostile = "quote \" apostrophe ' back\\slash\nnew line\ttab </script> \u00e9\u{1F600} \u2028 ${input.x} #if";

  it("passes through a plain reference unchanged, Velocity syntax inside a value included", () => {
    expect(renderTemplate("${input.v}", { input: { v: hostile } }).text).toBe(hostile);
  });

  it("stays valid JSON through $esc.jsonString", () => {
    const body = renderTemplate('{"v": "$esc.jsonString($input.v)"}', { input: { v: hostile } }).text;
    expect(JSON.parse(body)).toEqual({ v: hostile });
  });

  it("makes hand-written JSON invalid without $esc.jsonString, which is what cxda must show", () => {
    const body = renderTemplate('{"v": "${input.v}"}', { input: { v: hostile } }).text;
    expect(() => JSON.parse(body) as unknown).toThrow();
  });

  it("round-trips through $esc.url into a URL", () => {
    const url = renderTemplate("https://x.test/?q=$esc.url($input.v)", { input: { v: hostile } }).text;
    expect(new URL(url).searchParams.get("q")).toBe(hostile);
  });
});

describe("templates that reach for JavaScript through the tools", () => {
  const proto = "$esc.__lookupGetter__('__proto__')";

  it("cannot pollute Object.prototype through a tool's inherited methods and #set", () => {
    const template = `#set($p = ${proto}.call(${proto}.call($esc)))#set($p.cxdaPolluted = 'yes')done`;
    expect(renderTemplate(template, {}).text).toBe("done");
    expect(Object.hasOwn(Object.prototype, "cxdaPolluted")).toBe(false);
  });

  it("cannot rewrite a tool's class for the renders after it", () => {
    renderTemplate(`#set($p = ${proto}.call($esc))#set($p.url = 'hijacked')`, {});
    expect(renderTemplate("$esc.url('a b')", {}).text).toBe("a+b");
  });

  it("gives no JavaScript method on a tool or on a tool's method: each prints as written", () => {
    const calls = [
      "$esc.valueOf()",
      "$esc.hasOwnProperty('d')",
      "$esc.toString()",
      "$esc.url.call($esc, 'a b')",
      "$esc.url.toString()",
      "$math.add.bind($math, 1)",
    ];
    const result = renderTemplate(calls.join("|"), {});
    expect(result.text).toBe(calls.join("|"));
    expect(result.unresolved.map((u) => u.reference)).toEqual(calls);
  });

  it("keeps a tool's own methods and Java getters of its fields", () => {
    expect(renderTemplate("$esc.url('a b') $esc.getQuote() $esc.q $math.add(1, 2)", {}).text).toBe('a+b " " 3');
  });

  it("takes put('__proto__', …) on a map as a key, not as the map's prototype", () => {
    const result = renderTemplate("#set($old = $input.o.put('__proto__', {'x': 1}))$!old|$input.o.x|$input.o.get('__proto__')", { input: { o: {} } });
    expect(result.text).toBe("|$input.o.x|{x=1}");
  });
});

describe("renders that would crash or exhaust memory", () => {
  it("prints a JSON object with a toString key as a map instead of failing on it", () => {
    const input = { o: { toString: "x", a: 1 }, l: [1, null, { toString: {} }] };
    expect(renderTemplate("$input.o $input.l", { input }).text).toBe("{toString=x, a=1} [1, null, {toString={}}]");
  });

  it("prints a list or map that holds itself as Java does, not with a stack overflow", () => {
    expect(renderTemplate("#set($l = [1])#set($d = $l.add($l))$l", {}).text).toBe("[1, (this Collection)]");
    expect(renderTemplate("#set($m = {})#set($d = $m.put('me', $m))$m", {}).text).toBe("{me=(this Map)}");
  });

  it("refuses a range of more than a million items as E_TEMPLATE at the #foreach, before building it", () => {
    const error = failure(() => renderTemplate("a\n  #foreach($i in [1..1000000000])#end", {}, { label: "requestTemplate" }));
    expect(hasErrorCode(error, "E_TEMPLATE")).toBe(true);
    expect(error.message).toMatch(
      /^requestTemplate 2:3: rendering failed: the range \[1\.\.1000000000\] has 1000000000 items, more than the 1000000/,
    );
    expect(renderTemplate("#foreach($i in [3..$input.n])$i#end", { input: { n: "1" } }).text).toBe("321");
  });

  it("makes text that outgrows JavaScript's strings an E_TEMPLATE error with its place", () => {
    const error = failure(() => renderTemplate('x\n#set($x = "a")#foreach($i in [1..40])#set($x = "$x$x")#end', {}));
    expect(hasErrorCode(error, "E_TEMPLATE")).toBe(true);
    expect(error.message).toMatch(/^template 2:\d+: rendering failed: the text it builds grows beyond what JavaScript can hold/);
  });

  it("makes input nested too deeply to copy an E_TEMPLATE error naming the value", () => {
    let deep: unknown = 1;
    for (let i = 0; i < 50_000; i += 1) deep = [deep];
    const error = failure(() => renderTemplate("$input.d", { input: { d: deep } }));
    expect(hasErrorCode(error, "E_TEMPLATE")).toBe(true);
    expect(error.message).toMatch(/^template: the value of "input" nests too deeply to render/);
  });
});

describe("requestContext (help.mypurecloud.com/?p=138534: the default body is ${input.rawRequest})", () => {
  it("gives input.rawRequest, the whole input as JSON text", () => {
    expect(renderTemplate("${input.rawRequest}", requestContext({ a: 1, b: "x" })).text).toBe('{"a":1,"b":"x"}');
  });

  it("keeps an input's own rawRequest and passes credentials", () => {
    const context = requestContext({ rawRequest: "mine" }, { clientId: "id" });
    expect(renderTemplate("${input.rawRequest} ${credentials.clientId}", context).text).toBe("mine id");
  });
});

describe("a template rendered again", () => {
  it("renders each context afresh, and fails each time with the label of the render that asked", () => {
    const template = "/users/${input.id}";
    expect(renderTemplate(template, { input: { id: 1 } }).text).toBe("/users/1");
    expect(renderTemplate(template, { input: { id: 2 } }).text).toBe("/users/2");
    expect(renderTemplate(template, {}).unresolved).toHaveLength(1);
    const broken = "#if($input.a) x";
    expect(() => renderTemplate(broken, {}, { label: "first" })).toThrow(/first/);
    expect(() => renderTemplate(broken, {}, { label: "second" })).toThrow(/second/);
  });
});
