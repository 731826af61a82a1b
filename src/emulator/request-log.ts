// The emulator's request log: one entry per request, never credentials, tokens or bodies, the last `requestLogLimit` kept.
import type { EmulatorRoute } from "./faults.js";

/** One request as the emulator saw it. No credentials, tokens or bodies are recorded. */
export interface EmulatorRequest {
  seq: number;
  /** ISO time the request arrived. */
  at: string;
  method: string;
  /** Path and query, with any credential-like query parameter redacted. */
  path: string;
  route: EmulatorRoute | null;
  status: number;
  durationMs: number;
  correlationId: string;
  /** The connection was destroyed mid-response. */
  dropped?: true;
  /** Faults that fired. */
  faults?: string[];
  /** The OAuth grant type on token routes. */
  grantType?: string;
  /** The OAuth client id on token routes. */
  clientId?: string;
  /** The data action id on data-action routes. */
  actionId?: string;
}

const SENSITIVE_QUERY = /^(client_secret|password|access_token|refresh_token|token|code|secret)$/i;

/**
 * A URL's path and query as the log shows it: credential-like query parameters redacted.
 * @example
 * safePath(new URL("http://x/a?client_secret=s&n=1")); // "/a?client_secret=%5Bredacted%5D&n=1"
 */
export function safePath(url: URL): string {
  const params = new URLSearchParams();
  for (const [key, value] of url.searchParams) params.append(key, SENSITIVE_QUERY.test(key) ? "[redacted]" : value);
  const query = params.size === 0 ? "" : `?${params.toString()}`;
  return `${url.pathname}${query}`;
}

/** The requests served, oldest first, numbered from 1 (numbers go on after entries are dropped, so gaps show). */
export class RequestLog {
  #entries: EmulatorRequest[] = [];
  #seq = 0;
  readonly #limit: number;
  readonly #onRequest: ((entry: EmulatorRequest) => void) | undefined;

  constructor(limit: number, onRequest?: (entry: EmulatorRequest) => void) {
    this.#limit = limit;
    this.#onRequest = onRequest;
  }

  /** Numbers and keeps `entry`, then tells `onRequest`. */
  record(entry: Omit<EmulatorRequest, "seq">): void {
    const numbered: EmulatorRequest = { seq: ++this.#seq, ...entry };
    this.#entries.push(numbered);
    // A long-running emulator must not grow with every request it has ever served.
    if (this.#entries.length > this.#limit) this.#entries.shift();
    this.#onRequest?.(numbered);
  }

  /** Copies of the entries kept. */
  list(): EmulatorRequest[] {
    return this.#entries.map((entry) => ({ ...entry }));
  }

  clear(): void {
    this.#entries = [];
  }
}
