import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { GENESYS_CORPUS, genesysCorpusFiles } from "../../test/helpers/corpus.js";
import { readDeclarativeConfig } from "./declarative-config.js";
import { normaliseDefinition } from "./load-definition.js";

const CORPUS = GENESYS_CORPUS;
const corpus = genesysCorpusFiles;

const failure = (run: () => unknown): Error => {
  try {
    run();
  } catch (error) {
    return error as Error;
  }
  throw new Error("expected a failure");
};

describe("readDeclarativeConfig", () => {
  it("keeps the request and response as Genesys writes them, with empty parts filled in", () => {
    const config = readDeclarativeConfig(
      {
        request: { requestUrlTemplate: "https://x/${input.id}", requestType: "post", headers: { A: "b" }, requestTemplate: "${input.rawRequest}" },
        response: {},
      },
      "d.json",
    );
    expect(config).toEqual({
      request: { requestUrlTemplate: "https://x/${input.id}", requestType: "POST", headers: { A: "b" }, requestTemplate: "${input.rawRequest}" },
      response: { translationMap: {}, translationMapDefaults: {} },
    });
  });

  it("reads an empty config, or none, as no declarative request", () => {
    expect(readDeclarativeConfig(undefined, "d.json")).toBeUndefined();
    expect(readDeclarativeConfig({}, "d.json")).toBeUndefined();
  });

  it.each([
    [[], "config must be an object with request and response, got an array"],
    [{ request: "GET" }, "config.request must be an object, got a string"],
    [{ request: { requestType: "FETCH" } }, 'config.request.requestType must be one of GET, POST, PUT, PATCH, DELETE, got "FETCH"'],
    [{ request: { requestUrlTemplate: 5 } }, "config.request.requestUrlTemplate must be a string (a template), got a number"],
    [{ request: { headers: { A: 1 } } }, "config.request.headers.A must be a string, got a number"],
    [{ response: { translationMap: ["$.a"] } }, "config.response.translationMap must be an object of strings, got an array"],
  ])("refuses %j: %s", (config, message) => {
    const error = failure(() => readDeclarativeConfig(config, "d.json"));
    expect(error).toMatchObject({ code: "E_DEFINITION" });
    expect(error.message).toBe(`d.json: ${message}`);
  });

  it("is kept on a Genesys definition, and a typo inside it is an unknown key with a suggestion", () => {
    const raw = {
      id: "a",
      contract: { input: { inputSchema: { type: "object" } }, output: { successSchema: { type: "object" } } },
      config: { request: { requestUrlTemplate: "https://x", requestTemplat: "{}" }, response: {} },
    };
    const error = failure(() => normaliseDefinition(raw, { file: "d.json" }));
    expect(error.message).toContain('config/request/requestTemplat: unknown key "requestTemplat" in config/request');
    expect(error.message).toContain('did you mean "requestTemplate"?');
    const lenient = normaliseDefinition(raw, { strict: "warn" });
    expect(lenient.config?.request.requestUrlTemplate).toBe("https://x");
  });

  it.skipIf(corpus.length === 0)("keeps the config of every export in the corpus, with its URL, method and translation map", () => {
    for (const name of corpus) {
      const definition = normaliseDefinition(JSON.parse(readFileSync(join(CORPUS, name), "utf8")), { file: name });
      // A URL, a path on the platform's own API, or (an AWS Lambda action, scheduling-bot) a function's ARN.
      expect(definition.config?.request.requestUrlTemplate, name).toMatch(/\S/);
      expect(["GET", "POST", "PUT", "PATCH", "DELETE"], name).toContain(definition.config?.request.requestType);
      expect(typeof definition.config?.response.translationMap, name).toBe("object");
    }
  });
});
