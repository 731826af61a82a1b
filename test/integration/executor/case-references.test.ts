// A case that crosses to its worker as its changes runs on the same trigger, byte for byte, as one whose trigger is built
// on the main thread: compared on every case of the example, of the Genesys corpus (cases drawn from each input
// schema) and of hostile cases, through the wire format and, for the example and the hostile cases, through real
// sandboxed workers.
import { resolve } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { prepareCase, referenceCase, type CaseContext } from "../../../src/cases/prepare-case.js";
import type { CaseDefinition } from "../../../src/core/types.js";
import type { PoolCase } from "../../../src/executor/protocol.js";
import { loadDefinition } from "../../../src/definitions/load-definition.js";
import { BatchEncoder, decodeBatch, triggerOf, type TriggerSpec } from "../../../src/executor/wire.js";
import { deepFreeze } from "../../../src/internal/deep-freeze.js";
import { generatePayloads } from "../../../src/payloads/generate-payloads.js";
import { buildSetCases } from "../../../src/bench/set-cases.js";
import { loadAction } from "../../../src/runner/load-action.js";
import { runCases } from "../../../src/runner/run-cases.js";
import { createEventBus } from "../../../src/bus/event-bus.js";
import { EXAMPLE_DIR, createTempProject, type TempProject } from "../../helpers/temp-project.js";
import { GENESYS_CORPUS, genesysCorpusFiles } from "../../helpers/corpus.js";

const CORPUS = GENESYS_CORPUS;
const corpusFiles = genesysCorpusFiles;

/**
 * The trigger a case's batch entry makes in the worker (compared as a value: holes, -0 and Infinity are not lost as in
 * JSON), or the fault or error that stops the case.
 */
function crossed(poolCase: () => PoolCase, build: (spec: Exclude<TriggerSpec, { kind: "generated" }>) => unknown): unknown {
  try {
    const { text, faults } = new BatchEncoder().encode([poolCase()]);
    if (faults.length > 0) return `fault: ${faults[0]![1].message}`;
    const [decoded] = decodeBatch(text);
    return build(decoded!.trigger as Exclude<TriggerSpec, { kind: "generated" }>);
  } catch (error) {
    return `error: ${(error as Error).message}`;
  }
}

/** What a case runs on when its trigger is built on the main thread (today's path, still used with a bus or parity). */
function onMainThread(definition: CaseDefinition, context: CaseContext): unknown {
  return crossed(
    () => prepareCase(definition, context),
    (spec) => (spec.kind === "given" ? spec.trigger : "not given"),
  );
}

/** The same, when the case crosses as its changes and the worker builds its trigger (the base frozen once, as there). */
function inWorker(
  definition: CaseDefinition,
  context: CaseContext,
  frozenBase: Record<string, unknown> | undefined,
): { trigger: unknown; referenced: boolean } {
  let referenced = false;
  const trigger = crossed(
    () => {
      // A case whose values are not JSON data is prepared on the main thread by referenceCase itself, errors included.
      const poolCase = referenceCase(definition, context);
      referenced = "changes" in poolCase;
      return poolCase;
    },
    (spec) => triggerOf(spec, frozenBase, context.actionId),
  );
  return { trigger, referenced };
}

function expectSameTriggers(cases: CaseDefinition[], context: CaseContext): number {
  // As the worker holds it: read from the JSON text the pool sends, then frozen.
  const frozenBase =
    context.defaultTrigger === undefined ? undefined : deepFreeze(JSON.parse(JSON.stringify(context.defaultTrigger)) as Record<string, unknown>);
  let referenced = 0;
  for (const definition of cases) {
    const built = inWorker(definition, context, frozenBase);
    const expected = onMainThread(definition, context);
    expect(built.trigger, definition.source ?? definition.name).toStrictEqual(expected);
    expect(JSON.stringify(built.trigger)).toBe(JSON.stringify(expected));
    if (built.referenced) referenced++;
  }
  return referenced;
}

