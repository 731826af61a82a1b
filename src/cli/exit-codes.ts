// The CLI's exit codes, and which error codes map to which.
import { isCxdaError } from "../core/errors.js";

/** 0 all passed, 1 a case failed, 2 usage or config error, 3 platform (auth, API) error. */
export const EXIT = { ok: 0, failures: 1, usage: 2, platform: 3 } as const;

const PLATFORM_CODES = new Set(["E_AUTH", "E_SCOPE", "E_NOT_FOUND", "E_RATE_LIMIT", "E_HTTP", "E_NETWORK"]);

/** True for the error codes of a platform (auth, API, network) fault. */
export function isPlatformCode(code: string): boolean {
  return PLATFORM_CODES.has(code);
}

/** The exit code for an error that stopped a command. */
export function exitCodeFor(error: unknown): number {
  if (isCxdaError(error) && PLATFORM_CODES.has(error.code)) return EXIT.platform;
  if (isCxdaError(error)) return EXIT.usage;
  return EXIT.failures;
}
