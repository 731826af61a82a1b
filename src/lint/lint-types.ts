// The data `cxda lint` passes around: what one action's templates are linted from, and the findings that come back.
import type { DeclarativeConfig, Finding, JsonSchema } from "../core/types.js";

/** One action to lint, as plain data (it crosses into a worker thread): its templates, its schemas and where it is. */
export interface LintTarget {
  /** The action as shown in output: its folder, or the export file (relative to the working folder when inside it). */
  label: string;
  /** The definition file as shown (the action folder's definition.json, or the export itself). */
  file: string;
  /** The action's name. */
  name: string;
  /** Genesys' `integrationType` (`purecloud-data-actions`, `custom-rest-actions`, `aws-lambda-data-actions`…), when the file says. */
  integrationType?: string;
  inputSchema: JsonSchema;
  outputSchema: JsonSchema;
  config: DeclarativeConfig;
}

/** A render about to start: the template's JSON path and the input's label (a timeout names the last one). */
export interface RenderStep {
  path: string;
  input: string;
}

/** The input one finding was seen with, so it can be reproduced. */
export interface LintExample {
  /** What the input is: `generated valid #1`, `input.phone holds a quote and a newline`, `optional input.queueId absent`. */
  variant: string;
  /** The input exactly as the templates were given it (without the `rawRequest` Genesys adds). */
  input: Record<string, unknown>;
}

/**
 * A finding of the template checks, before it is placed in its file: where in the template (1-based `templateLine`
 * and `templateColumn`), how many renders showed it and one input that did.
 */
export interface TemplateFinding {
  severity: "error" | "warning";
  /** The kind: `unresolved-reference`, `body-not-json`, `url-invalid`, `url-not-http`, `template-error`, `timeout`… */
  code: string;
  /** The JSON path of the template in the definition, dotted: `config.request.requestTemplate`. */
  path?: string;
  /** The same path as its keys, for finding it in the file (a header name may hold a dot). */
  pointer?: string[];
  templateLine?: number;
  templateColumn?: number;
  message: string;
  hint?: string;
  /** How many renders showed this finding (1 for a finding that does not depend on the input). */
  count: number;
  example?: LintExample;
}

/** A finding as `cxda lint` reports it: a {@link Finding} (file, `line:column` in the file, JSON path) and the template's own details. */
export interface LintFinding extends Finding {
  /** How many renders showed it. */
  count: number;
  /** 1-based line of the finding inside the template text (the rendered template's own lines). */
  templateLine?: number;
  templateColumn?: number;
  /** One input that shows the finding. */
  example?: LintExample;
}

/** What linting one action gave. */
export interface LintActionResult {
  /** The action as shown (its folder, or the export file). */
  label: string;
  /** Its definition file as shown, when it was found. */
  file?: string;
  /** The action's name, when its definition loaded. */
  name?: string;
  /** How many template renders were made. */
  renders: number;
  /** Why nothing was linted (an action without a declarative config), when nothing was. */
  skipped?: string;
  findings: LintFinding[];
}

/** Counts of a lint. */
export interface LintSummary {
  /** Actions found. */
  actions: number;
  /** Actions whose templates were linted (the others have no declarative config). */
  linted: number;
  renders: number;
  errors: number;
  warnings: number;
}

/** What {@link lintProject} found: per action, all findings in order, and the counts. */
export interface LintReport {
  actions: LintActionResult[];
  findings: LintFinding[];
  summary: LintSummary;
}
