import { describe, expect, it } from "vitest";
import { strayParentheses } from "./stray-parentheses.js";

describe("strayParentheses", () => {
  it("finds the doubled ) after a call inside a string a tool is given, as in the Salesforce search export", () => {
    const template = 'q=$esc.url("FIND {$salesforce.escReserved(${input.PHONE_NUMBER}))} IN PHONE FIELDS RETURNING Contact(Id)")';
    expect(strayParentheses(template)).toEqual([{ line: 1, column: 65, call: "$salesforce.escReserved(${input.PHONE_NUMBER})" }]);
    expect(template.slice(63, 66)).toBe("))}");
  });

  it("leaves a ) that closes a ( of the text around the call", () => {
    expect(strayParentheses("Contact($esc.url($input.a))")).toEqual([]);
    expect(strayParentheses('{"q": "($input.name.trim())"}')).toEqual([]);
  });

  it("leaves parentheses of directives and references that are not calls", () => {
    expect(strayParentheses("#if($input.a.isEmpty())x#end")).toEqual([]);
    expect(strayParentheses("#set($x = $input.a.trim())$x")).toEqual([]);
    expect(strayParentheses("note: $input.a)")).toEqual([]);
  });

  it("ignores comments, raw text and escaped references", () => {
    expect(strayParentheses("## $a.b())\n#* $a.b()) *#\n#[[ $a.b()) ]]#\n\\$a.b())")).toEqual([]);
  });

  it("places a stray ) on its own line and column", () => {
    expect(strayParentheses('{\n  "a": "${input.a.trim()})"\n}')).toEqual([{ line: 2, column: 26, call: "${input.a.trim()}" }]);
  });
});
