// A Genesys action's declarative request and response (`config`), checked and kept on the definition: the URL, method,
// headers and body templates of the upstream request, and the translation map and success template of its answer.
import { CxdaError } from "../core/errors.js";
import type { DeclarativeConfig, HttpMethod } from "../core/types.js";
import { isRecord, kindOf } from "../internal/json-data.js";

/**
 * The keys of Genesys' RequestConfig and ResponseConfig, as the Platform API's models name them (the SDKs'
 * `RequestConfig`: requestUrlTemplate, requestTemplate, requestTemplateUri, requestType, headers; `ResponseConfig`:
 * translationMap, translationMapDefaults, successTemplate, successTemplateUri). A `…Uri` points at a template stored
 * on the platform instead of inline; an export carries it empty or beside the inline text.
 */
export const CONFIG_KEYS = ["request", "response"] as const;
export const REQUEST_KEYS = ["requestUrlTemplate", "requestTemplate", "requestTemplateUri", "requestType", "headers"] as const;
export const RESPONSE_KEYS = ["translationMap", "translationMapDefaults", "successTemplate", "successTemplateUri"] as const;

/** The methods a Genesys web-services action can send (its editor's choices). */
const METHODS: readonly HttpMethod[] = ["GET", "POST", "PUT", "PATCH", "DELETE"];

/**
 * Reads a definition's `config` (a Genesys export's declarative request and response); `undefined` when there is none
 * or it is empty.
 * Absent parts get Genesys' empty values: no headers, an empty translation map, no templates.
 * @throws CxdaError `E_DEFINITION` naming the path (`config.request.requestType`) for a part of the wrong type or an
 * unknown method
 * @example
 * readDeclarativeConfig(raw.config, "actions/lookup/definition.json")?.request.requestType; // "GET"
 */
export function readDeclarativeConfig(value: unknown, label: string, file?: string): DeclarativeConfig | undefined {
  if (value === undefined) return undefined;
  const fail = (path: string, problem: string): never => {
    throw new CxdaError("E_DEFINITION", `${label}: ${path} ${problem}`, { context: { file, path } });
  };
  if (!isRecord(value)) return fail("config", `must be an object with request and response, got ${kindOf(value)}`);
  // An empty config (`{}`, as some hand-made exports have) declares nothing to run.
  if (value["request"] === undefined && value["response"] === undefined) return undefined;
  const request = value["request"] ?? {};
  const response = value["response"] ?? {};
  if (!isRecord(request)) return fail("config.request", `must be an object, got ${kindOf(request)}`);
  if (!isRecord(response)) return fail("config.response", `must be an object, got ${kindOf(response)}`);

  const text = (object: Record<string, unknown>, key: string, at: string): string | undefined => {
    const found = object[key];
    if (found === undefined || found === null) return undefined;
    return typeof found === "string" ? found : fail(`${at}.${key}`, `must be a string (a template), got ${kindOf(found)}`);
  };
  const texts = (object: Record<string, unknown>, key: string, at: string): Record<string, string> => {
    const found = object[key];
    if (found === undefined || found === null) return {};
    if (!isRecord(found)) return fail(`${at}.${key}`, `must be an object of strings, got ${kindOf(found)}`);
    for (const [name, entry] of Object.entries(found))
      if (typeof entry !== "string") fail(`${at}.${key}.${name}`, `must be a string, got ${kindOf(entry)}`);
    return { ...(found as Record<string, string>) };
  };

  // Kept even without a URL: an integration of Genesys' own (a Salesforce data dip) has one on the platform, not in the
  // export; whoever runs the action says it cannot call anything.
  const url = text(request, "requestUrlTemplate", "config.request");
  const method = (text(request, "requestType", "config.request") ?? "GET").toUpperCase();
  if (!(METHODS as readonly string[]).includes(method))
    fail("config.request.requestType", `must be one of ${METHODS.join(", ")}, got ${JSON.stringify(request["requestType"])}`);

  const optional = <K extends string>(key: K, found: string | undefined): Partial<Record<K, string>> =>
    found === undefined || found === "" ? {} : ({ [key]: found } as Record<K, string>);
  return {
    request: {
      ...optional("requestUrlTemplate", url),
      requestType: method as HttpMethod,
      headers: texts(request, "headers", "config.request"),
      ...optional("requestTemplate", text(request, "requestTemplate", "config.request")),
      ...optional("requestTemplateUri", text(request, "requestTemplateUri", "config.request")),
    },
    response: {
      translationMap: texts(response, "translationMap", "config.response"),
      translationMapDefaults: texts(response, "translationMapDefaults", "config.response"),
      ...optional("successTemplate", text(response, "successTemplate", "config.response")),
      ...optional("successTemplateUri", text(response, "successTemplateUri", "config.response")),
    },
  };
}
