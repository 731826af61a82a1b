// The resolve-request step of a Genesys declarative action: its URL, headers and body rendered from their Velocity
// templates over the input, the body checked to be JSON when it is sent as JSON.
import { CxdaError } from "../../../core/errors.js";
import { positionOf } from "../../../internal/json-file.js";
import type { DeclarativeConfig, HttpMethod } from "../../../core/types.js";
import { renderTemplate, requestContext, type UnresolvedReference } from "../velocity/render-template.js";

/** The request a declarative action sends, as its templates resolve. */
export interface ResolvedRequest {
  method: HttpMethod;
  /** The URL exactly as the URL template resolves (a Genesys Cloud action's is a path: `/api/v2/users/…`). */
  url: string;
  headers: Record<string, string>;
  /** The body text; absent for a GET or DELETE, which Genesys sends without one. */
  body?: string;
}

/** An unresolved reference, with the part of the request it is in (`url`, `headers.Authorization`, `body`). */
export interface UnresolvedInRequest extends UnresolvedReference {
  part: string;
}

/** What the resolve-request step found. */
export interface RequestResolution {
  request: ResolvedRequest;
  /** References that printed as written or as nothing: warnings (errors under strict, which throws instead). */
  unresolved: UnresolvedInRequest[];
  /** Whether the body is sent as JSON (see {@link isJsonBody}); false when there is no body. */
  json: boolean;
}

/** Options of {@link resolveRequest}. */
export interface ResolveRequestOptions {
  /** An unresolved reference is an `E_TEMPLATE` error instead of a warning. */
  strict?: boolean;
  /** The values `${credentials.X}` reads (placeholders offline). */
  credentials?: Record<string, unknown>;
}

/**
 * The body Genesys sends when an action gives no request template: the whole input as JSON (Request configuration,
 * https://help.mypurecloud.com/?p=138534).
 */
export const DEFAULT_REQUEST_TEMPLATE = "${input.rawRequest}";

/**
 * The methods Genesys sends a body with: "request templates define the body of POST, PUT, and PATCH requests"; a GET
 * (and a DELETE) goes without one (Request configuration, https://help.mypurecloud.com/?p=138534).
 */
export const METHODS_WITH_BODY: ReadonlySet<HttpMethod> = new Set(["POST", "PUT", "PATCH"]);

/** The value of header `name` (any case) in `headers`, when present. */
export function headerValue(headers: Readonly<Record<string, string>>, name: string): string | undefined {
  const wanted = name.toLowerCase();
  for (const [key, value] of Object.entries(headers)) if (key.toLowerCase() === wanted) return value;
  return undefined;
}

/**
 * Whether a body is sent as JSON: its Content-Type says so, or there is none and the body looks like JSON (starts with
 * `{` or `[`). Genesys' pages give no default Content-Type, so a body without one is judged by what it holds (`cxda
 * lint` reads it the same way).
 */
export function isJsonBody(contentType: string | undefined, body: string): boolean {
  if (contentType === undefined) return /^\s*[[{]/.test(body);
  const type = contentType.split(";")[0]!.trim().toLowerCase();
  return type === "application/json" || type.endsWith("+json");
}

/**
 * Renders the request of `config` for `input`.
 * @throws CxdaError `E_TEMPLATE` for a template that fails (or, strict, leaves a reference unresolved); `E_REQUEST`
 * for an action without a URL template, a header that cannot be sent, or a JSON body that is not JSON.
 * @example
 * resolveRequest(config, { id: "7" }).request; // { method: "GET", url: "https://api.example.com/users/7", headers: {…} }
 */
export function resolveRequest(config: DeclarativeConfig, input: Record<string, unknown>, options: ResolveRequestOptions = {}): RequestResolution {
  const { request } = config;
  if (request.requestUrlTemplate !== undefined && request.requestUrlTemplate.trim() === "")
    throw new CxdaError("E_REQUEST", "config.request.requestUrlTemplate is empty; give the URL of the endpoint the action calls");
  if (request.requestUrlTemplate === undefined) {
    throw new CxdaError(
      "E_REQUEST",
      "config.request has no requestUrlTemplate: this action's endpoint is kept by the platform, so cxda cannot send its request; add a requestUrlTemplate to run it locally",
    );
  }
  const context = requestContext(input, options.credentials);
  const unresolved: UnresolvedInRequest[] = [];
  const render = (template: string, part: string, label: string): string => {
    const rendered = renderTemplate(template, context, { strict: options.strict === true, label });
    for (const reference of rendered.unresolved) unresolved.push({ ...reference, part });
    return rendered.text;
  };
  const url = render(request.requestUrlTemplate, "url", "config.request.requestUrlTemplate").trim();
  const headers: Record<string, string> = {};
  for (const [name, template] of Object.entries(request.headers)) {
    const value = render(template, `headers.${name}`, `config.request.headers.${name}`);
    if (/[\r\n\0]/.test(value)) {
      throw new CxdaError(
        "E_REQUEST",
        `config.request.headers.${name} resolves to a value with a line break or NUL (${JSON.stringify(value.slice(0, 80))}), which no HTTP client sends; escape or strip the input it comes from`,
      );
    }
    headers[name] = value;
  }
  if (request.requestTemplateUri !== undefined && request.requestTemplate === undefined) {
    throw new CxdaError(
      "E_REQUEST",
      `config.request.requestTemplateUri (${request.requestTemplateUri}) names a body template kept by the platform, which an export does not hold; put the template in config.request.requestTemplate to run it locally`,
    );
  }
  let json = false;
  const resolved: ResolvedRequest = { method: request.requestType, url, headers };
  if (METHODS_WITH_BODY.has(request.requestType)) {
    const body = render(request.requestTemplate ?? DEFAULT_REQUEST_TEMPLATE, "body", "config.request.requestTemplate");
    json = isJsonBody(headerValue(headers, "content-type"), body);
    if (json && body.trim() !== "") checkJsonBody(body);
    resolved.body = body;
  }
  return { request: resolved, unresolved, json };
}

/** Refuses a body sent as JSON that is not JSON, naming the line and column where parsing stopped. */
function checkJsonBody(body: string): void {
  try {
    JSON.parse(body);
  } catch (error) {
    const at = /position (\d+)/.exec(String(error));
    let where = "";
    if (at !== null) {
      const offset = Number(at[1]);
      const { line, column } = positionOf(body, offset);
      where = ` at ${line}:${column} (near ${JSON.stringify(body.slice(Math.max(0, offset - 20), offset + 20))})`;
    }
    throw new CxdaError(
      "E_REQUEST",
      `the request body is not valid JSON${where}: ${error instanceof Error ? error.message : String(error)}. An input value with a quote, a backslash or a line break breaks a hand-written JSON body; escape it inside its quotes: "$esc.jsonString($input.x)"`,
    );
  }
}
