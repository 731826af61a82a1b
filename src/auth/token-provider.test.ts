// Unit tests of the token cache: reuse, proactive refresh, single flight and invalidation, on a fake clock.
import { describe, expect, it } from "vitest";
import { CxdaError } from "../core/errors.js";
import { createCachedTokenProvider, type TokenGrant } from "./token-provider.js";

function setup(lifetimeSeconds = 3600) {
  let now = 0;
  const calls: Array<string | undefined> = [];
  let fail = false;
  const provider = createCachedTokenProvider(
    async (refreshToken): Promise<TokenGrant> => {
      calls.push(refreshToken);
      await Promise.resolve();
      if (fail) throw new CxdaError("E_AUTH", "refused");
      return { accessToken: `token-${calls.length}`, expiresInSeconds: lifetimeSeconds, refreshToken: `refresh-${calls.length}` };
    },
    { now: () => now },
  );
  return {
    provider,
    calls,
    advance: (ms: number) => {
      now += ms;
    },
    setFail: (value: boolean) => {
      fail = value;
    },
  };
}

describe("createCachedTokenProvider", () => {
  it("reuses a token until shortly before it expires", async () => {
    const { provider, calls, advance } = setup();
    expect(await provider.getToken()).toBe("token-1");
    advance(3_000_000); // 50 minutes: still well inside the lifetime
    expect(await provider.getToken()).toBe("token-1");
    expect(calls).toHaveLength(1);
  });

  it("never hands out a token inside the expiry margin", async () => {
    const { provider, calls, advance } = setup();
    await provider.getToken();
    advance(3_600_000 - 30_000); // 30 s left, inside the 60 s margin
    expect(await provider.getToken()).toBe("token-2");
    expect(calls).toEqual([undefined, "refresh-1"]);
  });

  it("refreshes in the background ahead of expiry and keeps serving the current token", async () => {
    const { provider, calls, advance } = setup();
    await provider.getToken();
    advance(3_600_000 - 200_000); // inside the 5-minute refresh-ahead window
    expect(await provider.getToken()).toBe("token-1");
    await Promise.resolve();
    await Promise.resolve();
    expect(calls).toHaveLength(2);
    expect(await provider.getToken()).toBe("token-2");
  });

  it("makes one request for ten concurrent callers", async () => {
    const { provider, calls } = setup();
    const tokens = await Promise.all(Array.from({ length: 10 }, () => provider.getToken()));
    expect(new Set(tokens)).toEqual(new Set(["token-1"]));
    expect(calls).toHaveLength(1);
  });

  it("invalidate() forces a new token", async () => {
    const { provider, calls } = setup();
    await provider.getToken();
    provider.invalidate();
    expect(await provider.getToken()).toBe("token-2");
    expect(calls).toHaveLength(2);
  });

  it("invalidate(token) ignores a token that was already replaced", async () => {
    const { provider, calls } = setup();
    const first = await provider.getToken();
    provider.invalidate(first);
    const second = await provider.getToken();
    provider.invalidate(first); // a late 401 for the old token must not throw away the new one
    expect(await provider.getToken()).toBe(second);
    expect(calls).toHaveLength(2);
  });

  it("does not cache a failed request", async () => {
    const { provider, calls, setFail } = setup();
    setFail(true);
    await expect(provider.getToken()).rejects.toMatchObject({ code: "E_AUTH" });
    setFail(false);
    expect(await provider.getToken()).toBe("token-2");
    expect(calls).toHaveLength(2);
  });

  it("scales the margins down for short-lived tokens", async () => {
    const { provider, calls, advance } = setup(10);
    await provider.getToken();
    advance(5_000); // half-way through a 10 s token: still fine
    expect(await provider.getToken()).toBe("token-1");
    advance(4_500); // 0.5 s left, inside a tenth of the lifetime
    expect(await provider.getToken()).toBe("token-2");
    expect(calls).toHaveLength(2);
  });
});
