// The action's cases as vitest tests, plus the cxda matchers for checks of your own.
import { expect, it } from "vitest";
import { describeAction } from "cxda/vitest";
import definition from "../actions/{{action}}/definition.json" with { type: "json" };

const action = new URL("../actions/{{action}}", import.meta.url);

// One test per case in actions/{{action}}/cases/*.json.
describeAction(action);

it("runs a case written here rather than in a case file", async () => {
  await expect(action).toPassCase({
    name: "a contact without customerId becomes UNKNOWN",
    unset: ["contact.attributes.customerId"],
    expect: { match: { customerId: "UNKNOWN" } },
  });
});

it("checks any value against the action's output schema", () => {
  const record = { recordId: "rec-1", customerId: "C-1", priority: "high", score: 87, processedAt: "2026-11-20T10:00:00.000Z" };
  expect(record).toSatisfySchema(definition.schema.output);
  expect({ ...record, score: "87" }).not.toSatisfySchema(definition.schema.output);
});