const base = {
  timestamp: "2026-03-01T10:00:00Z",
  contact: { id: "c-1", attributes: { tier: "premium", tags: ["a", "b", "c"] } },
  interaction: { id: "i-1", channel: "voice", legs: [{ n: 1 }, { n: 2 }] },
  nothing: null,
  "1": "numeric key",
  // What JSON cannot carry arrives as JSON carries it, on both sides: null and 0.
  huge: Infinity,
  negativeZero: -0,
  data: { customFields: { resolutionScore: 87 } },
};

/** Cases a user (or an attacker) could write, each of which must build the same trigger on both sides. */
const hostile: CaseDefinition[] = [
  { name: "nothing to change" },
  { name: "empty set and unset", set: {}, unset: [] },
  { name: "deep new path", set: { "a.b.c.d.e": { f: [1, { g: null }] } } },
  { name: "replace then go deeper", set: { contact: { fresh: true }, "contact.more": 1 } },
  { name: "array index past the end", set: { "contact.attributes.tags.6": "x" } },
  { name: "array index far past the end", set: { "contact.attributes.tags.4294967294": "x" } },
  { name: "array item removed", unset: ["contact.attributes.tags.0", "interaction.legs.1"] },
  { name: "unset what is not there", unset: ["no.such.path", "contact.attributes.tags.9", "nothing.x"] },
  { name: "unset then set", set: { "interaction.channel": "chat" }, unset: ["interaction"] },
  { name: "numeric-looking keys", set: { "1": "changed", "01": "leading zero", "data.2": true } },
  { name: "unicode and escapes", set: { "contact.名前": 'ü\u0000\u2028"\\', "contact.emoji": "🙂" } },
  { name: "numbers at the edges", set: { "n.max": Number.MAX_VALUE, "n.min": -Number.MIN_VALUE, "n.zero": -0, "n.big": 1e21 } },
  { name: "a __proto__ key inside a value", set: { contact: JSON.parse('{"__proto__":{"polluted":true},"id":"c-9"}') as unknown } },
  {
    name: "a __proto__ key in a payload",
    payload: JSON.parse('{"__proto__":{"x":1},"contact":{"id":"p"}}') as Record<string, unknown>,
    set: { "contact.id": "q" },
  },
  { name: "own payload, set and unset", payload: { a: { b: [1, 2, 3] } }, set: { "a.c": 1 }, unset: ["a.b.1"] },
  { name: "a clock of its own", now: "2026-05-05T05:05:05Z", set: { x: 1 } },
  { name: "through a string", set: { "contact.id.deeper": 1 } },
  { name: "through null", set: { "nothing.deeper": 1 } },
  { name: "a word on an array", set: { "contact.attributes.tags.first": 1 } },
  { name: "prototype segment", set: { "contact.__proto__.x": 1 } },
  { name: "empty segment", unset: ["contact..id"] },
  { name: "a Date in set (prepared on the main thread)", set: { at: new Date(0) } },
  { name: "undefined in set (prepared on the main thread)", set: { gone: undefined } },
  { name: "a function in set (prepared on the main thread)", set: { f: () => 1 } },
  { name: "a BigInt in a payload (prepared on the main thread)", payload: { n: 1n } as unknown as Record<string, unknown> },
];

