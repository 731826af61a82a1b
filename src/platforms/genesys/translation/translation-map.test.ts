import { describe, expect, it } from "vitest";
import { applyTranslationMap, translationValuesForTemplate } from "./translation-map.js";

const response = { id: "c-1", name: null, items: [{ n: 1 }, { n: 2 }] };

describe("applyTranslationMap", () => {
  it("reports per key the path, definiteness, matches, value and default use", () => {
    const result = applyTranslationMap(response, { id: "$.id", ns: "$.items[*].n" }, undefined);
    expect(result.entries).toEqual([
      { key: "id", path: "$.id", normalisedPath: "$.id", definite: true, matches: 1, found: true, usedDefault: false, value: "c-1", json: '"c-1"' },
      {
        key: "ns",
        path: "$.items[*].n",
        normalisedPath: "$.items[*].n",
        definite: false,
        matches: 2,
        found: true,
        usedDefault: false,
        value: [1, 2],
        json: "[1,2]",
      },
    ]);
    expect(result.problems).toEqual([]);
  });

  it("uses the default, parsed from its JSON text, when the path does not resolve", () => {
    const result = applyTranslationMap(response, { city: "$.address.city", tags: "$.tags" }, { city: '"UNKNOWN"', tags: "[]" });
    expect(result.entries.map((e) => [e.key, e.found, e.usedDefault, e.value, e.json])).toEqual([
      ["city", false, true, "UNKNOWN", '"UNKNOWN"'],
      ["tags", false, true, [], "[]"],
    ]);
  });

  it("keeps a null value: null does not fall back to the default", () => {
    const [entry] = applyTranslationMap(response, { name: "$.name" }, { name: '"nobody"' }).entries;
    expect(entry).toMatchObject({ found: true, usedDefault: false, value: null, json: "null" });
  });

  it("does not use the default for an indefinite path that matches nothing (it resolves to [])", () => {
    const [entry] = applyTranslationMap(response, { big: "$.items[?(@.n > 5)].n" }, { big: "[0]" }).entries;
    expect(entry).toMatchObject({ found: true, usedDefault: false, value: [], json: "[]" });
  });

  it("reports a default that is not JSON text, naming the key and the fix, used or not", () => {
    const used = applyTranslationMap(response, { city: "$.city" }, { city: "UNKNOWN" });
    expect(used.entries[0]).toMatchObject({ found: false, usedDefault: false });
    expect(used.problems[0]?.message).toContain("translationMapDefaults.city");
    expect(used.problems[0]?.message).toContain('"\\"UNKNOWN\\""');
    const unused = applyTranslationMap(response, { id: "$.id" }, { id: "oops" });
    expect(unused.entries[0]).toMatchObject({ found: true, value: "c-1" });
    expect(unused.problems).toHaveLength(1);
  });

  it("reports a default that is not a string", () => {
    const result = applyTranslationMap(response, { city: "$.city" }, { city: 0 as unknown as string });
    expect(result.problems[0]?.message).toContain("not a string");
  });

  it("reports a path that does not resolve and has no default", () => {
    const result = applyTranslationMap(response, { city: "$.city" }, {});
    expect(result.entries[0]).toMatchObject({ found: false, usedDefault: false });
    expect(result.entries[0]).not.toHaveProperty("json");
    expect(result.problems[0]?.message).toContain('"$.city"');
  });

  it("keeps going past a bad path, reporting it as data", () => {
    const result = applyTranslationMap(response, { bad: "$.items.length()", id: "$.id" }, undefined);
    expect(result.entries[0]?.problem?.code).toBe("E_DEFINITION");
    expect(result.entries[1]).toMatchObject({ value: "c-1" });
  });
});

describe("translationValuesForTemplate", () => {
  it("gives each key its JSON text: strings with their quotes, lists and objects as JSON", () => {
    const result = applyTranslationMap({ s: 'say "hi"\n', n: 1.5, o: { a: [true] } }, { s: "$.s", n: "$.n", o: "$.o", gone: "$.gone" }, undefined);
    expect(translationValuesForTemplate(result)).toEqual({ s: '"say \\"hi\\"\\n"', n: "1.5", o: '{"a":[true]}' });
  });

  it("reports a value nested too deeply to write instead of throwing", () => {
    let deep: unknown = 0;
    for (let i = 0; i < 200_000; i += 1) deep = [deep];
    const result = applyTranslationMap({ deep }, { deep: "$.deep" }, undefined);
    expect(result.problems[0]?.code).toBe("E_OUTPUT");
    expect(translationValuesForTemplate(result)).toEqual({});
  });

  it("keeps a key named __proto__, which assignment would have dropped", () => {
    const map = JSON.parse('{"__proto__": "$.id", "constructor": "$.id"}') as Record<string, string>;
    const values = translationValuesForTemplate(applyTranslationMap({ id: 7 }, map, undefined));
    expect(Object.keys(values)).toEqual(["__proto__", "constructor"]);
    expect(Object.getPrototypeOf(values)).toBe(Object.prototype);
  });
});
