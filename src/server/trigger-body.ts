// The execute route's body: a JSON content type in UTF-8, then a trigger that is a JSON object; anything else is an error reply.
import { isCxdaError } from "../core/errors.js";
import { parseJsonText } from "../internal/json-file.js";
import { errorReply, type Reply } from "./reply.js";
import { kindOf } from "../internal/json-data.js";

/** What a body turned out to be: the trigger, or the answer that refuses it. */
export type TriggerBody = { ok: true; trigger: Record<string, unknown> } | { ok: false; reply: Reply };

/**
 * 415 unless the Content-Type is `application/json` or `application/<something>+json`, with no charset or a UTF-8 one
 * (JSON exchanged between systems is UTF-8: RFC 8259); `undefined` when it is acceptable.
 * @example
 * refuseContentType("text/plain")?.status; // 415
 * refuseContentType("application/vnd.cxone+json; charset=utf-8"); // undefined
 */
export function refuseContentType(header: string | undefined): Reply | undefined {
  const [type = "", ...params] = (header ?? "").split(";").map((part) => part.trim().toLowerCase());
  const json = type === "application/json" || /^application\/[\w.+-]+\+json$/.test(type);
  const charset = params
    .find((param) => param.startsWith("charset="))
    ?.slice("charset=".length)
    .replace(/"/g, "");
  if (json && (charset === undefined || charset === "utf-8" || charset === "utf8")) return undefined;
  const got = type === "" ? "no content-type" : json ? `charset ${charset ?? ""}` : type;
  return errorReply(415, "unsupported_media_type", `the trigger payload must be sent as application/json in UTF-8, got ${got}`);
}

/**
 * Reads a body as a trigger: UTF-8 text holding one JSON object. Malformed JSON is refused with its line and column
 * (`error.line`, `error.column`), anything but an object by what it is.
 * @example
 * parseTrigger(Buffer.from("[1]")); // { ok: false, reply: 400 "…a JSON object; got an array" }
 */
export function parseTrigger(body: Uint8Array): TriggerBody {
  let text: string;
  try {
    text = new TextDecoder("utf-8", { fatal: true }).decode(body);
  } catch {
    return { ok: false, reply: errorReply(400, "bad_request", "the body is not valid UTF-8") };
  }
  let trigger: unknown;
  try {
    trigger = parseJsonText(text, "request body", "E_USAGE");
  } catch (error) {
    if (!isCxdaError(error)) throw error;
    const line = error.context?.["line"];
    const position = line === undefined ? {} : { line, column: error.context?.["column"] };
    return { ok: false, reply: errorReply(400, "bad_request", error.message, { details: position }) };
  }
  if (typeof trigger !== "object" || trigger === null || Array.isArray(trigger)) {
    return { ok: false, reply: errorReply(400, "bad_request", `the body must be the trigger payload, a JSON object; got ${kindOf(trigger)}`) };
  }
  return { ok: true, trigger: trigger as Record<string, unknown> };
}
