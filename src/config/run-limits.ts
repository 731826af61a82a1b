// The bounds of the run settings that flags, cxda.config.* and the listener all check: one definition each.

/** The longest per-case time limit, in ms (ten minutes): a larger one is a mistake, not a run that may hang for days. */
export const MAX_TIMEOUT_MS = 600_000;

/** The smallest per-worker heap limit, in MB: below it a worker cannot load a transform. */
export const MIN_MEMORY_MB = 16;

/** The largest per-worker heap limit, in MB (32 GB): beyond it the limit no longer limits anything on a real machine. */
export const MAX_MEMORY_MB = 32_768;

/** Retry bounds that keep a typo (an extra zero) from stalling a run for hours: 20 attempts, 10 minutes of waiting. */
export const MAX_RETRY_ATTEMPTS = 20;
export const MAX_RETRY_MS = 600_000;
