// The public data types every capability shares: definitions, triggers, cases, issues, results, traces.
import type { ProblemWithStack } from "./errors.js";

/** A JSON Schema document (any supported draft). */
export type JsonSchema = Record<string, unknown> | boolean;

/** JSON Schema drafts cxda validates with, chosen by `$schema` (draft-07 when absent). */
export type SchemaDraft = "draft-04" | "draft-06" | "draft-07" | "2019-09" | "2020-12";

/** Which on-disk or on-the-wire shape a definition arrived in. */
export type DefinitionShape = "schema.input/output" | "schema.input/response" | "schema-as-output" | "inputSchema/outputSchema" | "genesys-contract";

/** An HTTP method a declarative action's request may use. */
export type HttpMethod = "GET" | "POST" | "PUT" | "PATCH" | "DELETE";

/**
 * A declarative action's request and response (Genesys' `config`): Velocity templates for the upstream request, and
 * JSONPath translation of its answer into the success template. Names as Genesys writes them.
 */
export interface DeclarativeConfig {
  request: {
    /** Velocity template of the URL (`https://api.example.com/contacts/${input.id}`); absent for an integration of Genesys' own. */
    requestUrlTemplate?: string;
    requestType: HttpMethod;
    /** Header name → Velocity template of its value. */
    headers: Record<string, string>;
    /** Velocity template of the body; absent when the action sends none (Genesys then sends `${input.rawRequest}`). */
    requestTemplate?: string;
    /** A body template stored on the platform, not in the export: it cannot be rendered offline. */
    requestTemplateUri?: string;
  };
  response: {
    /** Output name → JSONPath into the upstream response. */
    translationMap: Record<string, string>;
    /** Output name → JSON text used when its path does not resolve. */
    translationMapDefaults: Record<string, string>;
    /** Velocity template of the output; absent means the translated values as they are. */
    successTemplate?: string;
    /** A success template stored on the platform, not in the export. */
    successTemplateUri?: string;
  };
}

/** A data action after normalisation: whatever shape it arrived in, this is what the rest of cxda sees. */
export interface ActionDefinition {
  id: string;
  name: string;
  version: string | number | null;
  /** Input schema; `true` (accept anything) when the source had none. */
  inputSchema: JsonSchema;
  outputSchema: JsonSchema;
  /** Server-side script, when the platform returns one. */
  transform?: { language: "javascript"; source: string };
  /** The declarative request and response of a Genesys export (`config`), when it has one. */
  config?: DeclarativeConfig;
  /** Where it came from and how it was read. */
  meta: {
    shape: DefinitionShape;
    inputDraft: SchemaDraft;
    outputDraft: SchemaDraft;
    /** File it was loaded from, when it came from a file. */
    file?: string;
    /**
     * What a lenient load (`strict: "warn"`) let through: unknown keys, schema keywords and formats, each a warning.
     * Absent when there were none.
     */
    warnings?: Finding[];
  };
}

/**
 * How unknown names are treated where cxda reads a definition: `true` makes unknown keys, schema keywords and formats
 * errors; `"warn"` reports them as warnings (for definitions exported from platforms with keywords of their own).
 */
export type StrictMode = true | "warn";

/**
 * One problem found in a file without running anything (by `cxda check`, or kept by a lenient definition load).
 * `path` is a slash-separated JSON path inside the file (`outputSchema/properties/priority/minLenght`); `hint` is a
 * suggestion such as `did you mean "minLength"?`.
 */
export interface Finding {
  severity: "error" | "warning";
  /** `unknown-key`, `unknown-keyword`, `unknown-format`, `duplicate-key`, or the code of the error that stopped the file loading (`E_SCHEMA`…). */
  code: string;
  file?: string;
  path?: string;
  line?: number;
  column?: number;
  message: string;
  hint?: string;
}

/** The envelope the event bus delivers to a data action. */
export interface TriggerPayload {
  dataActionId: string;
  triggerId: string;
  timestamp: string;
  environment?: string;
  interaction: {
    id: string;
    type: string;
    direction: string;
    status?: string;
    channel: string;
    startTime?: string;
  };
  contact: {
    id: string;
    externalId?: string;
    attributes?: Record<string, unknown>;
  };
  data: {
    disposition?: string;
    agentId?: string;
    wrapUpCode?: string;
    customFields?: Record<string, unknown>;
    [key: string]: unknown;
  };
  [key: string]: unknown;
}

