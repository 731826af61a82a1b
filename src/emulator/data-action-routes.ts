// The emulator's data-action routes: GET /api/v2/data-actions/{id} (with ETags) and POST /api/v2/data-actions/{id}/execute.
import type { IncomingMessage } from "node:http";
import { errorReply, jsonReply, type Reply } from "../server/reply.js";
import { parseTrigger, refuseContentType } from "../server/trigger-body.js";
import type { DefinitionsStore } from "./definitions-store.js";
import type { FaultEffect } from "./faults.js";
import { runTransformSource } from "./run-transform.js";
import type { TokenStore } from "./token-store.js";

/** What the execute route runs with. */
export interface ExecuteSettings {
  /** `ctx.env` when the trigger has no `environment`. */
  env: string;
  transformTimeoutMs: number;
  now: () => number;
}

function ifNoneMatches(header: string | undefined, etag: string): boolean {
  if (header === undefined) return false;
  const strip = (tag: string): string => tag.trim().replace(/^W\//, "");
  return header.split(",").some((tag) => tag.trim() === "*" || strip(tag) === etag);
}

/** Serves the definitions of a store, and runs their transforms. */
export class DataActionRoutes {
  readonly #store: DefinitionsStore;
  readonly #tokens: TokenStore;
  readonly #settings: ExecuteSettings;

  constructor(store: DefinitionsStore, tokens: TokenStore, settings: ExecuteSettings) {
    this.#store = store;
    this.#tokens = tokens;
    this.#settings = settings;
  }

  /** GET /api/v2/data-actions/{id}: the definition with its ETag, or 304 when `If-None-Match` has it. */
  async get(request: IncomingMessage, id: string, effect: FaultEffect): Promise<Reply> {
    const denied = this.#tokens.authorise(request, "data-actions:read", effect);
    if (denied !== undefined) return denied;
    const served = await this.#store.get(id);
    if (served === undefined) return errorReply(404, "not_found", `no data action with id "${id}"`);
    if (ifNoneMatches(request.headers["if-none-match"], served.etag)) return { status: 304, headers: { etag: served.etag } };
    return { status: 200, body: served.text, headers: { etag: served.etag } };
  }

  /** POST /api/v2/data-actions/{id}/execute: the trigger through the definition's `transform.source`, `{ output }` back. */
  async execute(request: IncomingMessage, id: string, body: Buffer, effect: FaultEffect): Promise<Reply> {
    const denied = this.#tokens.authorise(request, "data-actions:execute", effect);
    if (denied !== undefined) return denied;
    const served = await this.#store.get(id);
    if (served === undefined) return errorReply(404, "not_found", `no data action with id "${id}"`);
    const refused = refuseContentType(request.headers["content-type"]);
    if (refused !== undefined) return refused;
    const parsed = parseTrigger(body);
    if (!parsed.ok) return parsed.reply;
    if (served.transformError !== undefined) return errorReply(422, "E_TRANSFORM", served.transformError);
    const transform = served.body.transform as { language?: unknown; source?: unknown } | undefined;
    if (typeof transform?.source !== "string") return errorReply(422, "E_NO_TRANSFORM", `data action "${id}" has no transform.source to execute`);
    if (transform.language !== undefined && transform.language !== "javascript") {
      return errorReply(422, "E_NO_TRANSFORM", `data action "${id}" has a transform in ${String(transform.language)}; only javascript runs here`);
    }
    const environment = parsed.trigger["environment"];
    const result = await runTransformSource(
      transform.source,
      parsed.trigger,
      { actionId: id, env: typeof environment === "string" ? environment : this.#settings.env, nowMs: this.#settings.now() },
      { timeoutMs: this.#settings.transformTimeoutMs },
    );
    return result.ok ? jsonReply(200, { output: result.output }) : errorReply(422, result.code, result.message);
  }
}
