// Every check of one action's templates, in order: what the source shows, then the request rendered per input, then the response.
import type { DeclarativeConfig } from "../core/types.js";
import { FindingCollector } from "./finding-collector.js";
import { inputVariants } from "./lint-inputs.js";
import type { LintTarget, RenderStep, TemplateFinding } from "./lint-types.js";
import { checkRequest, requestTemplates } from "./request-checks.js";
import { checkResponse } from "./response-checks.js";
import { strayParentheses } from "./stray-parentheses.js";
import { templateNames } from "./template-names.js";

/** Options of {@link lintAction}. */
export interface LintActionOptions {
  /** Seeds the generated inputs: the same seed lints with the same inputs. */
  seed: string;
  /** Called before each render with what is about to be rendered (a timeout names the last one). */
  onProgress?: (step: RenderStep) => void;
  /** Renders to leave out: ones that hung or ran out of memory on an earlier attempt. */
  skip?: readonly RenderStep[];
}

/** What {@link lintAction} found. */
export interface ActionLint {
  findings: TemplateFinding[];
  /** Template renders made. */
  renders: number;
}

/** Every template of the config with its place, request and response alike. */
function allTemplates(config: DeclarativeConfig): Array<{ path: string; pointer: string[]; template: string }> {
  const templates = requestTemplates(config).map(({ path, pointer, template }) => ({ path, pointer, template }));
  const success = config.response.successTemplate;
  if (success !== undefined)
    templates.push({ path: "config.response.successTemplate", pointer: ["config", "response", "successTemplate"], template: success });
  return templates;
}

/**
 * Placeholders for the credentials templates read (`${credentials.loginUrl}`): they live on the integration, not in
 * the export (https://help.mypurecloud.com/?p=296518 reads them in its form-encoding example). One that names a URL
 * gets a URL, so a URL template made of it still parses.
 */
function credentialPlaceholders(config: DeclarativeConfig): Record<string, string> {
  const credentials: Record<string, string> = {};
  for (const { template } of allTemplates(config)) {
    for (const reference of templateNames(template)?.references ?? []) {
      if (reference.name !== "credentials" || reference.property === undefined) continue;
      const name = reference.property;
      credentials[name] = /url|uri|endpoint|host/i.test(name) ? `https://credentials.example/${name}` : `credential-${name}`;
    }
  }
  return credentials;
}

/** What the source alone shows: a missing URL, templates kept on the platform, stray parentheses. */
function staticChecks(config: DeclarativeConfig, findings: FindingCollector): void {
  const { request, response } = config;
  if (request.requestUrlTemplate === undefined) {
    findings.add("url-missing", {
      severity: "warning",
      code: "url-missing",
      path: "config.request.requestUrlTemplate",
      pointer: ["config", "request"],
      message: "there is no requestUrlTemplate: the endpoint is kept by the integration, so there is no URL to lint",
    });
  }
  const kept = [
    { uri: request.requestTemplateUri, inline: request.requestTemplate, path: "config.request.requestTemplateUri", part: "request" },
    { uri: response.successTemplateUri, inline: response.successTemplate, path: "config.response.successTemplateUri", part: "response" },
  ];
  for (const { uri, inline, path, part } of kept) {
    if (uri === undefined || inline !== undefined) continue;
    findings.add(`uri|${path}`, {
      severity: "warning",
      code: "template-not-inline",
      path,
      pointer: path.split("."),
      message: `the template is kept on the platform (${uri}), not in the definition, so it cannot be linted`,
      hint: `put the template itself in config.${part}`,
    });
  }
  for (const { path, pointer, template } of allTemplates(config)) {
    for (const stray of strayParentheses(template)) {
      findings.add(`stray|${path}|${stray.line}:${stray.column}`, {
        severity: "warning",
        code: "stray-parenthesis",
        path,
        pointer,
        templateLine: stray.line,
        templateColumn: stray.column,
        message: `this ")" right after ${stray.call} closes nothing: Velocity ends the call at its own ")", so this one is sent as text`,
        hint: `remove it, or add the "(" it was meant to close`,
      });
    }
  }
}

/**
 * Lints one action's templates: the source checks, then every request template rendered with every input variant
 * (generated, boundary, tricky strings, absent optionals), then the translation map and success template. Findings are
 * folded per kind and place, with a count and one example input.
 * @example
 * const { findings } = lintAction(target, { seed: "cxda" });
 * findings.filter((f) => f.code === "body-not-json").map((f) => f.message);
 */
export function lintAction(target: LintTarget, options: LintActionOptions): ActionLint {
  const findings = new FindingCollector();
  const skip = options.skip ?? [];
  // Whether to make a render: not one left out, and every one made is announced first.
  const onRender = (step: RenderStep): boolean => {
    if (skip.some((left) => left.path === step.path && left.input === step.input)) return false;
    options.onProgress?.(step);
    return true;
  };
  const { variants, problems, full } = inputVariants(target.inputSchema, options.seed);
  for (const problem of problems) findings.add(`inputs|${problem.message}`, problem);
  staticChecks(target.config, findings);
  let renders = checkRequest(target, variants, findings, { credentials: credentialPlaceholders(target.config), onRender });
  renders += checkResponse(target, full, findings, onRender);
  return { findings: findings.list(), renders };
}
