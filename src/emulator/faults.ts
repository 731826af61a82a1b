// Fault injection for the emulator: which route misbehaves, how, how often, and for how many requests.
import { readFile } from "node:fs/promises";
import { CxdaError } from "../core/errors.js";
import { parseJsonText } from "../internal/json-file.js";
import { CXONE_ROUTE_NAMES } from "../platforms/cxone/cxone-emulator.js";
import { GENESYS_ROUTE_NAMES } from "../platforms/genesys/genesys-emulator.js";

/** The emulator's routes, by name: every platform's (each platform's routes live in its folder under src/platforms/). */
export const EMULATOR_ROUTES = [...CXONE_ROUTE_NAMES, ...GENESYS_ROUTE_NAMES] as const;

/** One of {@link EMULATOR_ROUTES}. */
export type EmulatorRoute = (typeof EMULATOR_ROUTES)[number];

/**
 * One fault. It applies to requests on `route` (or every route with `"*"`), to the next `count`
 * of them or, with `probability`, to each by chance. Effects combine: latency is added, then
 * a token is expired or scopes withheld, then the request is answered with `status` or dropped.
 * @example
 * { route: "get-data-action", status: 429, retryAfter: 1, count: 2 }
 * { route: "token", omitScopes: ["data-actions:execute"] }
 * { route: "execute-data-action", drop: true, count: 1 }
 * { route: "genesys-get-action", status: 429, retryAfter: 1, count: 1 }
 */
export interface FaultRule {
  route: EmulatorRoute | "*" | Array<EmulatorRoute>;
  /** Only for this data action id (data-action routes). */
  id?: string;
  /** Answer with this status instead of serving the request. */
  status?: number;
  /** `Retry-After` to send with `status`: seconds, or a string sent as is (an HTTP date). */
  retryAfter?: number | string;
  /** JSON body to send with `status`. @default { error: { code: "injected_fault", message } } */
  body?: unknown;
  /** Milliseconds to wait before answering. */
  latencyMs?: number;
  /** Destroy the socket mid-response (after the headers and part of the body). */
  drop?: boolean;
  /** Treat the request's bearer token as expired (it stays expired). */
  expireToken?: boolean;
  /** Token routes: issue tokens without these scopes. */
  omitScopes?: string[];
  /** Apply to this many matching requests, then stop. @default every matching request */
  count?: number;
  /** Chance (0–1) that a matching request is affected. @default 1 */
  probability?: number;
}

/** The combined effect of the faults that fired for one request. */
export interface FaultEffect {
  latencyMs: number;
  expireToken: boolean;
  omitScopes: string[];
  /** Answer with this instead of serving. */
  respond?: { status: number; retryAfter?: string; body: unknown };
  drop: boolean;
  /** Short labels of the faults that fired, for the request log. */
  labels: string[];
}

interface ArmedRule {
  rule: FaultRule;
  remaining: number;
}

function fail(where: string, message: string): never {
  throw new CxdaError("E_CONFIG", `${where}: ${message}`, { context: { setting: where } });
}

/**
 * Checks fault rules and rejects bad ones early with a message naming the rule.
 * @example
 * checkFaultRules([{ route: "token", status: 503, count: 1 }], "setFaults");
 */
export function checkFaultRules(rules: unknown, where: string): FaultRule[] {
  const list = Array.isArray(rules)
    ? (rules as unknown[])
    : typeof rules === "object" && rules !== null && Array.isArray((rules as { faults?: unknown }).faults)
      ? (rules as { faults: unknown[] }).faults
      : fail(where, 'expected an array of fault rules, or { "faults": [...] }');
  return list.map((value, index) => {
    const at = `${where} fault #${index + 1}`;
    if (typeof value !== "object" || value === null) fail(at, "must be an object");
    const rule = value as FaultRule;
    const routes = rule.route === "*" ? [] : Array.isArray(rule.route) ? rule.route : [rule.route];
    for (const route of routes) {
      if (!(EMULATOR_ROUTES as readonly string[]).includes(route)) {
        fail(at, `unknown route ${JSON.stringify(route)}; expected "*" or one of ${EMULATOR_ROUTES.join(", ")}`);
      }
    }
    if (rule.status !== undefined && (!Number.isInteger(rule.status) || rule.status < 100 || rule.status > 599))
      fail(at, "status must be an HTTP status code");
    if (rule.count !== undefined && (!Number.isInteger(rule.count) || rule.count < 0)) fail(at, "count must be a whole number >= 0");
    if (rule.probability !== undefined && !(rule.probability >= 0 && rule.probability <= 1)) fail(at, "probability must be between 0 and 1");
    if (rule.latencyMs !== undefined && !(Number.isFinite(rule.latencyMs) && rule.latencyMs >= 0)) fail(at, "latencyMs must be a number >= 0");
    if (rule.retryAfter !== undefined && typeof rule.retryAfter !== "string" && !(Number.isFinite(rule.retryAfter) && rule.retryAfter >= 0)) {
      fail(at, "retryAfter must be seconds (a number) or an HTTP date (a string)");
    }
    if (rule.omitScopes !== undefined && !(Array.isArray(rule.omitScopes) && rule.omitScopes.every((s) => typeof s === "string"))) {
      fail(at, "omitScopes must be an array of scope names");
    }
    return rule;
  });
}

