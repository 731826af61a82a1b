// The translation-map and success-template steps of a Genesys declarative action: values picked out of the upstream's
// answer with JSONPath, then the success template rendered over them into the action's output.
import { CxdaError } from "../../../core/errors.js";
import type { DeclarativeConfig } from "../../../core/types.js";
import { applyTranslationMap, translationValuesForTemplate, type TranslationResult } from "../translation/translation-map.js";
import { renderTemplate, type UnresolvedReference } from "../velocity/render-template.js";

/**
 * The success template Genesys uses when an action gives none: the raw result, as it came (Response configuration,
 * https://help.mypurecloud.com/?p=135983: "rawResult" is the whole response of the remote endpoint).
 */
export const DEFAULT_SUCCESS_TEMPLATE = "${rawResult}";

/** Reads the upstream's body as JSON, as Genesys requires of a remote endpoint's answer. */
export function parseUpstreamBody(text: string): unknown {
  if (text.trim() === "") return {};
  try {
    return JSON.parse(text) as unknown;
  } catch (error) {
    throw new CxdaError(
      "E_UPSTREAM",
      `the upstream answered with a body that is not JSON (${error instanceof Error ? error.message : String(error)}; it begins ${JSON.stringify(text.slice(0, 60))}); a data action reads JSON responses only`,
    );
  }
}

/**
 * The translation-map step: each key's path over `response`. A key whose path resolves to nothing and has no default
 * fails the action, as on the platform.
 * @throws CxdaError `E_TRANSLATION` naming the first key that failed (every key is in the result it carries).
 */
export function translateResponse(config: DeclarativeConfig, response: unknown): TranslationResult {
  const result = applyTranslationMap(response, config.response.translationMap, config.response.translationMapDefaults);
  const failed = result.entries.find((entry) => entry.problem !== undefined);
  if (failed !== undefined) {
    const more = result.problems.length > 1 ? ` (and ${result.problems.length - 1} more key(s))` : "";
    throw new CxdaError("E_TRANSLATION", `config.response.translationMap.${failed.key}: ${failed.problem!.message}${more}`, {
      context: { key: failed.key },
    });
  }
  return result;
}

/** What the success-template step made. */
export interface SuccessRendering {
  /** The template's text as rendered (JSON, when the action is right). */
  text: string;
  output: unknown;
  unresolved: UnresolvedReference[];
}

/**
 * Renders the success template over the translated values (each as JSON text) and `rawResult`, and reads the text as
 * JSON: the action's output.
 * @throws CxdaError `E_TEMPLATE` for a template that fails (strict: an unresolved reference too); `E_OUTPUT` for text
 * that is not JSON.
 */
export function renderSuccess(config: DeclarativeConfig, translation: TranslationResult, rawResult: string, strict = false): SuccessRendering {
  const values = translationValuesForTemplate(translation);
  const context = { ...values, rawResult: rawResult.trim() === "" ? "{}" : rawResult };
  const template = config.response.successTemplate ?? DEFAULT_SUCCESS_TEMPLATE;
  if (config.response.successTemplate === undefined && config.response.successTemplateUri !== undefined) {
    throw new CxdaError(
      "E_TEMPLATE",
      `config.response.successTemplateUri (${config.response.successTemplateUri}) names a success template kept by the platform, which an export does not hold; put it in config.response.successTemplate to run the action locally`,
    );
  }
  const rendered = renderTemplate(template, context, { strict, label: "config.response.successTemplate" });
  let output: unknown;
  try {
    output = JSON.parse(rendered.text) as unknown;
  } catch (error) {
    const unresolved = rendered.unresolved.length > 0 ? `; it left ${rendered.unresolved.map((u) => u.reference).join(", ")} unresolved` : "";
    throw new CxdaError(
      "E_OUTPUT",
      `the success template did not render JSON (${error instanceof Error ? error.message : String(error)})${unresolved}: ${JSON.stringify(rendered.text.slice(0, 200))}`,
    );
  }
  return { text: rendered.text, output, unresolved: rendered.unresolved };
}
