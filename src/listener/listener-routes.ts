// The listener's routes: the Host check, GET /healthz, and POST /api/v2/data-actions/{id}/execute by the action's id or folder name.
import type { IncomingMessage } from "node:http";
import { CxdaError } from "../core/errors.js";
import { refuseForeignHost } from "../server/host-check.js";
import { errorReply, jsonReply, type Reply } from "../server/reply.js";
import type { ExecuteRoute } from "./execute-route.js";
import type { ListenerRequest, ResolvedListenerOptions } from "./listener-options.js";
import type { ServedAction } from "./served-action.js";

const EXECUTE_ROUTE = /^\/api\/v2\/data-actions\/([^/]+)\/execute$/;

/** Finds the route of each request and answers the ones that reach none; `origin` is set once the server listens. */
export class ListenerRoutes {
  origin = "";
  readonly #settings: ResolvedListenerOptions;
  readonly #execute: ExecuteRoute;
  readonly #byKey = new Map<string, ServedAction>();
  readonly #ids: string[];

  /** @throws CxdaError `E_CONFIG` when two actions answer to the same id or folder name. */
  constructor(settings: ResolvedListenerOptions, actions: readonly ServedAction[], execute: ExecuteRoute) {
    this.#settings = settings;
    this.#execute = execute;
    this.#ids = actions.map((action) => action.public.id);
    for (const action of actions) {
      for (const key of new Set([action.public.id, action.folder])) {
        const other = this.#byKey.get(key);
        if (other !== undefined && other !== action)
          throw new CxdaError("E_CONFIG", `two actions answer to "${key}": ${other.public.dir} and ${action.public.dir}; give them distinct ids`);
        this.#byKey.set(key, action);
      }
    }
  }

  /** The answer to `request`; `entry.path` is its path. */
  async answer(request: IncomingMessage, entry: ListenerRequest): Promise<Reply> {
    const method = request.method ?? "GET";
    const path = entry.path;
    const refused = refuseForeignHost(request.headers.host, {
      allowed: this.#settings.allowedHosts,
      server: "listener",
      origin: this.origin,
      advice: "behind a tunnel or proxy that keeps its own name in Host, start the listener with --allow-host <that name>",
    });
    if (refused !== undefined) return refused;
    if (path === "/healthz") return this.#health(method);
    const match = EXECUTE_ROUTE.exec(path);
    if (match === null) {
      const message = `no route for ${method} ${path}; use POST /api/v2/data-actions/{id}/execute or GET /healthz`;
      return errorReply(404, "not_found", message, { close: true });
    }
    if (method !== "POST")
      return errorReply(405, "method_not_allowed", `${method} is not allowed here; use POST`, { headers: { allow: "POST" }, close: true });
    const action = this.#find(match[1] ?? "", path);
    if ("status" in action) return action;
    entry.actionId = action.public.id;
    return this.#execute.answer(request, action, entry);
  }

  #health(method: string): Reply {
    if (method !== "GET" && method !== "HEAD") {
      const message = `${method} is not allowed on /healthz; use GET`;
      return errorReply(405, "method_not_allowed", message, { headers: { allow: "GET, HEAD" }, close: true });
    }
    return jsonReply(200, { status: "ok", actions: this.#ids });
  }

  /** The action an id in the path names, or 404 naming the ones served. */
  #find(encoded: string, path: string): ServedAction | Reply {
    let id: string;
    try {
      id = decodeURIComponent(encoded);
    } catch {
      return errorReply(404, "not_found", `malformed data action id in ${path}`, { details: { actions: this.#ids }, close: true });
    }
    const action = this.#byKey.get(id);
    if (action !== undefined) return action;
    const served = this.#ids.map((known) => JSON.stringify(known)).join(", ");
    return errorReply(404, "not_found", `unknown data action ${JSON.stringify(id)}; this listener serves ${served}`, {
      details: { actions: this.#ids },
      close: true,
    });
  }
}
