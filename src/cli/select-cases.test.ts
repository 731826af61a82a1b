import { describe, expect, it } from "vitest";
import { caseSelector, parseShard } from "./select-cases.js";

const cases = Array.from({ length: 200 }, (_, i) => ({ action: `a${i % 3}`, name: `case ${i}`, source: `/x/a${i % 3}/cases/f.json#${i}` }));

describe("--shard", () => {
  it("splits cases so that the shards together hold every case exactly once", () => {
    const seen = new Map<string, number>();
    for (let index = 1; index <= 3; index++) {
      const keep = caseSelector({ shard: { index, total: 3 } })!;
      for (const c of cases) if (keep(c.action, c.name, c.source)) seen.set(c.name, (seen.get(c.name) ?? 0) + 1);
    }
    expect(seen.size).toBe(200);
    expect([...seen.values()].every((n) => n === 1)).toBe(true);
  });

  it("gives each shard a fair share", () => {
    const keep = caseSelector({ shard: { index: 2, total: 4 } })!;
    const count = cases.filter((c) => keep(c.action, c.name, c.source)).length;
    expect(count).toBeGreaterThan(25);
    expect(count).toBeLessThan(75);
  });

  it("does not depend on where the project sits on disk", () => {
    const keep = caseSelector({ shard: { index: 1, total: 2 } })!;
    expect(keep("a", "n", "/home/me/p/a/cases/f.json#0")).toBe(keep("a", "n", "../../ci/build/a/cases/f.json#0"));
  });

  it.each(["0/3", "4/3", "1/0", "x", "1-3"])("rejects %s", (text) => {
    expect(() => parseShard(text)).toThrow(/--shard must be i\/n/);
  });
});

describe("--filter", () => {
  it("matches a substring of the title, case-insensitively", () => {
    const keep = caseSelector({ filter: "PREMIUM" })!;
    expect(keep("billing", "a premium trigger", "s")).toBe(true);
    expect(keep("billing", "standard", "s")).toBe(false);
  });

  it("matches a /regex/", () => {
    const keep = caseSelector({ filter: "/^billing › trap:/" })!;
    expect(keep("billing", "trap: score", "s")).toBe(true);
    expect(keep("billing", "a trap: score", "s")).toBe(false);
  });

  it("says when the regex is broken", () => {
    expect(() => caseSelector({ filter: "/(/" })).toThrow(/not a valid regular expression/);
  });
});
