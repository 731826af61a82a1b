// The emulator's tokens: access tokens it issued (with their scopes and expiry) and refresh tokens, which rotate.
import { randomBytes } from "node:crypto";
import type { IncomingMessage } from "node:http";
import type { BearerCheck } from "../platforms/platform.js";
import type { FaultEffect } from "./faults.js";

interface AccessToken {
  clientId: string;
  scopes: Set<string>;
  expiresAt: number;
}

/** What a refresh token stands for. */
export interface RefreshToken {
  clientId: string;
  accessKeyId: string;
  scopes: string[];
  expiresAt: number;
}

/** Lifetimes and the clock of a {@link TokenStore}. */
export interface TokenPolicy {
  tokenTtlSeconds: number;
  refreshTokenTtlSeconds: number;
  now: () => number;
}

/** Issues tokens and reads the bearer token of API requests. */
export class TokenStore {
  readonly #access = new Map<string, AccessToken>();
  readonly #refresh = new Map<string, RefreshToken>();
  readonly #policy: TokenPolicy;

  constructor(policy: TokenPolicy) {
    this.#policy = policy;
  }

  /** A new access token for `clientId` with `scopes`, less any a fault withholds; the scopes it carries. */
  issueAccess(clientId: string, scopes: string[], effect: FaultEffect): { token: string; granted: string[] } {
    const granted = scopes.filter((scope) => !effect.omitScopes.includes(scope));
    const token = `emu_at_${randomBytes(24).toString("base64url")}`;
    this.#access.set(token, { clientId, scopes: new Set(granted), expiresAt: this.#policy.now() + this.#policy.tokenTtlSeconds * 1000 });
    return { token, granted };
  }

  /** A new refresh token. */
  issueRefresh(entry: Omit<RefreshToken, "expiresAt">): string {
    const token = `emu_rt_${randomBytes(24).toString("base64url")}`;
    this.#refresh.set(token, { ...entry, expiresAt: this.#policy.now() + this.#policy.refreshTokenTtlSeconds * 1000 });
    return token;
  }

  /** Spends a refresh token issued to `clientId`: each works once. `undefined` when unknown, expired or another's. */
  takeRefresh(token: string, clientId: string): RefreshToken | undefined {
    const entry = this.#refresh.get(token);
    if (entry === undefined || entry.clientId !== clientId || entry.expiresAt <= this.#policy.now()) return undefined;
    this.#refresh.delete(token);
    return entry;
  }

  /** Expires every access token issued so far (refresh tokens stay valid). */
  expireAll(): void {
    const past = this.#policy.now() - 1;
    for (const token of this.#access.values()) token.expiresAt = Math.min(token.expiresAt, past);
  }

  /**
   * What the request's bearer token is worth: its client and scopes, or why it is refused (missing, unknown, expired).
   * A fault's `expireToken` expires it first. Each platform words the refusal its own way.
   */
  bearer(request: IncomingMessage, effect: FaultEffect): BearerCheck {
    const match = /^Bearer\s+(\S+)$/i.exec(request.headers.authorization ?? "");
    const token = match?.[1];
    const entry = token === undefined ? undefined : this.#access.get(token);
    const now = this.#policy.now();
    if (entry !== undefined && effect.expireToken) entry.expiresAt = Math.min(entry.expiresAt, now - 1);
    if (entry === undefined || entry.expiresAt <= now) {
      return { ok: false, reason: token === undefined ? "missing bearer token" : entry === undefined ? "unknown token" : "the token has expired" };
    }
    return { ok: true, clientId: entry.clientId, scopes: entry.scopes };
  }
}
