// The Host header check of cxda's own servers (listener, emulator): a defence against DNS rebinding.
import { isIPv6 } from "node:net";

// A name or IPv4 address, or an IPv6 address in brackets, then an optional port; nothing else (no userinfo, path…).
const HOST_HEADER = /^(?:\[([0-9a-fA-F:.]+)\]|([^\s:/?#@[\]\\]+))(?::(\d{1,5}))?$/;
const LOOPBACK_IPV4 = /^127\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})$/;

/**
 * The host part of a Host header, lower-cased, without the port or a trailing dot, an IPv6 address in its short
 * bracketed form (`[::1]`); `undefined` when the header is not a plain host with an optional port.
 * @example
 * hostOfHeader("LocalHost:8080"); // "localhost"
 * hostOfHeader("[0:0:0:0:0:0:0:1]"); // "[::1]"
 */
export function hostOfHeader(header: string): string | undefined {
  const match = HOST_HEADER.exec(header.trim());
  if (match === null) return undefined;
  const [, ipv6, name] = match;
  if (ipv6 !== undefined) return isIPv6(ipv6) ? new URL(`http://[${ipv6}]/`).hostname : undefined;
  return name?.toLowerCase().replace(/\.$/, "");
}

/**
 * The host names a server accepts besides loopback ones, in the form {@link hostOfHeader} gives (so `"::1"`,
 * `"[::1]"` and `"Example.test"` are found as a header would name them). Unreadable entries are left out.
 * @example
 * allowedHostNames(["emulator", "10.0.0.5"]); // Set { "emulator", "10.0.0.5" }
 */
export function allowedHostNames(names: readonly string[]): ReadonlySet<string> {
  const out = new Set<string>();
  for (const name of names) {
    const host = hostOfHeader(isIPv6(name) ? `[${name}]` : name);
    if (host !== undefined) out.add(host);
  }
  return out;
}

function isLoopbackHost(host: string): boolean {
  if (host === "localhost" || host === "[::1]") return true;
  const octets = LOOPBACK_IPV4.exec(host);
  return octets !== null && octets.slice(1).every((octet) => Number(octet) <= 255);
}

/**
 * Whether a request with this Host header may be served by a server meant for this machine: `localhost`,
 * `127.x.x.x` or `[::1]` (with or without a port), or a name in `allowed`. A web page can make a browser send
 * requests to a loopback port under a name of its own that it re-points at 127.0.0.1 (DNS rebinding); the Host
 * header still carries that name, so refusing it keeps such pages out. A request with no Host header at all (only
 * HTTP/1.0 allows that; browsers always send one) is let through.
 * @example
 * isAllowedHost("127.0.0.1:4010"); // true
 * isAllowedHost("attacker.example:4010"); // false
 */
export function isAllowedHost(header: string | undefined, allowed: ReadonlySet<string> = new Set()): boolean {
  if (header === undefined) return true;
  const host = hostOfHeader(header);
  return host !== undefined && (isLoopbackHost(host) || allowed.has(host));
}

/** The Host header as a message may quote it: JSON-escaped (no control characters reach a terminal) and bounded. */
export function quotedHost(header: string): string {
  return JSON.stringify(header.length > 200 ? `${header.slice(0, 200)}…` : header);
}
