// Java's String, List and Map methods in templates (Genesys: "Java string method macros"), and Java's regex rules.
import { describe, expect, it } from "vitest";
import { javaRegex, javaReplace, javaSplit } from "./java-regex.js";
import { renderTemplate } from "./render-template.js";

const render = (template: string, input: Record<string, unknown> = {}): string => renderTemplate(template, { input }).text;
const s = (template: string, value: string): string => render(template, { s: value });

describe("java.lang.String methods", () => {
  it("replace replaces every occurrence, literally (not a regex, unlike JavaScript's first-only replace)", () => {
    expect(s("$input.s.replace(' ', '%20')", "a b c")).toBe("a%20b%20c");
    expect(s("$input.s.replace('.', '-')", "1.2.3")).toBe("1-2-3");
    expect(s("$input.s.replace('a', '$&')", "aa")).toBe("$&$&");
  });

  it("replace with an empty target inserts around every character, as Java does", () => {
    expect(s("$input.s.replace('', '-')", "ab")).toBe("-a-b-");
  });

  it("replaceAll and replaceFirst take a Java regex and Java's $n replacement", () => {
    expect(s("$input.s.replaceAll('[0-9]+', '#')", "a1b22c")).toBe("a#b#c");
    expect(s("$input.s.replaceFirst('(\\w+)@(\\w+)', '$2 at $1')", "me@host you@there")).toBe("host at me you@there");
    expect(s("$input.s.replaceAll('(?i)X', '\\$')", "axAX")).toBe("a$A$");
  });

  it("length(), isEmpty(), isBlank() and the property forms $s.empty", () => {
    expect(s("$input.s.length() $input.s.isEmpty() $input.s.isBlank() $input.s.empty", " ")).toBe("1 false true false");
    expect(s("$input.s.length() $input.s.isEmpty() $input.s.empty", "")).toBe("0 true true");
  });

  it("has no JavaScript-only members: .length as a property, .at(), [0] resolve to nothing", () => {
    const result = renderTemplate("$input.s.length|$input.s.at(0)|$input.s.padStart(5)", { input: { s: "abc" } });
    expect(result.text).toBe("$input.s.length|$input.s.at(0)|$input.s.padStart(5)");
    expect(result.unresolved).toHaveLength(3);
  });

  it("contains, startsWith, endsWith, indexOf, lastIndexOf, charAt", () => {
    const template =
      "$input.s.contains('b') $input.s.startsWith('ab') $input.s.startsWith('b', 1) $input.s.endsWith('c') $input.s.indexOf('b') $input.s.indexOf('z') $input.s.lastIndexOf('b') $input.s.charAt(2)";
    expect(s(template, "abcb")).toBe("true true true false 1 -1 3 c");
  });

  it("substring(begin[, end]) and its out-of-range fault, where JavaScript would clamp", () => {
    expect(s("$input.s.substring(1) $input.s.substring(1, 3)", "hello")).toBe("ello el");
    expect(() => s("$input.s.substring(2, 1)", "hello")).toThrow(/substring\(2, 1\) is out of range/);
  });

  it("toLowerCase, toUpperCase, and trim, which removes only characters up to U+0020", () => {
    expect(s("[$input.s.trim()] [$input.s.strip()]", "\u00a0 x \t")).toBe("[\u00a0 x] [x]");
    expect(s("$input.s.toLowerCase()-$input.s.toUpperCase()", "MiXed")).toBe("mixed-MIXED");
  });

  it("equals, equalsIgnoreCase, compareTo, matches", () => {
    expect(
      s("$input.s.equals('Ab') $input.s.equals('ab') $input.s.equalsIgnoreCase('aB') $input.s.compareTo('Ac') $input.s.matches('A.')", "Ab"),
    ).toBe("true false true -1 true");
    expect(s("$input.s.matches('b')", "abc")).toBe("false");
  });

  it("split follows Java: trailing empty strings dropped, a limit keeps the rest", () => {
    expect(s("$input.s.split(',')", "a,b,,")).toBe("[a, b]");
    expect(s("$input.s.split(',', 2)", "a,b,c")).toBe("[a, b,c]");
    expect(s("$input.s.split(',', -1)", "a,,")).toBe("[a, , ]");
    expect(s("$input.s.split('\\|').size()", "x|y")).toBe("2");
  });

  it("concat, repeat, hashCode and toString", () => {
    expect(s("$input.s.concat('!') $input.s.repeat(2) $input.s.hashCode() $input.s.toString()", "ab")).toBe("ab! abab 3105 ab");
  });
});

