// The request templates (URL, headers, body) rendered with every input variant: unresolved references, invalid URLs, bodies that are not JSON.
import { isCxdaError } from "../core/errors.js";
import type { DeclarativeConfig } from "../core/types.js";
import { closestName } from "../internal/did-you-mean.js";
import { DEFAULT_REQUEST_TEMPLATE, METHODS_WITH_BODY, headerValue, isJsonBody } from "../platforms/genesys/declarative/resolve-request.js";
import { renderTemplate, requestContext, type UnresolvedReference } from "../platforms/genesys/velocity/render-template.js";
import type { FindingCollector, FindingDraft } from "./finding-collector.js";
import type { InputVariant } from "./lint-inputs.js";
import type { LintExample, LintTarget, RenderStep } from "./lint-types.js";
import { checkUrl, urlFinding } from "./url-checks.js";

/** One request template and where it is in the definition. */
export interface RequestTemplate {
  part: "url" | "header" | "body";
  path: string;
  pointer: string[];
  template: string;
}

/** The request templates of a config that Genesys renders: URL, each header, and the body of a POST, PUT or PATCH. */
export function requestTemplates(config: DeclarativeConfig): RequestTemplate[] {
  const { request } = config;
  const templates: RequestTemplate[] = [];
  if (request.requestUrlTemplate !== undefined) {
    templates.push({
      part: "url",
      path: "config.request.requestUrlTemplate",
      pointer: ["config", "request", "requestUrlTemplate"],
      template: request.requestUrlTemplate,
    });
  }
  for (const [name, template] of Object.entries(request.headers)) {
    templates.push({ part: "header", path: `config.request.headers.${name}`, pointer: ["config", "request", "headers", name], template });
  }
  if (METHODS_WITH_BODY.has(request.requestType) && (request.requestTemplate !== undefined || request.requestTemplateUri === undefined)) {
    const template = request.requestTemplate ?? DEFAULT_REQUEST_TEMPLATE;
    templates.push({ part: "body", path: "config.request.requestTemplate", pointer: ["config", "request", "requestTemplate"], template });
  }
  return templates;
}

function exampleOf(variant: InputVariant): LintExample {
  return { variant: variant.label, input: variant.input };
}

