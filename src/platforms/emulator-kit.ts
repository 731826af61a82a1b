// Pieces every platform's emulator routes share: OAuth form and HTTP Basic parsing, OAuth error answers, ETag matching.
import type { IncomingMessage } from "node:http";
import { jsonReply, type Reply } from "../server/reply.js";

/** Parses HTTP Basic credentials (RFC 6749 2.3.1 form-encodes each part before joining them). */
export function basicCredentials(header: string | undefined): { id: string; secret: string } | undefined {
  const match = /^Basic\s+(.+)$/i.exec(header ?? "");
  if (match?.[1] === undefined) return undefined;
  const decoded = Buffer.from(match[1], "base64").toString("utf8");
  const colon = decoded.indexOf(":");
  if (colon < 0) return undefined;
  try {
    return { id: decodeURIComponent(decoded.slice(0, colon)), secret: decodeURIComponent(decoded.slice(colon + 1)) };
  } catch {
    return undefined;
  }
}

/** The form of a token request, or `undefined` when the body is not `application/x-www-form-urlencoded`. */
export function parseForm(request: IncomingMessage, body: string): URLSearchParams | undefined {
  return (request.headers["content-type"] ?? "").toLowerCase().startsWith("application/x-www-form-urlencoded")
    ? new URLSearchParams(body)
    : undefined;
}

/** An OAuth error answer (RFC 6749 5.2), never cached; `extra` adds fields a platform sends beside the standard two. */
export function oauthError(
  status: number,
  error: string,
  description: string,
  headers: Record<string, string> = {},
  extra: Record<string, unknown> = {},
): Reply {
  return jsonReply(status, { error, error_description: description, ...extra }, { "cache-control": "no-store", ...headers });
}

/** The answer to a token request whose body is not a form. */
export const NO_FORM: Reply = oauthError(400, "invalid_request", "the body must be application/x-www-form-urlencoded");

/**
 * What the log records of a token request, whatever its answer: the grant type and client id, never a secret.
 * @example
 * tokenFacts(request, "grant_type=client_credentials&client_id=c"); // { grantType: "client_credentials", clientId: "c" }
 */
export function tokenFacts(request: IncomingMessage, body: string): { grantType?: string; clientId?: string } {
  const facts: { grantType?: string; clientId?: string } = {};
  const form = parseForm(request, body);
  const grantType = form?.get("grant_type");
  const clientId = basicCredentials(request.headers.authorization)?.id ?? form?.get("client_id") ?? undefined;
  if (grantType !== undefined && grantType !== null) facts.grantType = grantType;
  if (clientId !== undefined) facts.clientId = clientId;
  return facts;
}

/** Whether an `If-None-Match` header names `etag` (weak tags compare by their value, `*` matches any). */
export function ifNoneMatches(header: string | undefined, etag: string): boolean {
  if (header === undefined) return false;
  const strip = (tag: string): string => tag.trim().replace(/^W\//, "");
  return header.split(",").some((tag) => tag.trim() === "*" || strip(tag) === etag);
}
