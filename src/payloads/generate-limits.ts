// How many payloads one request may generate: shared by generatePayloads, `cxda generate -n` and `cxda test --generate`.

/**
 * Largest `count` accepted by `generatePayloads`, `cxda generate -n` and `cxda test --generate`: generation is for
 * test data, not for load.
 */
export const MAX_GENERATED = 100_000;
