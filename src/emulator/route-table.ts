// The emulator's routes by method and path: which route a request is for, or the error that says it is for none.
import { errorReply, type Reply } from "../server/reply.js";
import type { EmulatorRoute } from "./faults.js";

/** The API's base path. */
export const API_PREFIX = "/api/v2";

/** A request matched to a route (`id` on data-action routes), or the answer for one that matches none. */
export type RouteMatch = { route: EmulatorRoute; id?: string } | { error: Reply };

const DATA_ACTION = /^\/api\/v2\/data-actions\/([^/]+)(\/execute)?$/;

/**
 * Finds the route of `method path`: 404 for an unknown path, 405 (with `allow`) for a wrong method, 400 for a data
 * action id that is not valid percent-encoding.
 * @example
 * matchRoute("POST", "/api/v2/data-actions/da-1/execute"); // { route: "execute-data-action", id: "da-1" }
 */
export function matchRoute(method: string, path: string): RouteMatch {
  const allow = (expected: string, route: EmulatorRoute, id?: string): RouteMatch =>
    method === expected
      ? { route, ...(id === undefined ? {} : { id }) }
      : { error: errorReply(405, "method_not_allowed", `use ${expected} ${path}`, { headers: { allow: expected } }) };
  if (path === `${API_PREFIX}/oauth/token`) return allow("POST", "token");
  if (path === "/auth/token") return allow("POST", "auth-token");
  if (path === "/.well-known/openid-configuration") return allow("GET", "openid-configuration");
  if (path === "/.well-known/cxone-configuration") return allow("GET", "cxone-configuration");
  const action = DATA_ACTION.exec(path);
  if (action?.[1] !== undefined) {
    let id: string;
    try {
      id = decodeURIComponent(action[1]);
    } catch {
      return { error: errorReply(400, "bad_request", "malformed data action id in the path") };
    }
    return action[2] === undefined ? allow("GET", "get-data-action", id) : allow("POST", "execute-data-action", id);
  }
  return { error: errorReply(404, "not_found", `no route for ${method} ${path}`) };
}
