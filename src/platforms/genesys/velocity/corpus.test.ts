// Every template of the 20 real Genesys exports rendered: URL, headers, body and success template, with plain and hostile inputs.
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { GENESYS_CORPUS, genesysCorpusFiles } from "../../../../test/helpers/corpus.js";
import { CORPUS_BODIES_BROKEN_BY_QUOTES } from "../../../../test/helpers/declarative.js";
import { renderTemplate, requestContext, type RenderedTemplate } from "./render-template.js";

interface CorpusAction {
  contract: { input: { inputSchema: { properties?: Record<string, { type?: string }> } } };
  config: {
    request: { requestUrlTemplate: string; requestType: string; headers: Record<string, string>; requestTemplate: string };
    response: { translationMap: Record<string, string>; successTemplate: string };
  };
}

function load(file: string): CorpusAction {
  return JSON.parse(readFileSync(join(GENESYS_CORPUS, file), "utf8")) as CorpusAction;
}

/** One value per property of the input schema, by type; strings are `text` with the property's name. */
function sampleInput(action: CorpusAction, text: (name: string) => string): Record<string, unknown> {
  const properties = action.contract.input.inputSchema.properties ?? {};
  const samples: Record<string, (name: string) => unknown> = { string: text, integer: () => 7, number: () => 2.5, boolean: () => true };
  return Object.fromEntries(Object.entries(properties).map(([name, schema]) => [name, samples[schema.type ?? "string"]?.(name) ?? text(name)]));
}

interface Rendered {
  url: RenderedTemplate;
  headers: RenderedTemplate[];
  body: RenderedTemplate;
  jsonBody: boolean;
}

function renderRequest(action: CorpusAction, input: Record<string, unknown>): Rendered {
  const { request } = action.config;
  const context = requestContext(input);
  const contentType = Object.entries(request.headers).find(([name]) => name.toLowerCase() === "content-type")?.[1];
  return {
    url: renderTemplate(request.requestUrlTemplate, context, { label: "requestUrlTemplate" }),
    headers: Object.entries(request.headers).map(([name, value]) => renderTemplate(value, context, { label: `headers.${name}` })),
    body: renderTemplate(request.requestTemplate, context, { label: "requestTemplate" }),
    // Genesys sends JSON when no Content-Type header says otherwise (every POST/PUT of the corpus means JSON).
    jsonBody: request.requestType !== "GET" && (contentType === undefined || /json/i.test(contentType)),
  };
}

// What the corpus's own templates get wrong with every input given: a reference whose case does not match the schema.
const KNOWN_UNRESOLVED: Record<string, string[]> = {
  "negative-sentiment-callback__Update-External-Tag.custom.json": ["${INPUT.ConversationID}"],
};

describe.skipIf(genesysCorpusFiles.length === 0)("the Genesys corpus", () => {
  it("has the 20 exports these tests expect", () => {
    expect(genesysCorpusFiles).toHaveLength(20);
  });

  it.each(genesysCorpusFiles)("%s: every request template renders with no tool left unrendered", (file) => {
    const action = load(file);
    const rendered = renderRequest(
      action,
      sampleInput(action, (name) => `v-${name}`),
    );
    const texts = [rendered.url.text, rendered.body.text, ...rendered.headers.map((header) => header.text)];
    for (const text of texts) {
      expect(text).not.toMatch(/\$!?\{?(esc|math|successTemplateUtils|encoding|urlTool|salesforce|dynamics)\b/);
    }
    const unresolved = [rendered.url, rendered.body, ...rendered.headers].flatMap((result) => result.unresolved.map((u) => u.reference));
    expect(unresolved).toEqual(KNOWN_UNRESOLVED[file] ?? []);
    if (rendered.jsonBody) expect(() => JSON.parse(rendered.body.text) as unknown, rendered.body.text).not.toThrow();
  });

  it("renders the Salesforce search URL as Genesys would: the SOSL query escaped, then form-encoded", () => {
    const action = load("process-automation-trigger-with-salesforce__get-contact-by-phone-number.json");
    const { url } = renderRequest(action, { PHONE_NUMBER: "+1 (317) 555-0100" });
    // The export writes `{$salesforce.escReserved(${input.PHONE_NUMBER}))}`: its stray `)` reaches Salesforce as `%29`.
    expect(url.text).toMatch(
      /^\/services\/data\/v37\.0\/search\/\?q=FIND\+%7B%5C%2B1\+%5C%28317%5C%29\+555%5C-0100%29%7D\+IN\+PHONE\+FIELDS\+RETURNING\+Contact%28AccountId%2C/,
    );
    expect(url.unresolved).toEqual([]);
  });

  it("finds the hand-written JSON bodies that a quote and a newline in an input make invalid", () => {
    const broken = genesysCorpusFiles.filter((file) => {
      const action = load(file);
      const rendered = renderRequest(
        action,
        sampleInput(action, () => 'say "hi"\nthen \\ leave'),
      );
      if (!rendered.jsonBody) return false;
      try {
        JSON.parse(rendered.body.text);
        return false;
      } catch {
        return true;
      }
    });
    expect(broken).toEqual(CORPUS_BODIES_BROKEN_BY_QUOTES);
  });

  it("lists the references an absent optional input leaves in a URL or body", () => {
    const action = load("negative-sentiment-callback__Create-Scheduled-Callback.custom.json");
    const { body } = renderRequest(action, {});
    expect(body.unresolved.map((u) => [u.reference, u.line, u.silent])).toEqual([
      ["$!{input.scriptId}", 2, true],
      ["${input.phone}", 3, false],
      ["${input.queueId}", 4, false],
      ["${input.dateTime}", 5, false],
    ]);
    expect(body.text).toContain('"scriptId": "",');
    expect(body.text).toContain('"queueId": "${input.queueId}"');
  });

  it.each(genesysCorpusFiles)("%s: the success template renders to JSON from translation-map values given as JSON text", (file) => {
    const { response } = load(file).config;
    // A translation-map value enters the success template as JSON text; rawResult is the whole response body.
    const values = Object.fromEntries(Object.keys(response.translationMap).map((key) => [key, JSON.stringify([`${key}-1`])]));
    const rendered = renderTemplate(response.successTemplate, { ...values, rawResult: '{"ok":true}' }, { label: "successTemplate", strict: true });
    expect(() => JSON.parse(rendered.text) as unknown, rendered.text).not.toThrow();
  });
});
