import { describe, expect, it } from "vitest";
import { templateNames } from "./template-names.js";

describe("templateNames", () => {
  it("lists the references of every branch, with their first property and place", () => {
    const names = templateNames('{"a": ${counts},\n#if($flag)"b": $esc.jsonString($input.name)#else"c": $other#end}');
    expect(names?.references.map((r) => [r.name, r.property, r.line])).toEqual([
      ["counts", undefined, 1],
      ["flag", undefined, 2],
      ["esc", "jsonString", 2],
      ["input", "name", 2],
      ["other", undefined, 2],
    ]);
  });

  it("reads references inside double-quoted strings, not single-quoted ones", () => {
    const names = templateNames(`$esc.url("FIND {$sf.escReserved(\${input.p})}") $x.replace('$y', "z")`);
    expect(names?.references.map((r) => r.name)).toEqual(["esc", "sf", "input", "x"]);
  });

  it("knows the names a template assigns itself", () => {
    const names = templateNames("#set($total = 0)#foreach($item in $items)$item#end#macro(show $value)$value#end");
    expect([...(names?.assigned ?? [])]).toEqual(["total", "item", "value"]);
    expect(names?.references.map((r) => r.name)).toContain("items");
  });

  it("counts #set($map.key = …) as reading $map", () => {
    expect(templateNames("#set($map.key = 1)")?.references.map((r) => r.name)).toEqual(["map"]);
  });

  it("gives undefined for a template that does not parse", () => {
    expect(templateNames("#if(")).toBeUndefined();
  });
});