/** The input name a reference reads (`phone` for `${input.phone}` and `$esc.url($input.phone)`), when it reads one. */
function inputName(reference: UnresolvedReference): string | undefined {
  return /(?:^|\$!?\{?)input\.([A-Za-z_][\w-]*)/.exec(reference.name)?.[1];
}

/** A suggestion for a reference that never resolves: the input name it is probably a typo of. */
function suggestion(reference: UnresolvedReference, inputs: readonly string[]): string | undefined {
  const [root = "", property] = reference.name.split(/[.(]/);
  if (root !== "input" && root.toLowerCase() === "input" && property !== undefined) {
    return `names are case-sensitive: write $\{input.${property}} (the template context names it "input")`;
  }
  if (root === "input" && property !== undefined && !inputs.includes(property)) {
    const close = closestName(property, inputs);
    return close === undefined
      ? `the input schema declares ${inputs.length === 0 ? "no inputs" : inputs.join(", ")}`
      : `did you mean input.${close}?`;
  }
  return undefined;
}

function unresolvedFinding(
  template: RequestTemplate,
  reference: UnresolvedReference,
  inputs: readonly string[],
): { draft: FindingDraft; describe: (tags: ReadonlySet<string>, draft: FindingDraft) => FindingDraft } {
  const draft: FindingDraft = {
    severity: reference.silent ? "warning" : "error",
    code: "unresolved-reference",
    path: template.path,
    pointer: template.pointer,
    templateLine: reference.line,
    templateColumn: reference.column,
    message: `${reference.reference} does not resolve`,
  };
  const describe = (tags: ReadonlySet<string>, base: FindingDraft): FindingDraft => {
    if (tags.has("given")) {
      const hint = suggestion(reference, inputs);
      const sends = reference.silent ? "it prints nothing" : "Genesys sends it as written";
      return {
        ...base,
        message: `${reference.reference} does not resolve even when every input is given: ${sends}`,
        ...(hint === undefined ? {} : { hint }),
      };
    }
    const absent = [...tags].filter((tag) => tag.startsWith("absent:")).map((tag) => tag.slice("absent:".length));
    const name = absent[0] ?? inputName(reference) ?? reference.name;
    // The silent form of this very reference: `$!{input.x}`, or `$!esc.url($input.x)` for a call (a silent argument
    // alone does not help: the call then gets null, and the call itself prints as written).
    const silentForm = reference.reference.replace(/^\$\{?/, (start) => `$!${start.slice(1)}`);
    return {
      ...base,
      message: `${reference.reference} does not resolve when the optional input ${name} is absent: Genesys sends the text ${reference.reference} as it is`,
      hint: `make ${name} required in the input schema, write ${silentForm} to print nothing, or wrap it in #if($input.${name})…#end`,
    };
  };
  return { draft, describe };
}

/** A finding some inputs cause, worded with the input and every tricky string that caused it. */
function perInput(base: FindingDraft, trickyNames: ReadonlySet<string>, variant: InputVariant): FindingDraft {
  if (variant.tricky === undefined) return { ...base, message: `${base.message}, with generated inputs such as "${variant.label}"` };
  const names = [...trickyNames];
  const listed = names.length <= 1 ? (names[0] ?? variant.tricky.name) : `${names.slice(0, -1).join(", ")} or ${names.at(-1)}`;
  return { ...base, message: `${base.message}, when input.${variant.tricky.path} holds ${listed}` };
}

class RequestChecker {
  renders = 0;
  private readonly inputs: string[];

  constructor(
    private readonly target: LintTarget,
    private readonly findings: FindingCollector,
    private readonly credentials: Record<string, string>,
    private readonly onRender: (step: RenderStep) => boolean,
  ) {
    const properties = typeof target.inputSchema === "object" ? target.inputSchema["properties"] : undefined;
    this.inputs = typeof properties === "object" && properties !== null ? Object.keys(properties) : [];
  }

  check(templates: readonly RequestTemplate[], variant: InputVariant): void {
    const context = requestContext(variant.input, this.credentials);
    for (const template of templates) {
      if (!this.onRender({ path: template.path, input: variant.label })) continue;
      this.renders += 1;
      let rendered;
      try {
        rendered = renderTemplate(template.template, context, { label: template.path });
      } catch (error) {
        this.templateError(template, error, variant);
        continue;
      }
      let loud = false;
      for (const reference of rendered.unresolved) loud = this.unresolved(template, reference, variant) || loud;
      // A reference printed as written already explains the URL or body it breaks: one finding, not two.
      if (!loud) this.checkText(template, rendered.text, variant);
    }
  }

  private templateError(template: RequestTemplate, error: unknown, variant: InputVariant): void {
    const message = isCxdaError(error) ? error.message : `rendering failed: ${String(error)}`;
    const context = isCxdaError(error) ? (error.context ?? {}) : {};
    const at = typeof context["line"] === "number" ? { templateLine: context["line"], templateColumn: Number(context["column"] ?? 1) } : {};
    const shown = message.startsWith(`${template.path} `) ? message.slice(template.path.length + 1).replace(/^\d+:\d+: /, "") : message;
    this.findings.add(
      `template-error|${template.path}|${message}`,
      { severity: "error", code: "template-error", path: template.path, pointer: template.pointer, ...at, message: shown },
      exampleOf(variant),
    );
  }

  /** Records one unresolved reference; true when it printed as written (not silent). */
  private unresolved(template: RequestTemplate, reference: UnresolvedReference, variant: InputVariant): boolean {
    const name = inputName(reference);
    const given = name === undefined || !variant.absent.includes(name);
    // A silent reference to an absent input prints nothing, as its author meant.
    if (reference.silent && !given) return false;
    const { draft, describe } = unresolvedFinding(template, reference, this.inputs);
    this.findings.add(`unresolved|${template.path}|${reference.line}:${reference.column}|${reference.reference}`, draft, exampleOf(variant), {
      tags: [given ? "given" : `absent:${name}`],
      describe,
    });
    return !reference.silent;
  }

  private checkText(template: RequestTemplate, text: string, variant: InputVariant): void {
    // One finding per template and tricky input; the generated inputs that break it fold into one more.
    const key = `${template.path}|${variant.tricky?.path ?? "generated"}`;
    const tags = variant.tricky === undefined ? [] : [variant.tricky.name];
    if (template.part === "url") {
      const problem = checkUrl(text, this.target.integrationType);
      if (problem === undefined) return;
      const draft = urlFinding(problem);
      // A URL that is wrong whatever the input is one finding; one that an input breaks is one per input.
      const byInput = problem.code === "url-invalid" && problem.reason.startsWith("character");
      this.findings.add(
        byInput ? `url|${key}|${variant.tricky === undefined ? problem.reason : ""}` : `url|${template.path}|${problem.reason}`,
        draft,
        exampleOf(variant),
        {
          tags,
          ...(byInput ? { describe: (names, base) => perInput(base, names, variant) } : {}),
        },
      );
    } else if (template.part === "header") {
      // eslint-disable-next-line no-control-regex -- line breaks and NUL are what no HTTP client sends in a header
      const bad = /[\r\n\u0000]/.exec(text);
      if (bad === null) return;
      const draft: FindingDraft = {
        severity: "error",
        code: "header-invalid",
        path: template.path,
        pointer: template.pointer,
        message: `the header value holds ${bad[0] === "\u0000" ? "a NUL" : "a line break"}, which no HTTP client sends`,
        hint: "strip or escape the input it comes from",
      };
      this.findings.add(`header|${key}`, draft, exampleOf(variant), { tags, describe: (names, base) => perInput(base, names, variant) });
    } else {
      this.checkBody(template, text, variant, key, tags);
    }
  }

  private checkBody(template: RequestTemplate, text: string, variant: InputVariant, key: string, tags: string[]): void {
    const contentType = headerValue(this.target.config.request.headers, "content-type");
    if (!isJsonBody(contentType, text) || text.trim() === "") return;
    try {
      JSON.parse(text);
      return;
    } catch (error) {
      const reason = error instanceof Error ? error.message : String(error);
      const draft: FindingDraft = {
        severity: "error",
        code: "body-not-json",
        path: template.path,
        pointer: template.pointer,
        message: `the body, sent as ${contentType ?? "JSON (no Content-Type header, and it looks like JSON)"}, is not valid JSON (${reason})`,
        hint: "write string inputs into a JSON body with $esc.jsonString($input.x) between the quotes",
      };
      this.findings.add(`body|${key}`, draft, exampleOf(variant), { tags, describe: (names, base) => perInput(base, names, variant) });
    }
  }
}

/**
 * Renders every request template with every input variant and records what is wrong: references that do not resolve
 * (with line:column in the template), template errors, URLs that cannot be sent, header values with line breaks, and
 * bodies sent as JSON that are not JSON. Returns the number of renders.
 */
export function checkRequest(
  target: LintTarget,
  variants: readonly InputVariant[],
  findings: FindingCollector,
  options: { credentials: Record<string, string>; onRender: (step: RenderStep) => boolean },
): number {
  const templates = requestTemplates(target.config);
  const checker = new RequestChecker(target, findings, options.credentials, options.onRender);
  for (const variant of variants) checker.check(templates, variant);
  return checker.renders;
}