/** A JSON value as it crosses into and out of a transform. */
export type JsonValue = null | boolean | number | string | JsonValue[] | { [key: string]: JsonValue };

/** One reason a payload does not satisfy a schema. */
export interface ValidationIssue {
  side: "input" | "output";
  /** JSON Pointer to the offending value (`/priority`, `/interaction` for a missing property). */
  path: string;
  /** The JSON Schema keyword that failed (`type`, `required`, `enum`…). */
  keyword: string;
  /** What the schema asked for (`integer`, `<= 100`, the allowed values…). */
  expected: unknown;
  /** What was there; `undefined` when the value is missing. */
  actual: unknown;
  /** `must be integer, got string "87"` */
  message: string;
}

/** What a case expects. All keys optional; with none, the case expects a valid run. */
export interface CaseExpectation {
  /** The exact output. */
  output?: JsonValue;
  /** A partial deep match on the output. */
  match?: JsonValue;
  /** Whether input and output validation pass. */
  valid?: boolean;
  /** The validation issues expected, by path and keyword (and side, when given): exactly these. */
  errors?: Array<{ path: string; keyword: string; side?: "input" | "output" }>;
  /** The transform must throw an error whose message contains this. */
  throws?: string;
  /** A declarative action's resolved request must match this (see {@link RequestExpectation}). */
  request?: RequestExpectation;
}

/**
 * What a declarative action's request must look like: `method` and `url` (exactly as the URL template resolves) as
 * given, `headers` a subset (names compared without case), `body` a partial deep match when the body is JSON, else the
 * exact text.
 */
export interface RequestExpectation {
  method?: string;
  url?: string;
  headers?: Record<string, string>;
  body?: JsonValue;
}

/** What the remote endpoint of a declarative action answers in a case (`upstream` in a case file). */
export interface UpstreamResponse {
  /** The HTTP status. @default 200 */
  status: number;
  headers: Record<string, string>;
  /** A JSON value (sent as JSON), or a string sent as it is. */
  body?: JsonValue;
}

/**
 * Where a case's object starts in its case file: the absolute `file`, and the 1-based `line` and `column` an editor
 * shows (a byte-order mark is not counted), printed as `file:line:column`.
 */
export interface CaseLocation {
  file: string;
  line: number;
  column: number;
}

/** One test of an action, as written in `cases/*.json`. */
export interface CaseDefinition {
  name: string;
  /** A full trigger; when omitted, the action's default trigger. */
  payload?: Record<string, unknown>;
  /** Overrides by dotted path, applied after `payload` (`"contact.attributes.tier": "standard"`). */
  set?: Record<string, unknown>;
  /** Dotted paths removed from the trigger after `set` (`"interaction"`). */
  unset?: string[];
  /** Variables injected as `ctx.vars`, over the run's variables. */
  vars?: Record<string, unknown>;
  /** The fixed clock for this case (ISO date-time). */
  now?: string;
  expect?: CaseExpectation;
  /** Where the case was read from (`cases/traps.json#2`). */
  source?: string;
  /** Where the case's object starts in its file, for `file:line:column` links (set by the case file loader). */
  location?: CaseLocation;
  /**
   * A generated trigger, built by the worker that runs the case (set by `--generate`; case files cannot use it).
   * Takes the place of `payload`; the clock is the generated trigger's timestamp unless `now` is given.
   */
  generate?: GeneratedTriggerRef;
  /**
   * What a declarative action's remote endpoint answers in this case: inline, or (in a case file) the path of a JSON
   * fixture file, relative to the action's folder, which the loader reads in its place.
   */
  upstream?: Partial<UpstreamResponse> | string;
}

/**
 * Where a generated case's trigger comes from: the `index`-th valid payload (from 0) drawn for `seed` from the
 * action's input schema, as `generatePayloads(schema, { seed })` would return it.
 */
export interface GeneratedTriggerRef {
  seed: string;
  index: number;
}

/** A case whose trigger, variables and clock are fully resolved, ready for a worker. */
export interface PreparedCase {
  name: string;
  trigger: Record<string, unknown>;
  vars: Record<string, unknown>;
  /** Epoch milliseconds of the injected clock. */
  now: number;
  expect: CaseExpectation;
  source?: string;
  location?: CaseLocation;
  /** What a declarative action's remote endpoint answers (see {@link CaseDefinition.upstream}). */
  upstream?: UpstreamResponse;
}

