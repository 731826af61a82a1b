// The injected clock of a case that does not fix its own: the trigger's timestamp, else a fixed default.

/** The clock used when neither the case nor its trigger names a time, so runs stay reproducible. */
export const DEFAULT_CASE_NOW = "2026-01-01T00:00:00.000Z";

/**
 * The clock of a case that does not fix one: its trigger's `timestamp`, else {@link DEFAULT_CASE_NOW}, in epoch ms.
 * @example
 * triggerClock({ timestamp: "2026-03-01T10:00:00Z" }); // 1772359200000
 */
export function triggerClock(trigger: unknown): number {
  const timestamp = typeof trigger === "object" && trigger !== null ? (trigger as { timestamp?: unknown }).timestamp : undefined;
  const parsed = typeof timestamp === "string" ? Date.parse(timestamp) : Number.NaN;
  return Number.isNaN(parsed) ? Date.parse(DEFAULT_CASE_NOW) : parsed;
}
