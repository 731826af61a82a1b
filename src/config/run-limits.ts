// The bounds of the run settings that flags, cxda.config.* and the listener all check: one definition each.

/** The longest per-case time limit, in ms (ten minutes): a larger one is a mistake, not a run that may hang for days. */
export const MAX_TIMEOUT_MS = 600_000;

/** The smallest per-worker heap limit, in MB: below it a worker cannot load a transform. */
export const MIN_MEMORY_MB = 16;

/** The largest per-worker heap limit, in MB (32 GB): beyond it the limit no longer limits anything on a real machine. */
export const MAX_MEMORY_MB = 32_768;
