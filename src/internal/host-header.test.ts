// Unit tests of the Host header check: loopback names with and without ports, allowed names, and lookalikes.
import { describe, expect, it } from "vitest";
import { allowedHostNames, hostOfHeader, isAllowedHost } from "./host-header.js";

describe("isAllowedHost", () => {
  it.each([
    "localhost",
    "localhost:4010",
    "LOCALHOST",
    "localhost.",
    "127.0.0.1",
    "127.0.0.1:80",
    "127.255.0.9:65535",
    "[::1]",
    "[::1]:4010",
    "[0:0:0:0:0:0:0:1]:1",
  ])("accepts the loopback name %s", (host) => {
    expect(isAllowedHost(host)).toBe(true);
  });

  it.each([
    "attacker.example",
    "attacker.example:4010",
    "localhost.attacker.example",
    "127.0.0.1.nip.io",
    "127.0.0.256",
    "127.0.0",
    "128.0.0.1",
    "0.0.0.0",
    "[::2]",
    "[::ffff:7f00:1]x",
    "127.0.0.1@attacker.example",
    "attacker.example#127.0.0.1",
    "127.0.0.1:4010/x",
    "127.0.0.1:abc",
    "",
    "local host",
  ])("refuses %j", (host) => {
    expect(isAllowedHost(host)).toBe(false);
  });

  it("lets a request without a Host header through (HTTP/1.0; browsers always send one)", () => {
    expect(isAllowedHost(undefined)).toBe(true);
  });

  it("accepts the allowed names in any case and with any port, and nothing that only contains them", () => {
    const allowed = allowedHostNames(["Tunnel.Example", "::2", "192.0.2.10"]);
    expect(["tunnel.example", "TUNNEL.example:443", "[::2]:80", "192.0.2.10:4010"].map((host) => isAllowedHost(host, allowed))).toEqual([
      true,
      true,
      true,
      true,
    ]);
    expect(["tunnel.example.attacker.example", "sub.tunnel.example", "[::3]"].map((host) => isAllowedHost(host, allowed))).toEqual([
      false,
      false,
      false,
    ]);
  });
});

describe("hostOfHeader", () => {
  it("gives the host without its port, lower-cased, IPv6 in its short bracketed form", () => {
    expect(hostOfHeader("Example.Test:8080")).toBe("example.test");
    expect(hostOfHeader("[0:0:0:0:0:0:0:1]:9")).toBe("[::1]");
    expect(hostOfHeader("[not-ipv6]")).toBeUndefined();
    expect(hostOfHeader("a b")).toBeUndefined();
  });
});
