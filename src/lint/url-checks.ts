// Whether a rendered request URL can be sent: an http(s) URL (or a platform path), with nothing a URL may not hold unescaped.
import type { FindingDraft } from "./finding-collector.js";

/** What is wrong with a URL; `reason` tells two problems of one template apart when folding findings. */
export interface UrlProblem {
  severity: "error" | "warning";
  code: "url-invalid" | "url-not-http";
  reason: string;
  message: string;
  hint?: string;
}

/** An AWS Lambda function ARN, with an optional version or alias. */
const LAMBDA_ARN = /^arn:aws[\w-]*:lambda:[a-z0-9-]+:\d{12}:function:[\w-]+(?::[\w$-]+)?$/;

/**
 * Characters no URL may hold as they are: RFC 3986 has no place for them, and a Java client (what Genesys runs) refuses
 * the URL. Genesys' Request configuration page warns that an unescaped variable makes the action fail at execution and
 * names `$esc.url()` for path and query parameters (https://help.mypurecloud.com/?p=138534). Characters beyond ASCII
 * are left alone: a Java URI accepts them and encodes them when sending.
 */
// eslint-disable-next-line no-control-regex -- control characters are what this looks for
const UNSAFE = /[\u0000-\u0020"<>\\^`{|}\u007f]|%(?![0-9A-Fa-f]{2})/;

const NAMED: Record<string, string> = {
  " ": "a space",
  "\n": "a line break",
  "\r": "a carriage return",
  "\t": "a tab",
  '"': "a double quote",
  "\\": "a backslash",
  "%": "a % not followed by two hex digits",
};

function describeCharacter(char: string): string {
  if (NAMED[char] !== undefined) return NAMED[char];
  const code = char.charCodeAt(0);
  return code < 0x20 || code === 0x7f ? `the control character U+${code.toString(16).toUpperCase().padStart(4, "0")}` : `"${char}"`;
}

/** Integration types whose URL template is a path on a base the integration knows (the org's API, the Salesforce instance). */
const PLATFORM_PATHS = new Set(["purecloud-data-actions", "salesforce-datadip", "microsoft-dynamics-data-actions", "zendesk-datadip"]);

function lambdaProblem(url: string): UrlProblem {
  if (LAMBDA_ARN.test(url)) {
    return {
      severity: "warning",
      code: "url-not-http",
      reason: "lambda-arn",
      message: `the URL is an AWS Lambda function ARN (${url}), not an HTTP URL: Genesys invokes the function, and cxda cannot send this request`,
      hint: "test the function itself; the request body and success template are still linted",
    };
  }
  return {
    severity: "warning",
    code: "url-not-http",
    reason: "lambda-placeholder",
    message: `the URL ${JSON.stringify(url)} is not an HTTP URL, and not a Lambda function ARN either (arn:aws:lambda:<region>:<account>:function:<name>): it looks like a placeholder left in the export`,
    hint: "put the function's ARN in requestUrlTemplate before importing the action",
  };
}

/**
 * Checks a rendered URL; `undefined` when it can be sent. A path (`/api/v2/…`) is accepted for integrations that send
 * it to a base of their own, not for a web services action (`custom-rest-actions`), which needs an absolute URL.
 * @example
 * checkUrl('/api/v2/users/say "hi"', "purecloud-data-actions")?.message; // 'the URL holds """ at column 20 …'
 */
export function checkUrl(rendered: string, integrationType?: string): UrlProblem | undefined {
  const url = rendered.trim();
  if (integrationType === "aws-lambda-data-actions" || /^arn:/i.test(url)) return lambdaProblem(url);
  if (url === "") return { severity: "error", code: "url-invalid", reason: "empty", message: "the URL renders empty" };
  const unsafe = UNSAFE.exec(url);
  if (unsafe !== null) {
    const near = url.slice(Math.max(0, unsafe.index - 20), unsafe.index + 20);
    return {
      severity: "error",
      code: "url-invalid",
      reason: `character ${unsafe[0]}`,
      message: `the URL holds ${describeCharacter(unsafe[0])} at column ${unsafe.index + 1} (near ${JSON.stringify(near)}), which a URL may not hold unescaped`,
      hint: "escape inputs that go into the URL: $esc.url($input.x)",
    };
  }
  if (url.startsWith("/") && !url.startsWith("//")) {
    if (integrationType === "custom-rest-actions") {
      return {
        severity: "error",
        code: "url-invalid",
        reason: "path",
        message: `the URL ${JSON.stringify(url)} is a path, but a web services data action (custom-rest-actions) needs an absolute http or https URL`,
        hint: "write the whole URL, https://host/path",
      };
    }
    // Resolved against the integration's base; only the path and query need to parse.
    return URL.canParse(url, "https://integration.invalid") ? undefined : invalid(url, "does not parse as a path");
  }
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    const why = PLATFORM_PATHS.has(integrationType ?? "") ? "a path must start with /" : "write an absolute http or https URL";
    return invalid(url, `is not a URL (${why})`);
  }
  if (parsed.protocol !== "http:" && parsed.protocol !== "https:") {
    return invalid(url, `uses the scheme ${parsed.protocol.slice(0, -1)}; a data action calls http or https URLs`);
  }
  return undefined;
}

function invalid(url: string, why: string): UrlProblem {
  return { severity: "error", code: "url-invalid", reason: why, message: `the URL ${JSON.stringify(url)} ${why}` };
}

/** A {@link UrlProblem} as a finding of the URL template. */
export function urlFinding(problem: UrlProblem): FindingDraft {
  return {
    severity: problem.severity,
    code: problem.code,
    path: "config.request.requestUrlTemplate",
    pointer: ["config", "request", "requestUrlTemplate"],
    message: problem.message,
    ...(problem.hint === undefined ? {} : { hint: problem.hint }),
  };
}