/**
 * Reads a faults file: a JSON array of rules, or `{ "faults": [...] }`.
 * @example
 * const rules = await readFaultsFile("faults.json");
 */
export async function readFaultsFile(file: string): Promise<FaultRule[]> {
  let text: string;
  try {
    text = await readFile(file, "utf8");
  } catch (error) {
    throw new CxdaError("E_CONFIG", `${file}: cannot read the faults file (${(error as NodeJS.ErrnoException).code ?? String(error)})`, {
      cause: error,
      context: { file },
    });
  }
  return checkFaultRules(parseJsonText(text, file, "E_CONFIG"), file);
}

const STATUS_TEXT: Record<number, string> = { 429: "rate limited", 401: "unauthorized", 403: "forbidden", 404: "not found" };

/** Holds the active rules and decides, request by request, which fire. */
export class FaultSet {
  #armed: ArmedRule[] = [];
  readonly #random: () => number;

  constructor(random: () => number = Math.random) {
    this.#random = random;
  }

  /** Replaces every rule (counts start afresh). */
  set(rules: FaultRule[]): void {
    this.#armed = rules.map((rule) => ({ rule, remaining: rule.count ?? Number.POSITIVE_INFINITY }));
  }

  clear(): void {
    this.#armed = [];
  }

  /** The rules still armed, with what is left of their counts. */
  list(): Array<FaultRule & { remaining: number | null }> {
    return this.#armed.map(({ rule, remaining }) => ({ ...rule, remaining: Number.isFinite(remaining) ? remaining : null }));
  }

  /** Decides the faults for one request and consumes their counts. */
  draw(route: EmulatorRoute, id: string | undefined): FaultEffect {
    const effect: FaultEffect = { latencyMs: 0, expireToken: false, omitScopes: [], drop: false, labels: [] };
    for (const armed of this.#armed) {
      const { rule } = armed;
      const routes = rule.route === "*" ? undefined : Array.isArray(rule.route) ? rule.route : [rule.route];
      if (routes !== undefined && !routes.includes(route)) continue;
      if (rule.id !== undefined && rule.id !== id) continue;
      if (armed.remaining <= 0) continue;
      if (rule.probability !== undefined && this.#random() >= rule.probability) continue;
      armed.remaining--;
      effect.latencyMs += rule.latencyMs ?? 0;
      if (rule.expireToken === true) effect.expireToken = true;
      if (rule.omitScopes !== undefined) effect.omitScopes.push(...rule.omitScopes);
      const parts: string[] = [];
      if (rule.latencyMs !== undefined) parts.push(`latency ${rule.latencyMs}ms`);
      if (rule.expireToken === true) parts.push("expire-token");
      if (rule.omitScopes !== undefined) parts.push(`omit ${rule.omitScopes.join(" ")}`);
      if (rule.drop === true) {
        effect.drop = true;
        parts.push("drop");
      } else if (rule.status !== undefined) {
        const message = `injected fault: ${rule.status} ${STATUS_TEXT[rule.status] ?? ""}`.trim();
        effect.respond = {
          status: rule.status,
          body: rule.body ?? { error: { code: "injected_fault", message } },
          ...(rule.retryAfter === undefined ? {} : { retryAfter: String(rule.retryAfter) }),
        };
        parts.push(`status ${rule.status}${rule.retryAfter === undefined ? "" : ` retry-after ${String(rule.retryAfter)}`}`);
      }
      effect.labels.push(parts.join(", "));
      // A rule that ends the request (an answer or a drop) stops the search: later rules keep their counts.
      if (effect.drop || effect.respond !== undefined) break;
    }
    return effect;
  }
}
