// The listener's options: what a caller may set, the defaults, and the checks that refuse values that cannot work; and what it reports.
import { availableParallelism } from "node:os";
import { join, resolve } from "node:path";
import { CxdaError } from "../core/errors.js";
import { allowedHostNames } from "../internal/host-header.js";
import { DEFAULT_ENV } from "../config/defaults.js";

/** Options of {@link startListener}. Only `actions` is required. */
export interface ListenerOptions {
  /** Action folders, or folders holding action folders; each needs a `definition.json`. */
  actions: string[];
  /** Port; 0 picks a free one. @default 0 */
  port?: number;
  /** Loopback address to bind: "127.0.0.1", "::1" or "localhost". @default "127.0.0.1" */
  host?: string;
  /**
   * Host header names accepted besides `localhost`, `127.x.x.x` and `[::1]`: the public name of a tunnel or proxy
   * that forwards to the listener without rewriting Host. Any other name gets 403 (DNS rebinding defence).
   * @default []
   */
  allowedHosts?: string[];
  /** Largest request body accepted, in bytes; larger ones get 413. @default 32768 (the platform's payload cap) */
  bodyLimitBytes?: number;
  /** Save each inbound trigger as a case file under `<recordDir>/<action folder>/cases/`. @default no recording */
  recordDir?: string;
  /** Milliseconds one transform run may take before its worker is stopped. @default 2000 */
  timeoutMs?: number;
  /** Milliseconds a client has to send the whole body; slower ones get 408. @default 10000 */
  bodyTimeoutMs?: number;
  /** Worker threads running transforms, started once for the listener's lifetime. @default up to 4 (the number of cores) */
  workers?: number;
  /** Heap limit of each worker, in MB. @default 256 */
  memoryMb?: number;
  /** `ctx.env` seen by transforms. @default "sandbox" */
  env?: string;
  /** `ctx.vars` seen by transforms. @default {} */
  vars?: Record<string, unknown>;
  /** Where bundled transforms are written. @default ".cxda/build" */
  buildDir?: string;
  /** Let transforms use the network. @default false */
  allowNetwork?: boolean;
  /** The clock used to name recorded case files (epoch ms). @default Date.now */
  now?: () => number;
  /** Called after each request is answered. */
  onRequest?: (entry: ListenerRequest) => void;
}

/** {@link ListenerOptions} with every default applied. */
export interface ResolvedListenerOptions {
  actions: string[];
  port: number;
  host: string;
  allowedHosts: ReadonlySet<string>;
  bodyLimitBytes: number;
  recordDir: string | undefined;
  timeoutMs: number;
  bodyTimeoutMs: number;
  workers: number;
  memoryMb: number;
  env: string;
  vars: Record<string, unknown>;
  /** Absolute. */
  buildDir: string;
  allowNetwork: boolean;
  now: () => number;
  onRequest: ((entry: ListenerRequest) => void) | undefined;
}

/** One action the listener serves. */
export interface ListenerAction {
  /** The definition's id; the folder name is accepted in the URL too. */
  id: string;
  name: string;
  dir: string;
  /** Where its transform comes from; "none" means requests to it get 422 with E_TRANSFORM. */
  transform: "file" | "definition" | "none";
  /** `POST` here to run it. */
  executeUrl: string;
}

/** One answered request, for logs. Never holds the body or headers. */
export interface ListenerRequest {
  seq: number;
  method: string;
  path: string;
  status: number;
  durationMs: number;
  actionId?: string;
  /** The case file written, with recording on. */
  recorded?: string;
  /** JSON Pointers of secret-looking fields left out of the recording. */
  removed?: string[];
  /** Why the request was refused or failed: the answer's error code, then its message (`E_TRANSFORM: …`). */
  error?: string;
}

const LOOPBACK = new Set(["127.0.0.1", "::1", "localhost"]);

function positiveInteger(name: string, value: number | undefined, fallback: number, min = 1): number {
  const resolved = value ?? fallback;
  if (!Number.isInteger(resolved) || resolved < min)
    throw new CxdaError("E_USAGE", `listener ${name} must be a whole number >= ${min}, got ${String(value)}`);
  return resolved;
}

/**
 * Applies the listener's defaults and rejects values that cannot work.
 * @throws CxdaError `E_USAGE` for no actions, a port outside 0–65535, a host that is not loopback, or a limit below 1.
 * @example
 * resolveListenerOptions({ actions: ["actions"] }).bodyLimitBytes; // 32768
 */
export function resolveListenerOptions(options: ListenerOptions): ResolvedListenerOptions {
  if (!Array.isArray(options.actions) || options.actions.length === 0)
    throw new CxdaError("E_USAGE", "the listener needs at least one action folder");
  const port = options.port ?? 0;
  if (!Number.isInteger(port) || port < 0 || port > 65535)
    throw new CxdaError("E_USAGE", `listener port must be 0–65535 (0 picks a free one), got ${String(options.port)}`);
  const host = options.host ?? "127.0.0.1";
  if (!LOOPBACK.has(host)) {
    throw new CxdaError(
      "E_USAGE",
      `the listener only binds to loopback (127.0.0.1, ::1, localhost), got ${JSON.stringify(host)}; forward a port (ssh -R, a tunnel) to reach it from elsewhere`,
    );
  }
  return {
    actions: options.actions,
    port,
    host,
    allowedHosts: allowedHostNames(options.allowedHosts ?? []),
    bodyLimitBytes: positiveInteger("bodyLimitBytes", options.bodyLimitBytes, 32_768),
    recordDir: options.recordDir,
    timeoutMs: positiveInteger("timeoutMs", options.timeoutMs, 2000),
    bodyTimeoutMs: positiveInteger("bodyTimeoutMs", options.bodyTimeoutMs, 10_000),
    workers: positiveInteger("workers", options.workers, Math.min(4, availableParallelism())),
    memoryMb: positiveInteger("memoryMb", options.memoryMb, 256, 16),
    env: options.env ?? DEFAULT_ENV,
    vars: options.vars ?? {},
    buildDir: resolve(options.buildDir ?? join(".cxda", "build")),
    allowNetwork: options.allowNetwork ?? false,
    now: options.now ?? Date.now,
    onRequest: options.onRequest,
  };
}
