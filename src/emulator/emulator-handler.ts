// One emulator request from arrival to log entry: Host check, route, faults, body, the route's answer, and the record of it.
import { randomUUID } from "node:crypto";
import type { IncomingMessage, ServerResponse } from "node:http";
import { refuseForeignHost } from "../server/host-check.js";
import { errorReply, jsonReply, writeReply, type Reply } from "../server/reply.js";
import { bodyProblem, readBody, type BodyLimits } from "../server/request-body.js";
import { tokenFacts } from "../platforms/emulator-kit.js";
import type { DeclarativeTester } from "./declarative-test.js";
import type { DefinitionsStore } from "./definitions-store.js";
import type { ResolvedEmulatorOptions } from "./emulator-options.js";
import { emulatorServices } from "./emulator-services.js";
import type { FaultEffect, FaultSet } from "./faults.js";
import { safePath, type EmulatorRequest, type RequestLog } from "./request-log.js";
import { matchRoute, type RouteMatch } from "./route-table.js";
import type { TokenStore } from "./token-store.js";

/** The platform reads whole bodies up to 1 MiB; a larger one is drained and refused, so its sender still gets the answer. */
const BODY_LIMITS: BodyLimits = { limitBytes: 1024 * 1024, overflow: "drain" };

const NO_FAULT: FaultEffect = { latencyMs: 0, expireToken: false, omitScopes: [], drop: false, labels: [] };

/** What is known of a request before it is answered. */
interface Arrival {
  started: number;
  at: string;
  method: string;
  /** The request target, when it is a URL at all. */
  target: URL | undefined;
  correlationId: string;
  matched: RouteMatch;
  effect: FaultEffect;
}

/** The parts of the emulator a request goes through. */
export interface EmulatorParts {
  config: ResolvedEmulatorOptions;
  faults: FaultSet;
  log: RequestLog;
  tokens: TokenStore;
  store: DefinitionsStore;
  tester: DeclarativeTester;
}

/** Answers emulator requests; `origin` is set once the server listens. */
export class EmulatorHandler {
  origin = "";
  readonly #parts: EmulatorParts;

  constructor(parts: EmulatorParts) {
    this.#parts = parts;
  }

  /** Answers one request and logs it. */
  async handle(request: IncomingMessage, response: ServerResponse): Promise<void> {
    const arrival = this.#arrive(request);
    const body = await readBody(request, BODY_LIMITS);
    if (arrival.effect.latencyMs > 0) await new Promise((done) => setTimeout(done, arrival.effect.latencyMs));
    const isToken = "spec" in arrival.matched && arrival.matched.spec.token === true;
    // Token routes are logged with their grant type and client id (never secrets), whatever the answer.
    const facts = isToken && body.kind === "complete" ? tokenFacts(request, body.body.toString("utf8")) : {};
    const { correlationHeader } = this.#parts.config;
    if (body.kind === "complete" && !("error" in arrival.matched) && arrival.effect.drop) {
      response.writeHead(200, { "content-type": "application/json", "content-length": "4096", [correlationHeader]: arrival.correlationId });
      // Send part of a body, then cut the connection once it is on the wire.
      response.write('{"partial":', () => response.socket?.destroy());
      this.#record(arrival, 200, { ...facts, dropped: true });
      return;
    }
    const reply =
      body.kind !== "complete"
        ? bodyProblem(body, BODY_LIMITS)
        : "error" in arrival.matched
          ? arrival.matched.error
          : await this.#answer(request, arrival, arrival.matched, body.body);
    writeReply(response, reply, { head: request.method === "HEAD", headers: { [correlationHeader]: arrival.correlationId } });
    this.#record(arrival, reply.status, facts);
  }

  /** Reads what the request is for, and draws its faults. */
  #arrive(request: IncomingMessage): Arrival {
    const { config, faults } = this.#parts;
    const started = performance.now();
    const method = request.method ?? "GET";
    // A target such as "//%zz" is not a URL at all: answer 400, as for any other malformed request.
    let target: URL | undefined;
    try {
      target = new URL(request.url ?? "/", this.origin);
    } catch {
      target = undefined;
    }
    const incoming = request.headers[config.correlationHeader];
    const correlationId = typeof incoming === "string" && incoming !== "" ? incoming : `emu-${randomUUID()}`;
    const refused = refuseForeignHost(request.headers.host, {
      allowed: config.allowedHosts,
      server: "emulator",
      origin: this.origin,
      advice: "start the emulator with --allow-host <that name> (allowedHosts) when clients reach it by that name",
    });
    const matched: RouteMatch =
      refused !== undefined
        ? { error: refused }
        : target === undefined
          ? { error: errorReply(400, "bad_request", "the request target is not a valid path") }
          : matchRoute(method, target.pathname);
    const effect = "route" in matched ? faults.draw(matched.route, matched.id) : NO_FAULT;
    return { started, at: new Date().toISOString(), method, target, correlationId, matched, effect };
  }

  /** The answer of the matched route, or the one a fault puts in its place. */
  async #answer(request: IncomingMessage, arrival: Arrival, matched: Exclude<RouteMatch, { error: Reply }>, body: Buffer): Promise<Reply> {
    const { effect } = arrival;
    if (effect.respond !== undefined) {
      const { status, body: faultBody, retryAfter } = effect.respond;
      return jsonReply(status, faultBody, retryAfter === undefined ? {} : { "retry-after": retryAfter });
    }
    const url = arrival.target ?? new URL("/", this.origin);
    const services = emulatorServices(this.#parts, effect, this.origin);
    return matched.spec.handle({ request, url, body, id: matched.id, services });
  }

  #record(arrival: Arrival, status: number, extra: Partial<EmulatorRequest>): void {
    const { matched, effect, target } = arrival;
    const id = "route" in matched ? matched.id : undefined;
    this.#parts.log.record({
      at: arrival.at,
      method: arrival.method,
      path: target === undefined ? "(malformed request target)" : safePath(target),
      route: "route" in matched ? matched.route : null,
      status,
      durationMs: Math.round((performance.now() - arrival.started) * 10) / 10,
      correlationId: arrival.correlationId,
      ...(effect.labels.length === 0 ? {} : { faults: effect.labels }),
      ...(id === undefined ? {} : { actionId: id }),
      ...extra,
    });
  }
}
