// What the emulator lends a platform's routes for one request: its clients, tokens, definitions and transform runner,
// with the faults drawn for that request already applied.
import { timingSafeEqual } from "node:crypto";
import type { EmulatorServices } from "../platforms/platform.js";
import type { DeclarativeTester } from "./declarative-test.js";
import type { DefinitionsStore } from "./definitions-store.js";
import type { ResolvedEmulatorOptions } from "./emulator-options.js";
import type { FaultEffect } from "./faults.js";
import { runTransformSource } from "./run-transform.js";
import type { TokenStore } from "./token-store.js";

function sameSecret(given: string, expected: string): boolean {
  const a = Buffer.from(given);
  const b = Buffer.from(expected);
  return a.length === b.length && timingSafeEqual(a, b);
}

/** The emulator's parts the services are made of. */
interface ServiceParts {
  config: ResolvedEmulatorOptions;
  tokens: TokenStore;
  store: DefinitionsStore;
  /** Genesys' test endpoint's runs, in worker threads. */
  tester: DeclarativeTester;
}

/**
 * The services of one request, bound to its fault effect and the server's origin.
 * @example
 * const services = emulatorServices(parts, effect, "http://127.0.0.1:4010");
 * services.client("cxda-emulator", secret)?.scopes;
 */
export function emulatorServices(parts: ServiceParts, effect: FaultEffect, origin: string): EmulatorServices {
  const { config, tokens, store, tester } = parts;
  return {
    origin,
    tokenTtlSeconds: config.tokenTtlSeconds,
    tenantId: config.tenantId,
    env: config.env,
    now: config.now,
    client(id, secret) {
      const found = config.clients.find((c) => id !== undefined && secret !== undefined && c.clientId === id && sameSecret(secret, c.clientSecret));
      return found === undefined ? undefined : { clientId: found.clientId, scopes: found.scopes };
    },
    accessKey(id, secret) {
      const found = config.accessKeys.find((k) => k.accessKeyId === id && secret !== undefined && sameSecret(secret, k.accessKeySecret));
      return found === undefined ? undefined : { accessKeyId: found.accessKeyId, scopes: found.scopes };
    },
    issueAccess: (clientId, scopes) => tokens.issueAccess(clientId, scopes, effect),
    issueRefresh: (entry) => tokens.issueRefresh(entry),
    takeRefresh: (token, clientId) => tokens.takeRefresh(token, clientId),
    bearer: (request) => tokens.bearer(request, effect),
    definition: (id) => store.get(id),
    runTransform: (source, trigger, actionId, env) =>
      runTransformSource(source, trigger, { actionId, env, nowMs: config.now() }, { timeoutMs: config.transformTimeoutMs }),
    testDeclarative: (definition, actionId, input, authorization) =>
      tester.test({ definition, actionId, input, origin, ...(authorization === undefined ? {} : { authorization }) }),
  };
}
