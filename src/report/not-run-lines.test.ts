import { describe, expect, it } from "vitest";
import type { CaseResult } from "../core/types.js";
import { notRunGroups } from "./not-run-lines.js";

const plain = { paint: (_style: string, text: string) => text };

function notRun(action: string, name: string, message: string): CaseResult {
  return {
    action,
    case: name,
    status: "error",
    notRun: true,
    error: { code: "E_COMPILE", message },
    issues: [],
    failures: [],
    logs: [],
    trace: { steps: [] },
    durationMs: 0,
  };
}

describe("notRunGroups", () => {
  it("prints an action's problem once, then one line per case", () => {
    const group = notRunGroups();
    const lines = [
      ...group.lines(plain, notRun("a", "one", "t.ts: the transform does not compile:\n  t.ts:2:9: Expected identifier")),
      ...group.lines(plain, notRun("a", "two", "t.ts: the transform does not compile:\n  t.ts:2:9: Expected identifier")),
    ];
    expect(lines).toEqual([
      "✗ a did not run: its transform does not compile",
      "    E_COMPILE t.ts: the transform does not compile:\n      t.ts:2:9: Expected identifier",
      "  - a › one (not run)",
      "  - a › two (not run)",
    ]);
  });

  it("prints the problem again for another action or another problem", () => {
    const group = notRunGroups();
    group.lines(plain, notRun("a", "one", "broken"));
    expect(group.lines(plain, notRun("b", "one", "broken"))).toHaveLength(3);
    expect(group.lines(plain, notRun("b", "two", "broken differently"))).toHaveLength(3);
  });

  it("shows escape sequences from the problem as text", () => {
    const [, problem] = notRunGroups().lines(plain, notRun("a", "one", "bad \u001b[2J name"));
    expect(problem).not.toContain("\u001b");
  });
});
