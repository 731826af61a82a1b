// The transformation under test: a wrap-up trigger becomes a CRM callback record.

interface Trigger {
  timestamp: string;
  interaction: { id: string };
  contact: { attributes?: Record<string, unknown> };
  data: { customFields?: Record<string, unknown> };
}

interface Context {
  log(...args: unknown[]): void;
}

export default function transform(trigger: Trigger, ctx: Context) {
  const attributes = trigger.contact.attributes ?? {};
  const fields = trigger.data.customFields ?? {};
  const record = {
    recordId: `rec-${trigger.interaction.id}`,
    customerId: attributes.customerId ?? "UNKNOWN",
    priority: attributes.tier === "premium" ? "high" : "standard",
    // Passed through as sent: a score that arrives as a string is caught by the output schema, not hidden by a cast.
    score: fields.score ?? 0,
    processedAt: trigger.timestamp,
  };
  ctx.log("built record", record.recordId);
  return record;
}
