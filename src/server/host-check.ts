// The Host check of cxda's own servers as an answer: 403 with what was refused, why, and what to do.
import { isAllowedHost, quotedHost } from "../internal/host-header.js";
import { errorReply, type Reply } from "./reply.js";

/** Who is checking, for the message. */
export interface HostCheck {
  /** Host names answered besides loopback ones (see `allowedHostNames`). */
  allowed: ReadonlySet<string>;
  /** The server's name in the message: "emulator", "listener". */
  server: string;
  /** The server's own origin, where requests should go. */
  origin: string;
  /** How to allow another name, after "or": `start the emulator with --allow-host <that name> …`. */
  advice: string;
}

/**
 * 403 `host_not_allowed` (with `error.host`) when the Host header names neither loopback nor an allowed name (a web
 * page reaching a loopback port through DNS rebinding); `undefined` when the request may be served.
 * @example
 * refuseForeignHost("attacker.example", { allowed: new Set(), server: "listener", origin, advice: "start the listener with --allow-host <that name>" });
 */
export function refuseForeignHost(host: string | undefined, check: HostCheck): Reply | undefined {
  if (isAllowedHost(host, check.allowed)) return undefined;
  const message =
    `the Host header ${quotedHost(host ?? "")} does not name this machine (localhost, 127.x.x.x or [::1], any port), so the ${check.server} ` +
    `refused the request: a web page can reach a loopback port under a name of its own (DNS rebinding); send requests to ${check.origin}, ` +
    `or ${check.advice}`;
  return errorReply(403, "host_not_allowed", message, { details: { host: host ?? "" }, close: true });
}
