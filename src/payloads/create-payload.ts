// The default trigger payload: realistic, fresh ids and time unless seeded or clocked, with deep-merged overrides.
import { CxdaError } from "../core/errors.js";
import type { TriggerPayload } from "../core/types.js";
import { deepMerge } from "./deep-merge.js";
import { createRandomInt, randomDigits } from "./seeded-random.js";

/** Options for {@link createPayload}. */
export interface PayloadOptions {
  /** Makes every id deterministic: the same seed gives the same ids on every run and machine. @default fresh random ids */
  seed?: string | number;
  /** Fixes the clock: `timestamp` is this instant, the other times are set relative to it. @default the current time */
  now?: Date | string | number;
  /** The action the trigger is addressed to. @default "da-test-12345" (the reference action's id) */
  dataActionId?: string;
}

/** The id the reference trigger (fixtures/billing-callback/trigger.json) is addressed to. */
export const DEFAULT_DATA_ACTION_ID = "da-test-12345";

/** How long the interaction had been running when the trigger fired. */
const INTERACTION_AGE_MS = 108_000;
/** How long ago the contact last called. */
const LAST_CALL_AGE_MS = 5 * 24 * 60 * 60 * 1000;

function resolveNow(now: PayloadOptions["now"]): number {
  if (now === undefined) return Date.now();
  const ms = now instanceof Date ? now.getTime() : typeof now === "number" ? now : Date.parse(now);
  if (!Number.isFinite(ms)) {
    throw new CxdaError("E_USAGE", `now: ${JSON.stringify(String(now))} is not a valid date; use an ISO date-time such as 2026-11-20T10:00:00Z`, {
      context: { now: String(now) },
    });
  }
  return ms;
}

/**
 * A realistic trigger payload shaped like the reference trigger: a premium contact's inbound voice call,
 * wrapped up with a callback request. Ids are fresh and random, and `timestamp` is the current time,
 * unless `seed` and `now` fix them. `overrides` are deep-merged: objects merge key by key, arrays and
 * scalars replace, and an `undefined` value removes the key. Every call returns a new object.
 * @throws CxdaError `E_USAGE` for an invalid `now` or an override key such as `__proto__`.
 * @example
 * const trigger = createPayload(
 *   { data: { customFields: { resolutionScore: "87" } } },
 *   { seed: "score-as-string", now: "2026-11-20T10:00:00Z" },
 * );
 * trigger.data.customFields; // { issueCategory: "billing", resolutionScore: "87" }
 */
export function createPayload(overrides: Record<string, unknown> = {}, options: PayloadOptions = {}): TriggerPayload {
  const next = createRandomInt(options.seed);
  const now = resolveNow(options.now);
  const payload: TriggerPayload = {
    dataActionId: options.dataActionId ?? DEFAULT_DATA_ACTION_ID,
    triggerId: `tr-${randomDigits(next, 6)}`,
    timestamp: new Date(now).toISOString(),
    environment: "sandbox",
    interaction: {
      id: `i-${randomDigits(next, 6)}`,
      type: "voice",
      direction: "inbound",
      status: "active",
      channel: "phone",
      startTime: new Date(now - INTERACTION_AGE_MS).toISOString(),
    },
    contact: {
      id: `c-${randomDigits(next, 6)}`,
      externalId: `EXT-${randomDigits(next, 4)}`,
      attributes: {
        customerId: `CUST-${randomDigits(next, 4)}`,
        tier: "premium",
        lastCallDate: new Date(now - LAST_CALL_AGE_MS).toISOString().replace(/\.\d{3}Z$/, "Z"),
      },
    },
    data: {
      disposition: "callback_requested",
      agentId: `ag-${randomDigits(next, 6)}`,
      wrapUpCode: "WU-04",
      customFields: {
        issueCategory: "billing",
        resolutionScore: 87,
      },
    },
  };
  // Overrides may reshape the payload freely (that is how invalid triggers are made), so the type is a promise about the defaults.
  return deepMerge(payload, overrides) as TriggerPayload;
}
