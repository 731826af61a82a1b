// Unit tests of init's package.json helpers: which specs are local paths, how they are written, and merging into odd package.json files.
import { describe, expect, it } from "vitest";
import { isLocalPathSpec, keptTooOld, mergePackageJson, resolveCxdaSpec } from "./init-manifest.js";

describe("isLocalPathSpec", () => {
  it("reads specs as npm does", () => {
    for (const spec of ["file:../cxda", "./cxda-0.1.0.tgz", "../cxda", "/opt/cxda", "~/cxda", "C:\\cxda", "cxda-0.1.0.tgz", "file:///opt/cxda"]) {
      expect(isLocalPathSpec(spec), spec).toBe(true);
    }
    for (const spec of ["^0.1.0", "latest", "github:o/cxda", "git+https://x.dev/cxda.git", "https://x.dev/cxda-0.1.0.tgz", "npm:cxda@1"]) {
      expect(isLocalPathSpec(spec), spec).toBe(false);
    }
  });
});

describe("resolveCxdaSpec", () => {
  const where = { cwd: "/home/u/src", projectDir: "/home/u/src/app", version: "1.2.3" };

  it("defaults to the registry range of this version", () => {
    expect(resolveCxdaSpec(undefined, where)).toEqual({ spec: "^1.2.3", warnings: [] });
  });

  it("refuses an empty spec", () => {
    expect(() => resolveCxdaSpec("  ", where)).toThrow(expect.objectContaining({ code: "E_USAGE" }));
  });

  it("reads a file: URL and a home path as absolute, and warns about both", () => {
    const url = resolveCxdaSpec("file:///opt/cxda", where);
    expect(url.spec).toBe("file:/opt/cxda");
    expect(url.warnings.at(-1)).toMatch(/is an absolute path: it resolves on this machine only/);
    expect(resolveCxdaSpec("~/cxda.tgz", where).warnings.at(-1)).toMatch(/is an absolute path/);
  });

  it("keeps a relative path outside the project relative, without the absolute-path warning", () => {
    const { spec, warnings } = resolveCxdaSpec("file:../cxda", where);
    expect(spec).toBe("file:../../cxda");
    expect(warnings.join()).not.toMatch(/absolute/);
  });
});

describe("resolveCxdaSpec on specs npm cannot read", () => {
  const where = { cwd: "/home/u/src", projectDir: "/home/u/src/app", version: "1.2.3" };

  it("writes ranges, tags and URLs npm reads as they are, without a word", () => {
    for (const spec of [
      "^0.1.0",
      "~0.1",
      "0.1.x",
      ">=0.1.0 <0.3",
      "1.x || >=2.0.0-rc.1",
      "0.1.0 - 0.2.0",
      "*",
      "v0.1.0",
      "latest",
      "npm:cxda@^0.1.0",
      "owner/cxda#v1",
    ]) {
      expect(resolveCxdaSpec(spec, where), spec).toEqual({ spec, warnings: [] });
    }
  });

  it("refuses nonsense (spaces, '!'), naming the spec, instead of writing what npm install fails on later", () => {
    expect(() => resolveCxdaSpec("nonsense spec!!", where)).toThrow(
      expect.objectContaining({
        code: "E_USAGE",
        message: expect.stringMatching(/^--cxda nonsense spec!!: npm cannot read it as a version range or a tag; give a version range/),
      }),
    );
    expect(() => resolveCxdaSpec("^^1", where)).toThrow(expect.objectContaining({ code: "E_USAGE" }));
  });

  it("suggests the version for cxda@<version>, the package name typed out of habit", () => {
    expect(() => resolveCxdaSpec("cxda@0.1.0", where)).toThrow(
      expect.objectContaining({ message: expect.stringContaining("(did you mean --cxda 0.1.0?)") }),
    );
  });

  it('refuses a flag taken as the spec (cxda init --cxda --force) instead of writing "cxda": "--force"', () => {
    expect(() => resolveCxdaSpec("--force", where)).toThrow(
      expect.objectContaining({ code: "E_USAGE", message: expect.stringMatching(/^--cxda --force: looks like a flag/) }),
    );
  });

  it("warns that a tag other than latest or next is the registry's to know", () => {
    expect(resolveCxdaSpec("nonsense", where)).toEqual({
      spec: "nonsense",
      warnings: ["--cxda nonsense: npm reads it as a tag of cxda on the registry, and npm install fails unless the registry has that tag."],
    });
  });
});

