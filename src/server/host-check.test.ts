import { describe, expect, it } from "vitest";
import { refuseForeignHost, type HostCheck } from "./host-check.js";

const check: HostCheck = {
  allowed: new Set(["tunnel.example"]),
  server: "listener",
  origin: "http://127.0.0.1:4010",
  advice: "start the listener with --allow-host <that name>",
};

describe("refuseForeignHost", () => {
  it("lets loopback names, allowed names and a missing Host through", () => {
    for (const host of ["localhost:4010", "127.0.0.1", "[::1]:80", "tunnel.example:443", undefined]) {
      expect({ host, refused: refuseForeignHost(host, check) }).toEqual({ host, refused: undefined });
    }
  });

  it("refuses any other name with 403 host_not_allowed, the host, why and what to do, and closes the connection", () => {
    const reply = refuseForeignHost("rebound.example", check);
    expect(reply).toEqual({
      status: 403,
      close: true,
      body: {
        error: {
          code: "host_not_allowed",
          host: "rebound.example",
          message:
            'the Host header "rebound.example" does not name this machine (localhost, 127.x.x.x or [::1], any port), so the listener refused the ' +
            "request: a web page can reach a loopback port under a name of its own (DNS rebinding); send requests to http://127.0.0.1:4010, or " +
            "start the listener with --allow-host <that name>",
        },
      },
    });
  });
});
