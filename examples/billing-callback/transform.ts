// The billing-callback transformation: turns a wrap-up trigger (callback requested) into a CRM callback record.

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
    issueCategory: fields.issueCategory ?? "general",
    priority: attributes.tier === "premium" ? "high" : "standard",
    // Passed through as given, on purpose: the harness, not a cast, is what catches a wrong type.
    resolutionScore: fields.resolutionScore ?? 0,
    processedAt: trigger.timestamp,
  };
  ctx.log("built record", record.recordId, "priority", record.priority);
  return record;
}