/** A case whose trigger the worker running it generates (see {@link CaseDefinition.generate}). */
export interface GeneratedCase {
  name: string;
  generate: GeneratedTriggerRef;
  vars: Record<string, unknown>;
  /** Epoch milliseconds of the injected clock; when absent, the generated trigger's timestamp. */
  now?: number;
  expect: CaseExpectation;
  source?: string;
  location?: CaseLocation;
  /** What a declarative action's remote endpoint answers (see {@link CaseDefinition.upstream}). */
  upstream?: UpstreamResponse;
}

/**
 * What a worker applies to build a case's trigger (see {@link ChangedCase}): `set` then `unset`, over `payload`, else
 * the action's base trigger, else a trigger seeded by the case's name at `seededAt` (an action without a base trigger).
 */
export interface TriggerChanges {
  set?: Record<string, unknown>;
  unset?: string[];
  payload?: Record<string, unknown>;
  /** The clock of a seeded trigger (ISO date-time), when there is neither a payload nor a base trigger. */
  seededAt?: string;
}

/**
 * A case whose trigger the worker running it builds from its changes: only they cross to the worker, which holds the
 * action's base trigger. The trigger is the same, byte for byte, as a {@link PreparedCase}'s.
 */
export interface ChangedCase {
  name: string;
  changes: TriggerChanges;
  vars: Record<string, unknown>;
  /** Epoch milliseconds of the injected clock; when absent, the trigger's timestamp. */
  now?: number;
  expect: CaseExpectation;
  source?: string;
  location?: CaseLocation;
  /** What a declarative action's remote endpoint answers (see {@link CaseDefinition.upstream}). */
  upstream?: UpstreamResponse;
}

/** The names of the steps a case passes through, in order. */
export type TraceStepName = "load-definition" | "validate-input" | "execute" | DeclarativeStepName | "validate-output" | "compare";

/** The steps a declarative action runs in place of `execute`, in order. */
export type DeclarativeStepName = "resolve-request" | "upstream" | "translation-map" | "success-template";

/** One step of a case's trace. */
export interface TraceStep {
  step: TraceStepName;
  /** A readable label for the step. */
  name: string;
  /** False when the step found a problem (issues, a throw, a mismatch); `null` when it was skipped. */
  ok: boolean | null;
  /** Epoch milliseconds (fractional) when the step started. */
  startedAt: number;
  durationMs: number;
  detail?: Record<string, unknown>;
}

/** The ordered steps of one case. */
export interface Trace {
  steps: TraceStep[];
}

/** One line a transform logged (via `ctx.log` or `console.*`). */
export interface LogEntry {
  level: "log" | "info" | "warn" | "error" | "debug";
  message: string;
  /** Milliseconds since the case started. */
  atMs: number;
}

/** One way a case did not meet its expectation. */
export interface CaseFailure {
  /** Which expectation failed: `output`, `match`, `valid`, `errors`, `throws`, `issues` when there was none, or `parity` (local and platform outputs differ). */
  expectation: "output" | "match" | "valid" | "errors" | "throws" | "issues" | "parity" | "request";
  /**
   * `E_PARITY` on a parity failure (the platform's output differs, or the platform failed where the transform did not);
   * `E_SNAPSHOT` when `expect.output` is still the `"<snapshot>"` placeholder (`cxda test` fills it in).
   */
  code?: "E_PARITY" | "E_SNAPSHOT";
  message: string;
  path?: string;
  expected?: unknown;
  actual?: unknown;
}

/** The outcome of one case. */
export interface CaseResult {
  action: string;
  case: string;
  status: "pass" | "fail" | "error";
  output?: unknown;
  issues: ValidationIssue[];
  failures: CaseFailure[];
  error?: ProblemWithStack;
  logs: LogEntry[];
  trace: Trace;
  durationMs: number;
  source?: string;
  /** Where the case's object starts in its case file (`file:line:column`), when it came from one. */
  location?: CaseLocation;
  /**
   * The case did not run because its action could not be: its definition is broken or its transform does not compile.
   * `error` is that action's problem, the same for each of its cases, so reporters can show it once.
   */
  notRun?: true;
  /**
   * The trigger of a generated case that did not pass: it exists nowhere else (keep it as a case file with
   * `--save-failures`).
   */
  trigger?: unknown;
}

/** Counts for a whole run. */
export interface RunSummary {
  total: number;
  passed: number;
  failed: number;
  /** Cases that ended in an error (counted in `failed` too). */
  errors: number;
  /** Of the {@link errors}, the cases that did not run because their action could not (see {@link CaseResult.notRun}). */
  notRun?: number;
  durationMs: number;
}