describe("a case's trigger built from its changes in the worker", () => {
  it("is the same as prepareCase's for every case of the example", async () => {
    const action = await loadAction(EXAMPLE_DIR);
    const cases = action.cases.flatMap((entry) => (entry.ok ? [entry.case] : []));
    expect(cases.length).toBeGreaterThan(5);
    const context = { actionId: action.definition!.id, vars: {}, defaultTrigger: action.defaultTrigger! };
    expect(expectSameTriggers(cases, context)).toBe(cases.length);
  });

  it("is the same for hostile cases, with a base trigger, without one, and where the changes cannot apply", () => {
    const withBase = { actionId: "da-hostile", vars: {}, defaultTrigger: base };
    // Every case crosses as its changes except the four whose values are not JSON data.
    expect(expectSameTriggers(hostile, withBase)).toBe(hostile.length - 4);
    expectSameTriggers(hostile, { actionId: "da-hostile", vars: {} });
  });

  describe("for cases drawn from each corpus definition's input schema", () => {
    if (corpusFiles.length === 0) it.skip(`no Genesys corpus at ${CORPUS}, so the corpus cases are skipped`, () => {});
    for (const file of corpusFiles) {
      it(file, async () => {
        const definition = await loadDefinition(resolve(CORPUS, file));
        const [trigger] = generatePayloads(definition.inputSchema, { count: 1, seed: file });
        const defaultTrigger = (typeof trigger === "object" && trigger !== null && !Array.isArray(trigger) ? trigger : { value: trigger }) as Record<
          string,
          unknown
        >;
        // A schema without a leaf to set (an empty input, say) gets a case that adds a path instead.
        const schema = definition.inputSchema as { properties?: Record<string, unknown> };
        const leaves = Object.keys(schema.properties ?? {}).length > 0;
        const cases = leaves ? buildSetCases(definition, defaultTrigger, 40, file).cases : [{ name: "adds a path", set: { "added.path": "value" } }];
        const unsets = cases.map((c, i) => ({ ...c, name: `unset ${i}`, unset: Object.keys(c.set).slice(0, 1) }));
        const context = { actionId: definition.id, vars: {}, defaultTrigger };
        expectSameTriggers([...cases, ...unsets], context);
        expectSameTriggers(cases.slice(0, 10), { actionId: definition.id, vars: {} });
      });
    }
  });
});

describe("through real sandboxed workers", () => {
  let project: TempProject;
  let dir: string;
  beforeAll(async () => {
    project = await createTempProject();
    const action = await loadAction(EXAMPLE_DIR);
    const cases = action.cases.flatMap((entry) => (entry.ok ? [entry.case] : [])).map(({ source: _source, expect: _expect, ...rest }) => rest);
    // Case files hold JSON: the cases whose values JSON cannot hold stay out.
    const files = hostile.filter((c) => !/prepared on the main thread/.test(c.name));
    dir = await project.addAction("echo", {
      definition: { id: "da-echo", name: "echo", inputSchema: {}, outputSchema: { type: "object" } },
      // The transform sees the trigger as the worker built it, and sends back its JSON.
      transform: "export default function transform(trigger) { return { json: JSON.stringify(trigger) }; }",
      trigger: base,
      cases: { "example.json": cases, "hostile.json": files },
    });
  });
  afterAll(() => project.remove());

  it("runs every case on the trigger the main thread builds (with a bus) and prepareCase builds", async () => {
    const run = async (withBus: boolean): Promise<Map<string, string>> => {
      const seen = new Map<string, string>();
      const bus = withBus ? createEventBus() : undefined;
      bus?.on("trigger.received", () => undefined);
      for await (const result of runCases({
        actions: [dir],
        buildDir: resolve(project.root, ".cxda", "build"),
        workers: 1,
        ...(bus ? { bus } : {}),
      })) {
        seen.set(
          result.case,
          result.status === "pass" ? (result.output as { json: string }).json : `${result.status}: ${result.error?.message ?? ""}`,
        );
      }
      return seen;
    };
    const [referenced, prepared] = [await run(false), await run(true)];
    expect(referenced.size).toBeGreaterThan(20);
    expect([...referenced]).toEqual([...prepared]);
    const action = await loadAction(dir);
    for (const entry of action.cases) {
      if (!entry.ok) continue;
      const expected = onMainThread(entry.case, { actionId: "da-echo", vars: {}, defaultTrigger: action.defaultTrigger! });
      const got = referenced.get(entry.case.name)!;
      expect(got, entry.case.name).toBe(typeof expected === "string" && expected.startsWith("error: ") ? expected : JSON.stringify(expected));
    }
  });
});