describe("mergePackageJson", () => {
  const wanted = { scripts: [{ names: ["test", "test:cxda"], command: "cxda test" }], devDependencies: [["cxda", "^1.0.0"]] as const };

  it("keeps CRLF line ends, a byte-order mark and four-space indentation", () => {
    const text = '\ufeff{\r\n    "name": "x"\r\n}\r\n';
    expect(mergePackageJson(text, "package.json", wanted).text).toBe(
      '\ufeff{\r\n    "name": "x",\r\n    "scripts": {\r\n        "test": "cxda test"\r\n    },\r\n    "devDependencies": {\r\n        "cxda": "^1.0.0"\r\n    }\r\n}\r\n',
    );
  });

  it("adds no script whose command is already there, and none when all its names are taken", () => {
    expect(mergePackageJson('{ "scripts": { "cases": "cxda test" } }', "package.json", wanted).scripts).toEqual([]);
    expect(mergePackageJson('{ "scripts": { "test": "jest", "test:cxda": "other" } }', "package.json", wanted).scripts).toEqual([]);
  });

  it("refuses a package.json whose scripts are not an object, naming the JSON path", () => {
    expect(() => mergePackageJson('{ "scripts": [] }', "app/package.json", wanted)).toThrow(
      expect.objectContaining({
        code: "E_CONFIG",
        message: expect.stringContaining('app/package.json: "scripts" is not an object'),
        context: expect.objectContaining({ path: "/scripts" }),
      }),
    );
    expect(() => mergePackageJson("[]", "package.json", wanted)).toThrow(/not a JSON object/);
  });
});

describe("keptTooOld", () => {
  const minimums = {
    vitest: { at: [4, 0] as const, why: "peer", suggested: "4.1.12" },
    typescript: { at: [5, 3] as const, why: "bundler", suggested: "5.9.3" },
    cxda: { at: [0, 1] as const, why: "check", suggested: "^0.1.0" },
  };
  const kept = (name: string, spec: string) => [{ name, spec, field: "devDependencies" as const }];

  it("warns about a kept spec that cannot reach the version the scaffold needs", () => {
    for (const [name, spec] of [
      ["vitest", "^3.2.0"],
      ["vitest", "3.x"],
      ["vitest", "~3.2"],
      ["typescript", "~5.2.0"],
      ["typescript", "4.9.5"],
      ["typescript", "^4"],
      ["cxda", "^0.0.9"],
      ["vitest", "^2 || ^3"],
    ] as const) {
      expect(keptTooOld(kept(name, spec), minimums), `${name} ${spec}`).toEqual([
        expect.stringMatching(new RegExp(`^package\\.json keeps ${name} .* but the scaffold needs ${name} \\d+\\.\\d+ or newer .*change it to "`)),
      ]);
    }
  });

  it("says nothing for a spec that reaches it, or one it cannot read simply", () => {
    for (const [name, spec] of [
      ["vitest", "^4.0.0"],
      ["vitest", "4.1.12"],
      ["typescript", "^5.0.0"],
      ["typescript", "~5.3.0"],
      ["typescript", "5"],
      ["vitest", "^3 || ^4"],
      ["cxda", "^0.1.0"],
      ["vitest", "latest"],
      ["vitest", ">=3"],
      ["vitest", "3 - 5"],
      ["cxda", "file:vendor/cxda.tgz"],
      ["zod", "^1.0.0"],
    ] as const) {
      expect(keptTooOld(kept(name, spec), minimums), `${name} ${spec}`).toEqual([]);
    }
  });
});