describe("List, Map, number and boolean methods", () => {
  const input = { list: ["a", "b"], map: { k: "v", n: 1 }, n: 3.7, b: true };

  it("List: size, get, isEmpty, contains, and get out of range as a fault", () => {
    expect(render("$input.list.size() $input.list.get(1) $input.list.isEmpty() $input.list.contains('a') $input.list[0]", input)).toBe(
      "2 b false true a",
    );
    expect(() => render("$input.list.get(2)", input)).toThrow(/get\(2\) is out of range for a list of size 2/);
  });

  it("Map: get, containsKey, keySet, size, isEmpty and #foreach over entrySet", () => {
    expect(render("$input.map.get('k') $input.map.containsKey('x') $input.map.keySet() $input.map.size() $input.map.isEmpty()", input)).toBe(
      "v false [k, n] 2 false",
    );
    expect(render("#foreach($e in $input.map.entrySet())$e.key=$e.value;#end", input)).toBe("k=v;n=1;");
  });

  it("numbers and booleans: intValue, toString, equals", () => {
    expect(render("$input.n.intValue() $input.n.toString() $input.b.toString() $input.b.equals(true)", input)).toBe("3 3.7 true true");
    expect(renderTemplate("$input.n.toFixed(1)", { input }).unresolved).toHaveLength(1);
  });
});

describe("Java regex translation", () => {
  it("reads inline flags at the start, \\Q…\\E quoting and \\A \\z anchors", () => {
    expect(javaRegex("(?i)^a\\Qb.c\\E").test("AB.C")).toBe(true);
    expect(javaRegex("\\Qb.c\\E").test("bxc")).toBe(false);
    expect(javaReplace("ab\nab", "\\Aab", "X", true)).toBe("X\nab");
    expect(javaReplace("ab\nab", "ab\\z", "X", true)).toBe("ab\nX");
  });

  it("refuses Java constructs that would silently mean something else in JavaScript", () => {
    expect(() => javaRegex("\\p{Alpha}+")).toThrow(/uses \\p, a Java construct cxda does not translate/);
    expect(() => javaRegex("a++")).toThrow(/is not one cxda can run/);
    expect(() => javaRegex("(?x) a")).toThrow(/\(\?x\)/);
  });

  it("reads escapes JavaScript takes as plain letters as Java does: \\s ASCII only, \\v, \\e, \\a, \\0ooo, \\x{h}", () => {
    expect(javaReplace("a\u00a0b\u2003c\u000bd e", "\\s", "_", true)).toBe("a\u00a0b\u2003c_d_e");
    expect(javaReplace("a\u00a0b c", "\\S+", "X", true)).toBe("X X");
    expect(javaReplace("a\nb\u000bc", "\\v", "_", true)).toBe("a_b_c");
    expect(javaReplace("\u001be\u0007a", "[\\e\\a]", "_", true)).toBe("_e_a");
    expect(javaReplace("A0", "\\0101", "_", true)).toBe("_0");
    expect(javaReplace("Ax", "\\x{41}", "_", true)).toBe("_x");
  });

  it("reads $ . ^ with Java's line terminators: $ also before a final line end, \\r\\n is one terminator", () => {
    expect(javaReplace("ab\n", "$", "X", true)).toBe("abX\nX");
    expect(javaReplace("a\r\nb", "(?m)$", "X", true)).toBe("aX\r\nbX");
    expect(javaReplace("a\r\nb\n", "(?m)^", "X", true)).toBe("Xa\r\nXb\n");
    expect(javaReplace("a\u0085b", ".", "X", true)).toBe("X\u0085X");
  });

  it("reads a ] first in a class as Java does, and refuses nested classes and && that JavaScript reads as text", () => {
    expect(javaReplace("a]b", "[]a]", "X", true)).toBe("XXb");
    expect(javaReplace("a]b", "[^]a]", "X", true)).toBe("a]X");
    expect(() => javaRegex("[a-c[x]]")).toThrow(/uses a class inside a class/);
    expect(() => javaRegex("[a-z&&[^b]]")).toThrow(/uses a class inside a class|uses && inside a class/);
    expect(() => javaRegex("[a&&b]")).toThrow(/uses && inside a class/);
    expect(() => javaRegex("[\\S]")).toThrow(/\\S inside a class/);
  });

  it("reads Java replacement strings: $n takes the longest group number that exists, \\ quotes", () => {
    expect(javaReplace("abc", "(a)(b)", "$10", false)).toBe("a0c");
    expect(javaReplace("abc", "(?<first>a)", "${first}!", false)).toBe("a!bc");
    expect(() => javaReplace("abc", "a", "$", false)).toThrow(/has a "\$" with no group/);
    expect(() => javaReplace("abc", "a", "$2", false)).toThrow(/refers to group 2/);
  });

  it("splits as Java 8+ does: no leading empty string for a zero-width match, the whole text when nothing matches", () => {
    expect(javaSplit("abc", "", 0)).toEqual(["a", "b", "c"]);
    expect(javaSplit(",a", ",", 0)).toEqual(["", "a"]);
    expect(javaSplit("abc", ",", 0)).toEqual(["abc"]);
    expect(javaSplit("", ",", 0)).toEqual([""]);
    expect(javaSplit("a1b2c3", "\\d", 0)).toEqual(["a", "b", "c"]);
  });
});
