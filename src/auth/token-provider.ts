// The TokenProvider interface and the cache every auth mode shares: reuse, proactive refresh, single flight.

/**
 * Hands out bearer tokens for the platform API. One provider per set of credentials.
 * @example
 * const token = await provider.getToken();
 * // the API answered 401 with that token:
 * provider.invalidate(token);
 */
export interface TokenProvider {
  /** A token valid for a while yet; concurrent callers share one token request. */
  getToken(): Promise<string>;
  /**
   * Forgets the cached token so the next `getToken()` fetches a new one. With `token`, only
   * forgets it if it is still the cached one (so two callers that both saw a 401 cause one refresh).
   */
  invalidate(token?: string): void;
}

/** What a token endpoint granted. */
export interface TokenGrant {
  accessToken: string;
  /** Lifetime in seconds, from `expires_in`. */
  expiresInSeconds: number;
  refreshToken?: string;
  scope?: string;
}

/**
 * Timing options shared by every auth mode.
 * @example
 * { now: () => fakeNow, expiryMarginMs: 60_000, refreshAheadMs: 300_000 }
 */
export interface TokenCacheOptions {
  /** Clock in epoch ms, injectable for tests. @default Date.now */
  now?: () => number;
  /** A token with less than this left is never handed out (capped at a tenth of its lifetime). @default 60000 */
  expiryMarginMs?: number;
  /**
   * With less than this left (capped at a quarter of its lifetime), the cached token is still
   * returned but a new one is fetched in the background. @default 300000
   */
  refreshAheadMs?: number;
}

interface CachedToken {
  token: string;
  /** From here on, fetch a replacement in the background. */
  refreshAt: number;
  /** From here on, do not hand this token out. */
  staleAt: number;
}

/**
 * Wraps a grant function in the token cache. `fetchGrant` receives the last refresh token (if
 * any) and must return a fresh grant or throw a CxdaError.
 * @example
 * const provider = createCachedTokenProvider(async () => ({ accessToken: "t", expiresInSeconds: 3600 }));
 */
export function createCachedTokenProvider(
  fetchGrant: (refreshToken: string | undefined) => Promise<TokenGrant>,
  options: TokenCacheOptions = {},
): TokenProvider {
  const now = options.now ?? Date.now;
  const expiryMarginMs = options.expiryMarginMs ?? 60_000;
  const refreshAheadMs = options.refreshAheadMs ?? 300_000;
  let cached: CachedToken | undefined;
  let refreshToken: string | undefined;
  let inFlight: Promise<string> | undefined;

  const fetchToken = (): Promise<string> => {
    if (inFlight !== undefined) return inFlight;
    const requestedAt = now();
    const request = fetchGrant(refreshToken).then((grant) => {
      const lifetimeMs = Math.max(0, grant.expiresInSeconds * 1000);
      // Counted from when the request left, so a slow answer never makes the token look younger than it is.
      const expiresAt = requestedAt + lifetimeMs;
      cached = {
        token: grant.accessToken,
        refreshAt: expiresAt - Math.min(refreshAheadMs, lifetimeMs / 4),
        staleAt: expiresAt - Math.min(expiryMarginMs, lifetimeMs / 10),
      };
      if (grant.refreshToken !== undefined) refreshToken = grant.refreshToken;
      return grant.accessToken;
    });
    inFlight = request;
    const clear = (): void => {
      if (inFlight === request) inFlight = undefined;
    };
    request.then(clear, clear);
    return request;
  };

  return {
    getToken(): Promise<string> {
      const at = now();
      if (cached !== undefined && at < cached.staleAt) {
        if (at >= cached.refreshAt && inFlight === undefined) {
          // Background refresh: a failure here is not lost, the next caller past staleAt retries and sees it.
          fetchToken().catch(() => undefined);
        }
        return Promise.resolve(cached.token);
      }
      return fetchToken();
    },
    invalidate(token?: string): void {
      if (token !== undefined && cached?.token !== token) return;
      cached = undefined;
    },
  };
}
