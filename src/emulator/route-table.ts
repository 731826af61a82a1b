// The emulator's routes by method and path, every platform's at once: which route a request is for, or the error that
// says it is for none. The routes themselves live with their platform (src/platforms/<name>/…-emulator.ts).
import type { EmulatorRouteSpec } from "../platforms/platform.js";
import { PLATFORMS } from "../platforms/resolve-platform.js";
import { errorReply, type Reply } from "../server/reply.js";
import { EMULATOR_ROUTES, type EmulatorRoute } from "./faults.js";

/** The API's base path. */
export const API_PREFIX = "/api/v2";

/** A request matched to a route (`id` on data-action routes), or the answer for one that matches none. */
export type RouteMatch = { route: EmulatorRoute; spec: EmulatorRouteSpec; id?: string } | { error: Reply };

const ROUTES: readonly EmulatorRouteSpec[] = Object.values(PLATFORMS).flatMap((platform) => platform.emulator.routes);
for (const spec of ROUTES) {
  // A route missing from the fault vocabulary could not be named in a fault rule: a mistake in this code, caught at load.
  if (!(EMULATOR_ROUTES as readonly string[]).includes(spec.name)) throw new Error(`emulator route ${spec.name} is not in EMULATOR_ROUTES`);
}

/** The routes whose path is `path`, with the action id their pattern took from it (`null`: not valid percent-encoding). */
function routesAt(path: string): Array<{ spec: EmulatorRouteSpec; id: string | undefined | null }> {
  const found: Array<{ spec: EmulatorRouteSpec; id: string | undefined | null }> = [];
  for (const spec of ROUTES) {
    if (typeof spec.path === "string") {
      if (spec.path === path) found.push({ spec, id: undefined });
      continue;
    }
    const raw = spec.path.exec(path)?.[1];
    if (raw === undefined) continue;
    let id: string | null;
    try {
      id = decodeURIComponent(raw);
    } catch {
      id = null;
    }
    found.push({ spec, id });
  }
  return found;
}

/**
 * Finds the route of `method path`: 404 for an unknown path, 405 (with `allow`) for a wrong method, 400 for a data
 * action id that is not valid percent-encoding.
 * @example
 * matchRoute("POST", "/api/v2/data-actions/da-1/execute"); // { route: "execute-data-action", id: "da-1", spec }
 * matchRoute("GET", "/api/v2/integrations/actions/custom_-_1/draft"); // { route: "genesys-get-action-draft", … }
 */
export function matchRoute(method: string, path: string): RouteMatch {
  const candidates = routesAt(path);
  if (candidates.length === 0) return { error: errorReply(404, "not_found", `no route for ${method} ${path}`) };
  const hit = candidates.find(({ spec }) => spec.method === method);
  if (hit === undefined) {
    const allowed = [...new Set(candidates.map(({ spec }) => spec.method))].join(", ");
    return { error: errorReply(405, "method_not_allowed", `use ${allowed} ${path}`, { headers: { allow: allowed } }) };
  }
  if (hit.id === null) return { error: errorReply(400, "bad_request", "malformed data action id in the path") };
  return { route: hit.spec.name as EmulatorRoute, spec: hit.spec, ...(hit.id === undefined ? {} : { id: hit.id }) };
}
